import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database file
 * (and syncs it) every 1,000 pages, inside whichever commit crosses that mark: on a busy server one
 * request in a few hundred pays for it, and on average a commit costs twice as much. Here a worker
 * thread with its own connection runs a PASSIVE checkpoint every `intervalMs` (never waiting for, or
 * blocking, the server's connection), and the server's connection keeps a far higher automatic mark
 * only as a backstop.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.postMessage('closed');
});
`;

/** Pages of WAL after which the server's own connection checkpoints anyway (the worker normally keeps it far below). */
export const BACKSTOP_AUTOCHECKPOINT = 10_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, intervalMs = 200): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs } });
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
