// The stack floor (printed beside scenario 1): what Fastify and better-sqlite3 alone reach for one durable
// write, with none of the server's own work. One POST route: the JSON body parsed, one message row
// inserted and one per-chat counter upserted, committed with the same group commit the server uses (one
// COMMIT per event-loop turn, each answer sent only after it), and an envelope of the server's shape
// built per request. No auth, no parameter checks, no ownership, no events. Its own process, like the
// ceiling; prints `HTTP  http://127.0.0.1:PORT` once it listens. FLOOR_DATA: the SQLite file.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Fastify = require('fastify');
const Database = require('better-sqlite3');

const db = new Database(process.env.FLOOR_DATA);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, author_id INTEGER NOT NULL,
           text TEXT NOT NULL, created_at TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS messages_chat ON messages (chat_id, id);
         CREATE TABLE IF NOT EXISTS chat_stats (chat_id INTEGER PRIMARY KEY, last_message_id INTEGER, message_count INTEGER);`);
const insert = db.prepare('INSERT INTO messages (chat_id, author_id, text, created_at) VALUES (?, ?, ?, ?)');
const count = db.prepare(`INSERT INTO chat_stats (chat_id, last_message_id, message_count) VALUES (?, ?, 1)
  ON CONFLICT (chat_id) DO UPDATE SET last_message_id = excluded.last_message_id, message_count = message_count + 1`);

let waiting = null;
function commit() {
  db.exec('COMMIT');
  const settled = waiting;
  waiting = null;
  for (const resolve of settled) resolve();
}

const app = Fastify({ logger: false });
app.post('/*', async (req) => {
  const start = Date.now();
  if (!waiting) {
    db.exec('BEGIN');
    waiting = [];
    setImmediate(commit);
  }
  const chat = Number(req.body?.dialogId ?? 1) || 1;
  const { lastInsertRowid } = insert.run(chat, 1, String(req.body?.fields?.message ?? ''), new Date(start).toISOString());
  count.run(chat, lastInsertRowid);
  await new Promise((resolve) => waiting.push(resolve));
  const finish = Date.now();
  return {
    result: { id: Number(lastInsertRowid) },
    time: {
      start: start / 1000,
      finish: finish / 1000,
      duration: (finish - start) / 1000,
      processing: (finish - start) / 1000,
      date_start: new Date(start).toISOString(),
      date_finish: new Date(finish).toISOString(),
      operating_reset_at: Math.floor(start / 1000) + 600,
      operating: 0,
    },
  };
});

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`HTTP  ${address}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
