import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Frames written to the write-ahead log and not yet copied back into the database file, read from the
 * wal-index header in the `-shm` file (https://www.sqlite.org/walformat.html: `mxFrame` at byte 16 of
 * the header, `nBackfill` at byte 96, native byte order). A heuristic only: the read is not locked, and
 * any doubt (no file, short read) answers Infinity, i.e. "checkpoint". Self-contained, so that the
 * worker below runs this very function (its source is put into the worker's code).
 */
export function walBacklog(fs: typeof import('node:fs'), fd: number, littleEndian: boolean): number {
  const header = Buffer.alloc(100);
  try {
    if (fs.readSync(fd, header, 0, 100, 0) < 100) return Infinity;
  } catch {
    return Infinity;
  }
  // No inner functions: a bundler keeping names would wrap them in a helper the worker does not have.
  const mxFrame = littleEndian ? header.readUInt32LE(16) : header.readUInt32BE(16);
  const nBackfill = littleEndian ? header.readUInt32LE(96) : header.readUInt32BE(96);
  return mxFrame - nBackfill;
}

/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database file
 * (and syncs it) every 1,000 pages, inside whichever commit crosses that mark: on a busy server one
 * request in a few hundred pays for it, and on average a commit costs twice as much. Here a worker
 * thread with its own connection runs a PASSIVE checkpoint (never waiting for, or blocking, the
 * server's connection) once the log holds `minFrames` pages not yet copied back — the same mark as
 * SQLite's own, looked at every `intervalMs`. Not sooner: after a checkpoint has copied everything the
 * next write starts the log over, and SQLite syncs the new log header to disk inside that write (1–2 ms
 * here). Checkpointing an idle server every 200 ms made every write after a quiet moment pay it.
 * The server's connection keeps a far higher automatic mark only as a backstop.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const littleEndian = require('node:os').endianness() === 'LE';
const SQLite = require(workerData.driver);
const walBacklog = ${walBacklog.toString()};
const db = new SQLite(workerData.file, { fileMustExist: true });
let shm;
const timer = setInterval(() => {
  try {
    shm ??= fs.openSync(workerData.file + '-shm', 'r');
    if (walBacklog(fs, shm, littleEndian) < workerData.minFrames) return;
  } catch {}
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { if (shm !== undefined) fs.closeSync(shm); } catch {}
  try { db.close(); } catch {}
  parentPort.postMessage('closed');
});
`;

/** Pages of WAL after which the server's own connection checkpoints anyway (the worker normally keeps it far below). */
export const BACKSTOP_AUTOCHECKPOINT = 10_000;

/** Pages of WAL not yet copied back at which the worker checkpoints (SQLite's default automatic mark). */
export const CHECKPOINT_FRAMES = 1_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, { intervalMs = 200, minFrames = CHECKPOINT_FRAMES } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs, minFrames } });
  worker.unref();
  let exited = false;
  // A checkpointer that fails leaves the work to the backstop: the server goes on.
  worker.on('error', () => {});
  worker.once('exit', () => (exited = true));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        worker.once('exit', () => resolve());
        worker.once('message', () => void worker.terminate());
        worker.postMessage('close');
        setTimeout(() => void worker.terminate(), 2000).unref();
      }),
  };
}
