import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MessageBody } from './message-body.js';
import { button, CHATS, menuItem, message, NEWLINE, USERS } from './gallery-corpus.js';
import type { KeyboardItem, StoredMessage } from './types.js';
import './render.css';

/**
 * A page for the browser test (test/web-render-browser.test.ts): a few messages rendered live, every
 * callback recorded in `window.__calls`, and `window.__setKeyboard(id, buttons)` to simulate a bot update.
 */
type Call = unknown[];
const w = globalThis as unknown as { __calls: Call[]; __setKeyboard(id: number, keyboard: KeyboardItem[]): void; __reset(): void; __ready: boolean };
w.__calls = [];

export const harnessMessages: StoredMessage[] = [
  message('Pick one [send=/help]Show help[/send] [put=/search]Search[/put] [USER=5][/USER]', {
    KEYBOARD: [
      button({ TEXT: 'Open website', LINK: 'https://www.example.com/' }),
      NEWLINE,
      button({ TEXT: 'Insert command', ACTION: 'PUT', ACTION_VALUE: '/help' }),
      button({ TEXT: 'Copy', ACTION: 'COPY', ACTION_VALUE: 'ABC', BLOCK: 'Y' }),
      NEWLINE,
      button({ TEXT: 'Yes', COMMAND: 'answer', COMMAND_PARAMS: 'yes', DISPLAY: 'LINE' }),
      button({ TEXT: 'Other bot', COMMAND: 'ping', BOT_ID: 0, DISPLAY: 'LINE' }),
      button({ TEXT: 'Off', COMMAND: 'off', DISABLED: 'Y', DISPLAY: 'LINE' }),
    ],
  }),
  message('Blocking keyboard', {
    KEYBOARD: [button({ TEXT: 'Vote A', COMMAND: 'vote', COMMAND_PARAMS: 'a', BLOCK: 'Y' }), button({ TEXT: 'Vote B', COMMAND: 'vote', COMMAND_PARAMS: 'b', BLOCK: 'Y' })],
  }),
  message('With a menu', {
    MENU: [
      menuItem({ TEXT: 'Open Website', LINK: 'https://www.example.com/' }),
      menuItem({ TEXT: 'Off', COMMAND: 'off', DISABLED: 'Y' }),
      menuItem({ TEXT: 'Send Text', ACTION: 'SEND', ACTION_VALUE: 'Done' }),
      menuItem({ TEXT: 'Help', COMMAND: 'help', COMMAND_PARAMS: 'topic' }),
    ],
  }),
];

function Harness() {
  const [messages, setMessages] = useState(harnessMessages);
  const [generation, setGeneration] = useState(0);
  w.__setKeyboard = (id, keyboard) =>
    setMessages((list) => list.map((m) => (m.id === id ? { ...m, params: { ...(m.params as object), KEYBOARD: keyboard } } : m)));
  // A fresh start for the next test without reloading the page: new state everywhere, no recorded calls.
  w.__reset = () => {
    w.__calls = [];
    setMessages(harnessMessages);
    setGeneration((g) => g + 1);
  };
  return (
    <main key={generation} data-generation={generation}>
      {messages.map((m) => (
        <section key={m.id} data-message={m.id} style={{ background: '#fff', margin: 16, padding: 12, borderRadius: 12, maxWidth: 420 }}>
          <MessageBody
            message={m}
            users={USERS}
            chats={CHATS}
            onCommand={(...a) => w.__calls.push(['command', ...a])}
            onAction={(...a) => w.__calls.push(['action', ...a])}
          />
        </section>
      ))}
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(<Harness />);
  w.__ready = true;
}
