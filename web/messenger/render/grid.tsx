import type { CSSProperties, ReactNode } from 'react';
import { renderBbCode } from './bbcode.js';
import { ExternalLink } from './external-link.js';
import { bbCodeToPlainText } from './plain-text.js';
import { positiveInt, safeUrl, str, tokenOrColor } from './safe.js';
import type { AttachGridItem, RenderContext } from './types.js';

type Display = 'BLOCK' | 'LINE' | 'ROW' | 'TABLE';

/** COLUMN and CARD are older names the platform maps to ROW and LINE (platform-behaviour.md §4). */
function displayOf(item: AttachGridItem): Display {
  const d = str(item.DISPLAY).toUpperCase();
  if (d === 'COLUMN') return 'ROW';
  if (d === 'CARD') return 'LINE';
  return d === 'LINE' || d === 'ROW' || d === 'TABLE' ? d : 'BLOCK';
}

/** Consecutive items of one display mode form one group (the docs ask for one mode per GRID). */
function groups(items: AttachGridItem[]): { display: Display; items: AttachGridItem[] }[] {
  const out: { display: Display; items: AttachGridItem[] }[] = [];
  for (const item of items) {
    const display = displayOf(item);
    const last = out[out.length - 1];
    if (last && last.display === display) last.items.push(item);
    else out.push({ display, items: [item] });
  }
  return out;
}

/**
 * A GRID block (block-collections/grid.md): BLOCK stacks name over value, LINE lays cards in a
 * wrapping line, ROW is a two-column NAME | VALUE table, TABLE the same table with a denser ruled grid.
 */
export function AttachGrid({ items, ctx }: { items: AttachGridItem[]; ctx: RenderContext }) {
  const parts = groups(items);
  return (
    <div className="b24r-attach-block b24r-grid" data-testid="attach-grid" data-block="GRID" data-display={parts.map((g) => g.display).join(' ')}>
      {parts.map((g, i) =>
        g.display === 'ROW' || g.display === 'TABLE' ? (
          <table key={i} className={`b24r-grid-table b24r-grid-${g.display.toLowerCase()}`} data-display={g.display}>
            <tbody>
              {g.items.map((item, k) => (
                <TableRow key={k} item={item} ctx={ctx} />
              ))}
            </tbody>
          </table>
        ) : (
          <div key={i} className={`b24r-grid-cards b24r-grid-${g.display.toLowerCase()}s`} data-display={g.display}>
            {g.items.map((item, k) => (
              <Card key={k} item={item} display={g.display} ctx={ctx} />
            ))}
          </div>
        ),
      )}
    </div>
  );
}

function valueStyle(item: AttachGridItem): { className: string; style: CSSProperties } {
  const c = tokenOrColor(item.COLOR_TOKEN, item.COLOR);
  return { className: `b24r-grid-value${c.token ? ` b24r-text-${c.token}` : ''}`, style: c.color ? { color: c.color } : {} };
}

/** VALUE with its BB-codes; a LINK / USER_ID / CHAT_ID makes the whole value lead there. */
function Value({ item, ctx }: { item: AttachGridItem; ctx: RenderContext }): ReactNode {
  const value = str(item.VALUE);
  const href = safeUrl(item.LINK);
  if (href) {
    return (
      <ExternalLink href={href} ctx={ctx} className="b24r-link">
        {bbCodeToPlainText(value, ctx)}
      </ExternalLink>
    );
  }
  const user = positiveInt(item.USER_ID);
  const chat = positiveInt(item.CHAT_ID);
  const dialog = user ? String(user) : chat ? `chat${chat}` : undefined;
  const onAction = ctx.onAction;
  if (dialog && onAction) {
    return (
      <button type="button" className="b24r-linklike" data-dialog={dialog} onClick={() => onAction('DIALOG', dialog)}>
        {bbCodeToPlainText(value, ctx)}
      </button>
    );
  }
  return <>{renderBbCode(value, ctx)}</>;
}

function Card({ item, display, ctx }: { item: AttachGridItem; display: Display; ctx: RenderContext }) {
  const width = positiveInt(item.WIDTH);
  const height = positiveInt(item.HEIGHT);
  const style: CSSProperties = {};
  // As in the messenger, WIDTH only applies to an item that has a value.
  if (width && str(item.VALUE)) style.width = `${width}px`;
  if (height) style.minHeight = `${height}px`;
  const v = valueStyle(item);
  return (
    <div className={`b24r-grid-item b24r-grid-${display.toLowerCase()}`} style={style}>
      {str(item.NAME) && <div className="b24r-grid-name">{str(item.NAME)}</div>}
      <div className={v.className} style={v.style}>
        <Value item={item} ctx={ctx} />
      </div>
    </div>
  );
}

/** A ROW/TABLE line; a missing NAME or VALUE lets the other take the whole width. */
function TableRow({ item, ctx }: { item: AttachGridItem; ctx: RenderContext }) {
  const name = str(item.NAME);
  const value = str(item.VALUE);
  const width = positiveInt(item.WIDTH);
  const v = valueStyle(item);
  return (
    <tr>
      {name && (
        <th scope="row" className="b24r-grid-name" colSpan={value ? 1 : 2} style={width ? { width: `${width}px` } : undefined}>
          {name}
        </th>
      )}
      {value && (
        <td className={v.className} colSpan={name ? 1 : 2} style={v.style}>
          <Value item={item} ctx={ctx} />
        </td>
      )}
    </tr>
  );
}
