import { csrfToken } from './api';

export type LiveEvent = { kind: string; chatId?: number; [key: string]: any };

/**
 * The session's live feed (/_web/ws): committed messenger events of the chats the person is in.
 * Reconnects with a growing pause; `onReconnect` lets the page refetch what it may have missed.
 */
export function connectLive(onEvent: (e: LiveEvent) => void, onReconnect: () => void, onState: (up: boolean) => void): () => void {
  let socket: WebSocket | null = null;
  let stopped = false;
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${proto}://${location.host}/_web/ws?sessid=${encodeURIComponent(csrfToken())}`);
    socket.onopen = () => {
      onState(true);
      if (attempts > 0) onReconnect();
      attempts = 0;
    };
    socket.onmessage = (m) => {
      try {
        onEvent(JSON.parse(String(m.data)) as LiveEvent);
      } catch {
        // not ours: ignore
      }
    };
    socket.onclose = () => {
      onState(false);
      if (stopped) return;
      attempts++;
      timer = setTimeout(open, Math.min(10_000, 500 * 2 ** Math.min(attempts, 5)));
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}
