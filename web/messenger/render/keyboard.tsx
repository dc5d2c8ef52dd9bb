import { useState, type CSSProperties, type ReactNode } from 'react';
import { ExternalLink } from './external-link.js';
import { colorToken, decodeEntities, positiveInt, safeColor, safeUrl, str } from './safe.js';
import type { ClientAction, CommandContext, KeyboardItem } from './types.js';

const CLIENT_ACTIONS: readonly string[] = ['PUT', 'SEND', 'COPY', 'CALL', 'DIALOG'];

export interface KeyboardHandlers {
  onCommand(botId: number, command: string, params: string, messageId: number, context?: CommandContext): void;
  onAction(action: ClientAction, value: string): void;
  onOpenLink?(url: string): void;
  /** Deprecated APP_ID buttons (message-keyboards.md); without a handler they are shown disabled. */
  onApp?(appId: number, params: string): void;
}

export interface KeyboardProps extends KeyboardHandlers {
  buttons: KeyboardItem[];
  messageId: number;
  /** Commands go to the button's BOT_ID, else to the bot that wrote the message. */
  authorId: number;
}

/** A stored keyboard as a list of entries, whatever shape the JSON took (`[…]`, `{BUTTONS:[…]}`, a PHP map). */
export function keyboardButtons(raw: unknown): KeyboardItem[] {
  if (!raw || raw === 'N' || typeof raw !== 'object') return [];
  const list = Array.isArray(raw) ? raw : 'BUTTONS' in raw ? (raw as { BUTTONS: unknown }).BUTTONS : Object.values(raw);
  const items = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
  return items.filter((b): b is KeyboardItem => !!b && typeof b === 'object');
}

/** Rows cut at `{TYPE:'NEWLINE'}`; MOBILE-only buttons are left out as the desktop messenger does. */
function rows(buttons: KeyboardItem[]): KeyboardItem[][] {
  const out: KeyboardItem[][] = [[]];
  for (const b of buttons) {
    if (b.TYPE === 'NEWLINE') {
      if (out[out.length - 1].length) out.push([]);
      continue;
    }
    if (b.CONTEXT === 'MOBILE' || !str(b.TEXT).trim()) continue;
    out[out.length - 1].push(b);
  }
  return out.filter((r) => r.length);
}

/**
 * The buttons under a message (message-keyboards.md). COMMAND raises the bot command (context
 * `keyboard`) and, with BLOCK=Y, disables the whole keyboard until the message's keyboard changes
 * (the parent remounts it then); ACTION runs on the client; LINK opens a new tab.
 */
export function Keyboard(props: KeyboardProps) {
  const [blocked, setBlocked] = useState(false);
  const list = rows(props.buttons);
  if (!list.length) return null;
  return (
    <div className="b24r-keyboard" role="group" aria-label="Bot keyboard" data-testid="keyboard" data-blocked={blocked ? 'Y' : undefined}>
      {list.map((row, r) => (
        <div className="b24r-kbd-row" key={r}>
          {row.map((b, i) => (
            <KeyboardButton key={i} button={b} blocked={blocked} onBlock={() => setBlocked(true)} {...props} />
          ))}
        </div>
      ))}
    </div>
  );
}

type Kind = 'link' | 'action' | 'command' | 'app' | 'none';

function kindOf(b: KeyboardItem): Kind {
  if (b.LINK) return 'link';
  if (b.APP_ID) return 'app';
  if (b.ACTION && b.ACTION_VALUE !== undefined) return 'action';
  if (b.COMMAND) return 'command';
  return 'none';
}

/** Emoji- or symbol-only captions get a spoken label naming what the button does. */
function ariaLabel(text: string, kind: Kind, b: KeyboardItem): string | undefined {
  if (/[\p{L}\p{N}]/u.test(text)) return undefined;
  const what = kind === 'command' ? `/${str(b.COMMAND)} ${str(b.COMMAND_PARAMS)}` : kind === 'action' ? `${str(b.ACTION).toLowerCase()} ${str(b.ACTION_VALUE)}` : kind === 'link' ? 'open link' : kind;
  return `${text} (${what.trim()})`;
}

function KeyboardButton(p: KeyboardProps & { button: KeyboardItem; blocked: boolean; onBlock(): void }) {
  const b = p.button;
  const kind = kindOf(b);
  const text = str(b.TEXT).trim();
  const href = kind === 'link' ? safeUrl(decodeEntities(str(b.LINK))) : undefined;
  const action = str(b.ACTION).toUpperCase();
  const unsupported =
    kind === 'none' || (kind === 'link' && !href) || (kind === 'action' && !CLIENT_ACTIONS.includes(action)) || (kind === 'app' && !p.onApp);
  const disabled = b.DISABLED === 'Y' || p.blocked || unsupported;
  const display = b.DISPLAY === 'LINE' ? 'line' : 'block';
  const width = positiveInt(b.WIDTH);
  const style: CSSProperties = {};
  const bg = safeColor(disabled ? b.OFF_BG_COLOR ?? b.BG_COLOR : b.BG_COLOR);
  const fg = safeColor(disabled ? b.OFF_TEXT_COLOR ?? b.TEXT_COLOR : b.TEXT_COLOR);
  if (bg) style.backgroundColor = bg;
  if (fg) style.color = fg;
  if (width) style.width = `${width}px`;
  const className = [
    'b24r-kbd-btn',
    `b24r-kbd-${display}`,
    `b24r-token-${colorToken(b.BG_COLOR_TOKEN)}`,
    bg ? 'b24r-kbd-colored' : '',
    width ? 'b24r-kbd-fixed' : '',
    disabled ? 'is-disabled' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const common = {
    className,
    style,
    title: text,
    'aria-label': ariaLabel(text, kind, b),
    'data-testid': 'kbd-button',
    'data-kind': kind,
  };
  const label: ReactNode = <span className="b24r-kbd-text">{text}</span>;

  if (kind === 'link' && href && !disabled) {
    return (
      <ExternalLink href={href} ctx={p} attrs={common}>
        {label}
      </ExternalLink>
    );
  }

  const onClick = () => {
    if (disabled) return;
    if (kind === 'action') p.onAction(action as ClientAction, str(b.ACTION_VALUE));
    else if (kind === 'app') p.onApp?.(Number(b.APP_ID), str(b.APP_PARAMS));
    else if (kind === 'command') {
      if (b.BLOCK === 'Y') p.onBlock();
      const botId = positiveInt(b.BOT_ID) ?? p.authorId;
      p.onCommand(botId, str(b.COMMAND), str(b.COMMAND_PARAMS), p.messageId, 'keyboard');
    }
  };
  return (
    <button
      type="button"
      {...common}
      disabled={disabled}
      data-action={kind === 'action' ? action : undefined}
      data-command={kind === 'command' ? str(b.COMMAND) : undefined}
      onClick={onClick}
    >
      {label}
    </button>
  );
}
