import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { asDom, nextFrame, onDocument } from './dom.js';
import type { KeyboardHandlers } from './keyboard.js';
import { decodeEntities, positiveInt, safeUrl, str } from './safe.js';
import type { ClientAction, MenuItem } from './types.js';

const CLIENT_ACTIONS: readonly string[] = ['PUT', 'SEND', 'COPY', 'CALL', 'DIALOG'];

/** The stored MENU param as a list of items (`[…]`, `{ITEMS:[…]}` or a PHP map). */
export function menuItems(raw: unknown): MenuItem[] {
  if (!raw || raw === 'N' || typeof raw !== 'object') return [];
  const list = Array.isArray(raw) ? raw : 'ITEMS' in raw ? (raw as { ITEMS: unknown }).ITEMS : Object.values(raw);
  const items = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
  return items.filter((m): m is MenuItem => !!m && typeof m === 'object' && !!str((m as MenuItem).TEXT).trim() && (m as MenuItem).CONTEXT !== 'MOBILE');
}

export interface MessageMenuProps extends KeyboardHandlers {
  items: MenuItem[];
  messageId: number;
  authorId: number;
  /** Start opened (the gallery and static renders show the items). */
  defaultOpen?: boolean;
}

/**
 * The bot's items of the message context menu (chats/messages/menu.md), behind a "⋯" button.
 * COMMAND items raise the command with context `menu`; ACTION items run on the client; LINK opens a tab.
 */
export function MessageMenu(p: MessageMenuProps) {
  const [open, setOpen] = useState(!!p.defaultOpen);
  const id = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const enabledItems = '[role="menuitem"]:not([disabled])';
  // A press anywhere outside closes the open menu, as a popup menu does.
  useEffect(() => {
    if (!open) return;
    return onDocument('pointerdown', (e) => {
      if (!asDom(wrapper.current)?.contains(e.target)) setOpen(false);
    });
  }, [open]);
  if (!p.items.length) return null;

  const close = () => {
    setOpen(false);
    asDom(toggle.current)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const items = Array.from(asDom(listRef.current)?.querySelectorAll(enabledItems) ?? []);
    const at = items.indexOf(e.target as unknown as (typeof items)[number]);
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
      next?.focus();
    }
  };
  const openMenu = () => {
    setOpen(!open);
    if (!open) nextFrame(() => asDom(listRef.current)?.querySelector(enabledItems)?.focus());
  };

  // Tabbing away to another control closes it too.
  const onBlur = (e: FocusEvent) => {
    if (open && e.relatedTarget && !asDom(e.currentTarget)?.contains(e.relatedTarget)) setOpen(false);
  };

  return (
    <div className="b24r-menu" ref={wrapper} onBlur={onBlur}>
      <button
        ref={toggle}
        type="button"
        className="b24r-menu-toggle"
        aria-label="Message menu"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={id}
        data-testid="menu-toggle"
        onClick={openMenu}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      <div ref={listRef} id={id} role="menu" aria-label="Message menu" className="b24r-menu-list" data-testid="menu"
        hidden={!open}
        onKeyDown={onKeyDown}
        // Pressing an item (even a disabled one) must not move focus out and close the menu before the click.
        onMouseDown={(e) => e.preventDefault()}
      >
        {p.items.map((item, i) => (
          <Item key={i} item={item} menu={p} done={close} />
        ))}
      </div>
    </div>
  );
}

function Item({ item, menu, done }: { item: MenuItem; menu: MessageMenuProps; done(): void }) {
  const text = decodeEntities(str(item.TEXT).trim());
  const href = item.LINK ? safeUrl(decodeEntities(str(item.LINK))) : undefined;
  const action = str(item.ACTION).toUpperCase();
  const kind = item.LINK ? 'link' : item.APP_ID ? 'app' : item.ACTION ? 'action' : item.COMMAND ? 'command' : 'none';
  const unsupported = (kind === 'link' && !href) || (kind === 'action' && !CLIENT_ACTIONS.includes(action)) || (kind === 'app' && !menu.onApp) || kind === 'none';
  const disabled = item.DISABLED === 'Y' || unsupported;
  if (kind === 'link' && href && !disabled) {
    const open = menu.onOpenLink;
    return (
      <a
        role="menuitem"
        className="b24r-menu-item"
        data-testid="menu-item"
        data-kind={kind}
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        onClick={(e) => {
          if (open) {
            e.preventDefault();
            open(href);
          }
          done();
        }}
      >
        {text}
      </a>
    );
  }
  const onClick = () => {
    if (kind === 'action') menu.onAction(action as ClientAction, str(item.ACTION_VALUE));
    else if (kind === 'app') menu.onApp?.(Number(item.APP_ID), str(item.APP_PARAMS));
    else if (kind === 'command') {
      const botId = positiveInt(item.BOT_ID) ?? menu.authorId;
      menu.onCommand(botId, str(item.COMMAND), str(item.COMMAND_PARAMS), menu.messageId, 'menu');
    }
    done();
  };
  return (
    <button type="button" role="menuitem" className="b24r-menu-item" data-testid="menu-item" data-kind={kind} disabled={disabled} onClick={onClick}>
      {text}
    </button>
  );
}
