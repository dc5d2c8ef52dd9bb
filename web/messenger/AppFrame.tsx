import { useEffect, useRef } from 'react';
import type { ChatApp } from './types';

export type FrameAction = { action: 'send' | 'put'; text: string } | { action: 'call'; number: string } | { action: 'close' };

/**
 * An IFRAME chat application (outdated/iframe.md): opened with the documented parameters, told its
 * `uniqueLoadId` by an `init` message once loaded, and obeying `send`, `put`, `call` and `close` from it.
 */
export function AppFrame({ app, onAction }: { app: ChatApp; onAction(a: FrameAction): void }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const loadId = useRef(`app${app.id}-${Math.random().toString(36).slice(2)}`);
  const origin = (() => {
    try {
      return new URL(app.iframeUrl).origin;
    } catch {
      return '';
    }
  })();

  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== frame.current?.contentWindow || e.origin !== origin) return;
      let data: Record<string, unknown> = {};
      try {
        data = typeof e.data === 'string' ? JSON.parse(e.data) : e.data;
      } catch {
        return;
      }
      if (data.uniqueLoadId !== loadId.current) return;
      if (data.action === 'send' || data.action === 'put') onAction({ action: data.action, text: String(data.message ?? '') });
      else if (data.action === 'call') onAction({ action: 'call', number: String(data.number ?? '') });
      else if (data.action === 'close') onAction({ action: 'close' });
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, onAction]);

  return (
    <section className="app-frame" aria-label={app.title} data-testid="app-frame">
      <header>
        <strong>{app.title}</strong>
        <button type="button" className="link" onClick={() => onAction({ action: 'close' })} aria-label="Close application">
          ✕
        </button>
      </header>
      <iframe
        ref={frame}
        title={app.title}
        src={app.iframeUrl}
        style={{ width: '100%', maxWidth: app.width, height: app.height }}
        sandbox="allow-scripts allow-forms allow-same-origin allow-popups"
        onLoad={() => frame.current?.contentWindow?.postMessage(JSON.stringify({ action: 'init', uniqueLoadId: loadId.current }), origin || '*')}
      />
    </section>
  );
}

/** A JS chat application's stored action (App::register: `BXIM.sendMessage('…');` and its siblings), without eval. */
export function jsAppAction(js: string): FrameAction | { action: 'support'; code: string } | null {
  const m = /^BXIM\.(sendMessage|putMessage|phoneTo|openMessenger)\('(.*)'\);?$/.exec(js.trim());
  if (!m) return null;
  const [, fn, arg] = m;
  if (fn === 'sendMessage') return { action: 'send', text: arg! };
  if (fn === 'putMessage') return { action: 'put', text: arg! };
  if (fn === 'phoneTo') return { action: 'call', number: arg! };
  return { action: 'support', code: arg! };
}
