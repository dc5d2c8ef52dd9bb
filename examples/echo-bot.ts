/**
 * The bot under test in docs/testing.md: a fetch-mode echo bot written against the plain REST API, as a
 * bot developer would write it. It registers itself through an incoming webhook and answers every
 * message with "You said: …".
 */
export interface EchoBot {
  id: number;
  /** Reads the bot's queued events once and answers them; returns how many messages it answered. */
  poll(): Promise<number>;
}

async function call(webhook: string, method: string, params: Record<string, unknown>): Promise<any> {
  const res = await fetch(webhook + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  const body = (await res.json()) as { result?: unknown; error?: string; error_description?: string };
  if (body.error) throw new Error(`${method}: ${body.error}: ${body.error_description}`);
  return body.result;
}

export async function startEchoBot(webhook: string, botToken: string): Promise<EchoBot> {
  const reg = await call(webhook, 'imbot.v2.Bot.register', {
    botToken,
    fields: { code: 'echo_bot', eventMode: 'fetch', properties: { name: 'Echo' } },
  });
  const id: number = reg.bot.id;
  let offset = 0;
  return {
    id,
    async poll() {
      const page = await call(webhook, 'imbot.v2.Event.get', { botId: id, botToken, offset });
      let answered = 0;
      for (const event of page.events) {
        if (event.type === 'ONIMBOTV2MESSAGEADD') {
          await call(webhook, 'imbot.v2.Chat.Message.send', {
            botId: id,
            botToken,
            dialogId: event.data.chat.dialogId,
            fields: { message: `You said: ${event.data.message.text}` },
          });
          answered++;
        }
      }
      offset = page.nextOffset;
      return answered;
    },
  };
}
