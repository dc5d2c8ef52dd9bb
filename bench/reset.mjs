// Scenario 9: POST /_imbot/reset on a portal with people, bots, chats and history (issue 8: < 50 ms).
// The server runs as its own process on a SQLite file (WAL), like the other scenarios; each round seeds
// the portal through the control plane, writes messages, then resets. Reported: the median round trip.
import http from 'node:http';
import path from 'node:path';
import { ADMIN_TOKEN, percentile, startServer } from './lib.mjs';

const ROUNDS = 7;
const PEOPLE = 50;
const BOTS = 20;
const CHATS = 10;
const MESSAGES = 200;

const agent = new http.Agent({ keepAlive: true });

function control(url, route, body, method = 'POST') {
  const payload = Buffer.from(method === 'POST' ? JSON.stringify(body ?? {}) : '');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${route}`, { method, agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        const json = JSON.parse(text);
        if (res.statusCode !== 200) return reject(new Error(`${route}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
        resolve({ result: json.result, ms: performance.now() - t0 });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function seedDocument(round) {
  const users = Array.from({ length: PEOPLE }, (_, i) => ({ key: `u${i}`, name: `Person ${i}`, login: `r${round}_u${i}` }));
  const bots = Array.from({ length: BOTS }, (_, i) => ({ key: `b${i}`, code: `r${round}_b${i}`, name: `Bot ${i}`, commands: [{ command: 'help', title: 'Help' }] }));
  const chats = Array.from({ length: CHATS }, (_, i) => ({
    title: `Chat ${i}`,
    owner: `u${i}`,
    members: [`u${i + 1}`, `u${i + 2}`, `b${i}`],
    messages: Array.from({ length: MESSAGES / CHATS }, (_, j) => ({ from: `u${i}`, text: `message ${j}` })),
  }));
  return { users, bots, chats };
}

/**
 * Median and worst reset round trip (ms) and the server's own figure over ROUNDS seeded portals; the
 * baseline is the round trip of a control-plane read that does no work (GET /_imbot/faults), same rounds.
 */
export async function resetTimes(tmp) {
  const server = await startServer(path.join(tmp, 'reset.sqlite'));
  try {
    const trips = [];
    const inside = [];
    const base = [];
    for (let round = 0; round < ROUNDS; round++) {
      await control(server.url, '/_imbot/seed', seedDocument(round));
      base.push((await control(server.url, '/_imbot/faults', undefined, 'GET')).ms);
      const r = await control(server.url, '/_imbot/reset');
      trips.push(r.ms);
      inside.push(r.result.ms);
    }
    for (const list of [trips, inside, base]) list.sort((a, b) => a - b);
    return { p50: percentile(trips, 50), max: trips.at(-1), serverP50: percentile(inside, 50), baseP50: percentile(base, 50), rounds: ROUNDS };
  } finally {
    await server.stop();
  }
}
