// `npm run bench:compare -- <git-rev>`: server CPU per request of this working tree's build against the
// build of another revision, in one run. On a shared machine throughput drifts by half from one run to
// the next, and even the ratio to the ceiling moves; CPU time per request measured on both builds in
// alternating rounds of the same run is the figure that says whether a change made the server cheaper.
//
// The other revision is checked out in a temporary git worktree and its server bundle built there (no
// web assets). Both servers run at once, each on its own SQLite file; each round sends the same number
// of requests to one then the other (the order alternates), closed loop with autocannon. Many short
// rounds rather than a few long ones: a burst of other work on the machine then spoils a round of each
// side alike, and the median of the rounds leaves it out.
// Environment: COMPARE_ROUNDS (default 12), COMPARE_REQUESTS (per round and scenario, default 1000),
// COMPARE_ONLY (e.g. "3,4").
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN, BIN, ROOT, call, cpuMs, load, sleep, startServer } from './lib.mjs';

const rev = process.argv[2] ?? 'HEAD~1';
const ROUNDS = Number(process.env.COMPARE_ROUNDS ?? 12);
const REQUESTS = Number(process.env.COMPARE_REQUESTS ?? 1000);
const ONLY = new Set((process.env.COMPARE_ONLY ?? '2,3,4,5').split(',').map((s) => s.trim()));
const log = (s) => process.stderr.write(`${s}\n`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imbot-compare-'));
const tree = path.join(tmp, 'tree');
const git = (...args) => execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();

function cleanup() {
  try {
    git('worktree', 'remove', '--force', tree);
  } catch {}
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** The server bundle of `rev`: the build script of that revision without its web step. */
function buildRevision() {
  const sha = git('rev-parse', '--short', rev);
  log(`building ${rev} (${sha}) in a temporary worktree …`);
  git('worktree', 'add', '--detach', tree, sha);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  const build = JSON.parse(fs.readFileSync(path.join(tree, 'package.json'), 'utf8')).scripts.build.replace(/\s*&&\s*npm run build:web\s*$/, '');
  execFileSync('sh', ['-c', build], { cwd: tree, stdio: 'inherit', env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` } });
  return { sha, bin: path.join(tree, 'bin', 'imbot-server.js') };
}

/** A receiver for the webhook-mode bot: answers every POST at once. */
function receiver() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/hook` })));
}

async function portal(name, bin, hookUrl) {
  const server = await startServer(path.join(tmp, `${name}.sqlite`), { bin });
  const reg = async (code, extra = {}) =>
    (await call(server.hook, 'imbot.v2.Bot.register', { botToken: 'cmp', fields: { code, properties: { name: code }, ...extra } })).bot.id;
  return { server, sender: await reg('cmp_sender'), fetch: await reg('cmp_fetch'), webhook: await reg('cmp_hook', { eventMode: 'webhook', webhookUrl: hookUrl }) };
}

const SCENARIOS = {
  2: { name: 'server.time', request: () => ({ method: 'GET', path: `/rest/1/${ADMIN_TOKEN}/server.time` }) },
  3: {
    name: 'bot sends (imbot.v2.Chat.Message.send)',
    request: (p) => ({ path: `/rest/1/${ADMIN_TOKEN}/imbot.v2.Chat.Message.send`, body: { botId: p.sender, botToken: 'cmp', dialogId: '1', fields: { message: 'Hello from the bench bot' } } }),
  },
  4: { name: 'user sends to a fetch bot (im.message.add)', request: (p) => ({ path: `/rest/1/${ADMIN_TOKEN}/im.message.add`, body: { DIALOG_ID: String(p.fetch), MESSAGE: 'Hello, bot' } }) },
  5: { name: 'user sends to a webhook bot, with the POST', request: (p) => ({ path: `/rest/1/${ADMIN_TOKEN}/im.message.add`, body: { DIALOG_ID: String(p.webhook), MESSAGE: 'Hello, hook' } }) },
};

/** Server CPU per request of one closed-loop run (for scenario 5, until the webhooks are posted too). */
async function measure(p, n) {
  const r = SCENARIOS[n].request(p);
  const c0 = cpuMs(p.server.pid);
  const out = await load({
    url: p.server.url,
    method: r.method ?? 'POST',
    path: r.path,
    bodies: r.body ? [JSON.stringify(r.body)] : undefined,
    amount: REQUESTS,
    connections: 10,
    pid: p.server.pid,
  });
  if (n === '5') await sleep(500); // the deliveries of the last calls
  if (out.non2xx || out.errors) log(`  ${out.non2xx} non-2xx answers, ${out.errors} errors`);
  return (cpuMs(p.server.pid) - c0) / out.ok;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const base = buildRevision();
  const hook = await receiver();
  const sides = { base: await portal('base', base.bin, hook.url), work: await portal('work', BIN, hook.url) };
  try {
    const cpu = { base: {}, work: {} };
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of Object.keys(SCENARIOS).filter((k) => ONLY.has(k))) {
        const order = round % 2 ? ['work', 'base'] : ['base', 'work'];
        for (const side of order) (cpu[side][n] ??= []).push(await measure(sides[side], n));
      }
      if ((round + 1) % 4 === 0) log(`round ${round + 1} of ${ROUNDS} done`);
    }
    const rows = Object.keys(cpu.work).map((n) => {
      const b = median(cpu.base[n]);
      const w = median(cpu.work[n]);
      // The ratio of each round's pair too: a round's two runs are seconds apart, so they share the machine's state.
      const pairs = median(cpu.work[n].map((x, i) => x / cpu.base[n][i]));
      return { scenario: `${n} ${SCENARIOS[n].name}`, base: b.toFixed(3), work: w.toFixed(3), ratio: (w / b).toFixed(2), pairs: pairs.toFixed(2) };
    });
    console.log(`\nserver CPU per request, ms (median of ${ROUNDS} rounds of ${REQUESTS}); base ${rev} (${base.sha}), work = this tree\n`);
    console.log('| scenario | base | work | work / base | median of round ratios |\n| --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.scenario} | ${r.base} | ${r.work} | ${r.ratio} | ${r.pairs} |`);
  } finally {
    await Promise.all([sides.base.server.stop(), sides.work.server.stop()]);
    hook.server.close();
    cleanup();
  }
}

main().catch((e) => {
  cleanup();
  console.error(e);
  process.exit(1);
});
