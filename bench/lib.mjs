// Process and HTTP plumbing of the bench: spawning the compiled server, the admin CLI, plain
// keep-alive HTTP calls with sub-millisecond timing, load runs with autocannon, RSS from /proc.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'imbot-server.js');
export const CEILING = path.join(ROOT, 'bench', 'ceiling.mjs');
export const FLOOR = path.join(ROOT, 'bench', 'floor.mjs');
/** The admin webhook's fixed secret in every bench portal. */
export const ADMIN_TOKEN = 'benchadmintoken0';

const run = promisify(execFile);

/** `imbot-server <args> --data <file>`: the admin subcommands, against the data file before the server starts. */
export async function cli(data, ...args) {
  const { stdout } = await run(process.execPath, [BIN, ...args, '--data', data], { cwd: ROOT });
  return stdout;
}

/** A free TCP port on the loopback (for the cold-start runs, which poll a port known in advance). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForUrl(child, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/^\s*HTTP\s+(http:\/\/\S+)/m);
      if (m) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(m[1].replace(/\/+$/, ''));
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => (err += c));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before listening:\n${out}${err}`)));
  });
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * The server under test, as its own process: the compiled bin with the bench flags.
 * `cpuProf`: a folder for a V8 CPU profile of the server process (written when it stops); `bin`: another
 * build's entry point (bench/compare.mjs).
 */
export async function startServer(data, { port = 0, cpuProf, bin = BIN } = {}) {
  const nodeArgs = [...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const args = [
    ...nodeArgs,
    bin,
    'start',
    '--data', data,
    '--port', String(port),
    '--https-port', '0',
    '--rate-limit', 'off',
    '--log-level', 'silent',
    '--webhook-token', ADMIN_TOKEN,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForUrl(child, 'imbot-server');
  return { url, pid: child.pid, child, hook: `${url}/rest/1/${ADMIN_TOKEN}/`, stop: stopper(child) };
}

/** The bare node:http ceiling, answering `body` to everything. */
export async function startCeiling(body, { port = 0 } = {}) {
  const child = spawn(process.execPath, [CEILING], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CEILING_BODY: body, PORT: String(port) },
  });
  const url = await waitForUrl(child, 'ceiling');
  return { url, pid: child.pid, child, stop: stopper(child) };
}

/** The stack floor (bench/floor.mjs): Fastify + better-sqlite3 doing one durable write, nothing else. */
export async function startFloor(data) {
  const child = spawn(process.execPath, [FLOOR], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLOOR_DATA: data } });
  const url = await waitForUrl(child, 'floor');
  return { url, pid: child.pid, child, stop: stopper(child) };
}

/** Spawns a process and polls `GET <url>` until it answers 200; milliseconds from spawn to that answer. */
export async function timeToReady(command, args, url, env = process.env) {
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${args.join(' ')} exited before answering ${url}`);
    const status = await new Promise((resolve) => {
      const req = http.get(url, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(0));
    });
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = performance.now() - t0;
  return { ms, pid: child.pid, stop: stopper(child) };
}

/** CPU time (user + system) a process has used so far, in ms (from /proc; clock ticks of 10 ms). */
export function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Waits until a process has gone quiet: at most `busyMs` of CPU in each of two consecutive `windowMs`
 * windows (a server still working through requests sent before, or collecting their garbage, is not
 * idle). Gives up after `timeoutMs`; returns the milliseconds waited.
 */
export async function settled(pid, { windowMs = 250, busyMs = 10, timeoutMs = 20_000 } = {}) {
  const start = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - start < timeoutMs) {
    const before = cpuMs(pid);
    await sleep(windowMs);
    quiet = cpuMs(pid) - before <= busyMs ? quiet + 1 : 0;
  }
  return performance.now() - start;
}

/**
 * The whole machine's CPU time so far (`/proc/stat`, all CPUs, clock ticks): total and the part the
 * hypervisor gave to others (steal). Null where there is no /proc/stat.
 */
export function machineTimes() {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}

/** Steal time between two machineTimes() readings, as a percentage of all CPU time; null if unknown. */
export function stealPercent(from, to) {
  if (!from || !to || to.total <= from.total) return null;
  return (100 * (to.steal - from.steal)) / (to.total - from.total);
}

/** VmRSS of a process, in MB. */
export function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmRSS:\s+(\d+)\s+kB/m)[1]);
  return kb / 1024;
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One keep-alive POST of a JSON body; resolves with status, parsed body and the round trip in ms. */
export function postJson(url, body) {
  const payload = Buffer.from(JSON.stringify(body));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode, body: json, ms: performance.now() - t0, bytes: text.length, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A REST call that must succeed; returns `result`. */
export async function call(base, method, params = {}) {
  const r = await postJson(base + method, params);
  if (r.status !== 200 || r.body?.error) throw new Error(`${method}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.body.result;
}

/**
 * A closed-loop load run with autocannon. `bodies` (optional) rotate request by request; `paths`
 * likewise. Returns successful requests per second and the autocannon result.
 */
export async function load({ url, method = 'GET', path: p, paths, bodies, duration, amount, connections, pid }) {
  let i = 0;
  const request = { method, path: p ?? (paths ? paths[0] : undefined) };
  if (bodies || paths) {
    request.setupRequest = (req) => {
      const n = i++;
      if (paths) req.path = paths[n % paths.length];
      if (bodies) req.body = bodies[n % bodies.length];
      return req;
    };
  }
  const cpu0 = pid ? cpuMs(pid) : 0;
  const result = await autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration }),
    headers: bodies ? { 'content-type': 'application/json' } : {},
    body: bodies ? bodies[0] : undefined,
    requests: [request],
  });
  const ok = result['2xx'];
  // Server CPU per answered request: a figure that drifts much less than throughput on a shared machine.
  const cpuPerRequest = pid && ok ? (cpuMs(pid) - cpu0) / ok : null;
  return { rps: ok / result.duration, ok, non2xx: result.non2xx, errors: result.errors, latency: result.latency, cpuPerRequest, result };
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
