// Scenario 7: thousands of idle long polls (`imbot.v2.Event.get` with `wait`) held by one server.
// Measures the server's RSS with every wait open (against the same server's idle RSS) and the time
// from `im.message.add` to the polls of that bot returning (against a plain server.time round trip).
import http from 'node:http';
import path from 'node:path';
import { call, percentile, postJson, rssMb, settled, sleep, startServer } from './lib.mjs';

// The platform allows 100 bots per owner (botToken): owners are numbered.
const BOTS_PER_OWNER = 100;
const owner = (i) => `benchpollowner${Math.floor(i / BOTS_PER_OWNER)}`;

/** One poll on its own connection (a held request occupies its socket until it answers). */
function poll(url, body, agent) {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const at = performance.now();
        try {
          resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), at });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * `waits` polls spread over `botCount` fetch bots; then one message to each of the first `probe` bots,
 * one bot at a time, and the latency of every poll of that bot. Returns figures for the bench table.
 */
export async function longPoll(tmp, { waits = 5000, botCount = 100, probe = 100, waitSeconds = 30, cpuProf, bin } = {}) {
  const BOTS = botCount;
  const data = path.join(tmp, `long-poll-${botCount}.sqlite`);
  const server = await startServer(data, { cpuProf, bin });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const hook = server.hook;
    const bots = [];
    for (let i = 0; i < BOTS; i++) {
      const r = await call(hook, 'imbot.v2.Bot.register', { botToken: owner(i), fields: { code: `poll_${i}`, properties: { name: `Poll ${i}` } } });
      bots.push(r.bot.id);
    }
    // Baselines from the same server in the same run: idle RSS and a plain round trip, sent the way the
    // probes are (one at a time, 10 ms apart: on this kind of machine an idle gap alone adds ~1 ms).
    for (let i = 0; i < 200; i++) await postJson(`${hook}server.time`, {});
    const rt = [];
    for (let i = 0; i < 300; i++) {
      rt.push((await postJson(`${hook}server.time`, {})).ms);
      await sleep(10);
    }
    rt.sort((a, b) => a - b);
    await sleep(500);
    const idleRss = rssMb(server.pid);

    const url = `${hook}imbot.v2.Event.get`;
    const perBot = Math.ceil(waits / BOTS);
    const pending = bots.map(() => []);
    let opened = 0;
    for (let i = 0; i < waits; i++) {
      const b = i % BOTS;
      const held = poll(url, { botId: bots[b], botToken: owner(b), wait: waitSeconds }, agent);
      held.catch(() => {}); // polls of bots never messaged end when the server stops
      pending[b].push(held);
      opened++;
      if (opened % 500 === 0) await sleep(20); // let the server accept in steps, as real clients would arrive
    }
    // The polls are idle once the server has answered the last of them and collected the garbage of
    // setting them up; until then a probe would queue behind that work (seconds for 5,000 on 2 vCPUs).
    await sleep(500);
    const settleMs = 500 + (await settled(server.pid));
    const rss = rssMb(server.pid);

    // Any poll that already came back (error or no wait support) is reported, not hidden.
    const early = await Promise.race([Promise.any(pending.flat()).then((r) => r), sleep(50).then(() => null)]);
    if (early && (early.status !== 200 || early.body?.result?.events?.length === 0)) {
      return { error: `a poll returned before any message: HTTP ${early.status} ${JSON.stringify(early.body).slice(0, 200)}` };
    }

    const latencies = [];
    let empty = 0;
    for (let b = 0; b < Math.min(probe, BOTS); b++) {
      const t0 = performance.now();
      await call(hook, 'im.message.add', { DIALOG_ID: String(bots[b]), MESSAGE: `wake ${b}` });
      const results = await Promise.all(pending[b]);
      for (const r of results) {
        if (r.status !== 200 || !r.body.result?.events?.length) empty++;
        else latencies.push(r.at - t0);
      }
      await sleep(10);
    }
    latencies.sort((a, b) => a - b);
    return {
      waits: perBot * BOTS,
      bots: BOTS,
      perBot,
      idleRss,
      rss,
      settleMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      baselineP50: percentile(rt, 50),
      baselineP99: percentile(rt, 99),
      empty,
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}
