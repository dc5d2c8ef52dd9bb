import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command as users run it (`node bin/imbot-server.js …`, which loads dist/: `npm test` builds it first). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'imbot-server.js');

/** The test runner's environment without any IMBOT_* variable (nor inherited Node options), plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('IMBOT_') && k !== 'NODE_EXTRA_CA_CERTS' && k !== 'NODE_OPTIONS') e[k] = v;
  }
  return { ...e, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Processes started by this test file that are still running; `killCliChildren` in afterAll. */
export const cliChildren = new Set<ChildProcess>();

export function killCliChildren(): void {
  for (const c of cliChildren) c.kill('SIGKILL');
  cliChildren.clear();
}

/** Runs `imbot-server <args>` to completion. */
export function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
    cliChildren.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      cliChildren.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}
