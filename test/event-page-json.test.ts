import { describe, expect, it } from 'vitest';
import { RawJson, stringifyWithRaw } from '../src/util/raw-json.js';
import { fixtures } from './helpers/fixtures.js';
import { useTestServer } from './helpers/server.js';

// Event pages are written from the stored event text (RawJson) instead of parsing and serialising it
// again. The answer must be the same JSON a plain serialisation gives, whatever the text holds.

const server = useTestServer();
const f = fixtures(server);

// Quotes, backslashes, separators JSON.stringify escapes differently from JavaScript, an emoji, and a
// string that looks like the splice placeholder without its random tag.
const TRICKY = 'say "hi" \\ back\u2028slash\u2029 😀 \u0000raw-0 </script> \u001f';

describe('event pages with stored JSON', () => {
  it('Event.get answers the queued event exactly, alone and inside batch', async () => {
    const bot = await f.newBot();
    const person = await f.newPerson('Raw');
    await f.say(person, bot.id, TRICKY);
    const page = await f.asBot(bot, 'imbot.v2.Event.get', { limit: 10 });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    const add = page.body.result.events.find((e: { type: string }) => e.type === 'ONIMBOTV2MESSAGEADD');
    expect(add.data.message.text).toBe(TRICKY);
    expect(Object.keys(add)).toEqual(['eventId', 'type', 'date', 'data']);
    expect(page.body.result.nextOffset).toBe(Math.max(...page.body.result.events.map((e: { eventId: number }) => e.eventId)) + 1);

    // Inside batch the page goes through a plain JSON.stringify: the same events.
    const batch = await server().call('batch', { cmd: { page: `imbot.v2.Event.get?botId=${bot.id}&botToken=${bot.token}&limit=10` } });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    expect(batch.body.result.result.page.events).toEqual(page.body.result.events);
  });

  it('stringifyWithRaw splices the text in; JSON.stringify gives the same value', () => {
    const raw = new RawJson('{"a":[1,2,{"b":"\\u0000raw-0"}],"c":"\u2028"}');
    const value = { before: 'x', raw, list: [raw, TRICKY], after: null };
    const spliced = stringifyWithRaw(value);
    expect(JSON.parse(spliced)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(spliced).toContain('"raw":{"a":[1,2,{"b":"\\u0000raw-0"}],"c":"\u2028"}');
    expect(stringifyWithRaw({ plain: TRICKY })).toBe(JSON.stringify({ plain: TRICKY }));
  });
});
