import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useLayoutEffect, useRef } from 'react';
import type { Message } from './types';

interface Props {
  messages: Message[];
  hasMore: boolean;
  loadingOlder: boolean;
  onNearTop(): void;
  renderItem(m: Message, index: number): ReactNode;
  /** Bumped when the list should jump to the newest message (own send, first load). */
  bottomSignal: number;
}

const NEAR_TOP_PX = 300;
const NEAR_BOTTOM_PX = 160;

/**
 * The history, oldest at the top, drawn through a virtualiser so a 10,000-message dialog keeps only
 * what is on screen in the DOM. Older pages are prepended without moving what the reader looks at.
 */
export function MessageList({ messages, hasMore, loadingOlder, onNearTop, renderItem, bottomSignal }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 10,
    getItemKey: (i) => messages[i]!.id,
  });

  // Prepended pages: keep the first message the reader saw at the same place on screen.
  const firstId = messages[0]?.id;
  const prev = useRef<{ firstId?: number; count: number; total: number }>({ count: 0, total: 0 });
  useLayoutEffect(() => {
    const el = scroller.current;
    const before = prev.current;
    if (el && before.firstId !== undefined && firstId !== undefined && firstId < before.firstId) {
      el.scrollTop += virtualizer.getTotalSize() - before.total;
    }
    prev.current = { firstId, count: messages.length, total: virtualizer.getTotalSize() };
  });

  // New messages at the bottom: follow them when the reader is already at the bottom.
  const lastId = messages[messages.length - 1]?.id;
  const atBottom = useRef(true);
  useEffect(() => {
    if (atBottom.current && messages.length) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
  }, [lastId]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!messages.length) return;
    atBottom.current = true;
    virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
    // Measured heights settle over a frame or two; land on the bottom after they do.
    const t = setTimeout(() => virtualizer.scrollToIndex(messages.length - 1, { align: 'end' }), 50);
    return () => clearTimeout(t);
  }, [bottomSignal]); // eslint-disable-line react-hooks/exhaustive-deps

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (el.scrollTop < NEAR_TOP_PX && hasMore && !loadingOlder) onNearTop();
  };

  const items = virtualizer.getVirtualItems();
  return (
    <div className="history" ref={scroller} onScroll={onScroll} role="log" aria-live="polite" aria-relevant="additions" data-testid="history" tabIndex={0}>
      {loadingOlder && <div className="history-loading muted">Loading earlier messages…</div>}
      {!hasMore && messages.length > 0 && <div className="history-start muted">This is the beginning of the dialog.</div>}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((v) => (
          <div
            key={v.key}
            data-index={v.index}
            ref={virtualizer.measureElement}
            className="history-row"
            style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${v.start}px)` }}
          >
            {renderItem(messages[v.index]!, v.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
