import { Fragment, type ReactNode } from 'react';
import { mainValue, namedValues, parseBb, plainText, type BbNode, type BbTag } from './bb-parse.js';
import { ExternalLink } from './external-link.js';
import { positiveInt, safeColor, safeImageUrl, safeUrl } from './safe.js';
import { formatTimestamp } from './timestamp.js';
import type { ClientAction, RenderContext } from './types.js';

interface State {
  src: string;
  ctx: RenderContext;
  /** Inside an <a> or an action button: no nested links, mentions become text. */
  inLink: boolean;
}

/** Tags that stand alone; every other known tag needs its closing tag or is shown as typed. */
const SINGLE = new Set(['br', 'icon', 'timestamp', 'disk']);
const PAIRED = new Set(['b', 'i', 'u', 's', 'size', 'color', 'url', 'user', 'chat', 'context', 'put', 'send', 'call', 'code', 'quote', 'img', 'list']);
const URL_IN_TEXT = /(?<![\w@.\/-])(?:https?:\/\/|www\.)[^\s<>[\]"']+/gi;
const IMG_SIZES = new Set(['small', 'medium', 'large']);

/**
 * Message text as Bitrix24 shows it (message-formatting.md): inline BB-codes, `>>` quote lines,
 * `------` full quotes, bare URLs as links. React escapes every text node, so hostile text stays text;
 * unknown or unclosed tags are shown as typed, like the messenger does.
 */
export function renderBbCode(text: string, ctx: RenderContext = {}): ReactNode {
  if (!text) return null;
  const nodes = parseBb(text);
  const state: State = { src: text, ctx, inLink: false };
  return <>{renderBlocks(nodes, state)}</>;
}

type Line = BbNode[];

/** Top-level nodes cut into lines at `\n`, so line-start syntax (`>>`, `------`) can be found. */
function splitLines(nodes: BbNode[]): Line[] {
  const lines: Line[] = [[]];
  for (const n of nodes) {
    if (typeof n !== 'string') {
      lines[lines.length - 1].push(n);
      continue;
    }
    const parts = n.split('\n');
    parts.forEach((p, i) => {
      if (i > 0) lines.push([]);
      if (p) lines[lines.length - 1].push(p);
    });
  }
  return lines;
}

/** A line as it was typed (a quote header like `Name [22.11.2026 10:00]` parses as an unknown tag). */
const lineText = (line: Line, src: string) =>
  line.map((n) => (typeof n === 'string' ? n : n.start ? src.slice(n.start.from, (n.end ?? n.start).to) : '')).join('');
const isDelimiter = (line: Line) => line.length === 1 && typeof line[0] === 'string' && /^-{6,}$/.test(line[0].trim());
const isQuoteLine = (line: Line) => typeof line[0] === 'string' && line[0].startsWith('>>');

function renderBlocks(nodes: BbNode[], s: State): ReactNode[] {
  const lines = splitLines(nodes);
  const out: ReactNode[] = [];
  let plain: Line[] = [];
  const flush = () => {
    if (!plain.length) return;
    const joined: BbNode[] = [];
    plain.forEach((l, i) => {
      if (i > 0) joined.push('\n');
      joined.push(...l);
    });
    out.push(<span key={out.length}>{renderNodes(joined, s)}</span>);
    plain = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isDelimiter(line)) {
      const close = lines.findIndex((l, j) => j > i && isDelimiter(l));
      if (close > i) {
        flush();
        out.push(fullQuote(lines.slice(i + 1, close), s, out.length));
        i = close;
        continue;
      }
    }
    if (isQuoteLine(line)) {
      flush();
      const quoted: Line[] = [];
      while (i < lines.length && isQuoteLine(lines[i])) {
        const l = lines[i];
        quoted.push([(l[0] as string).slice(2).replace(/^ /, ''), ...l.slice(1)]);
        i++;
      }
      i--;
      out.push(
        <blockquote key={out.length} className="b24r-quote">
          {quoted.map((l, k) => (
            <div key={k}>{renderNodes(l, s)}</div>
          ))}
        </blockquote>,
      );
      continue;
    }
    plain.push(line);
  }
  flush();
  return out;
}

/** A quoted message: the first line `Author [date]` is its header (how the messenger writes quotes). */
function fullQuote(lines: Line[], s: State, key: number): ReactNode {
  const head = lines.length > 1 ? /^([^[\]]+?)\s*\[([^\]]+)\]\s*$/.exec(lineText(lines[0], s.src)) : null;
  const body = head ? lines.slice(1) : lines;
  return (
    <blockquote key={key} className="b24r-quote b24r-quote-full">
      {head && (
        <div className="b24r-quote-head">
          <span className="b24r-quote-author">{head[1]}</span> <span className="b24r-quote-date">{head[2]}</span>
        </div>
      )}
      {body.map((l, k) => (
        <div key={k}>{l.length ? renderNodes(l, s) : '\u00a0'}</div>
      ))}
    </blockquote>
  );
}

function renderNodes(nodes: BbNode[], s: State): ReactNode[] {
  const out: ReactNode[] = [];
  let text = '';
  const flushText = () => {
    if (text) out.push(...linkify(text, s, out.length));
    text = '';
  };
  for (const n of nodes) {
    if (typeof n === 'string') {
      text += n;
      continue;
    }
    flushText();
    out.push(<Fragment key={out.length}>{renderTag(n, s)}</Fragment>);
  }
  flushText();
  return out;
}

function linkify(text: string, s: State, keyBase: number): ReactNode[] {
  if (s.inLink) return [text];
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    let url = m[0].replace(/[.,;:!?)]+$/, '');
    if (url.includes('(') && m[0].length > url.length && m[0][url.length] === ')') url += ')';
    const href = safeUrl(url);
    if (!href) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(<ExternalLink key={`${keyBase}-${out.length}`} href={href} ctx={s.ctx}>{url}</ExternalLink>);
    last = m.index + url.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The tag exactly as it was typed: for unknown and unclosed tags. */
function literal(t: BbTag, s: State): ReactNode {
  const open = t.start ? s.src.slice(t.start.from, t.start.to) : `[${t.tag}]`;
  const close = t.end ? s.src.slice(t.end.from, t.end.to) : '';
  return (
    <>
      {open}
      {renderNodes(t.content ?? [], s)}
      {close}
    </>
  );
}

function renderTag(t: BbTag, s: State): ReactNode {
  const tag = t.tag.toLowerCase();
  if (PAIRED.has(tag) && !t.end) return literal(t, s);
  if (!PAIRED.has(tag) && !SINGLE.has(tag)) return literal(t, s);
  const kids = () => renderNodes(t.content ?? [], s);
  switch (tag) {
    case 'b':
      return <b>{kids()}</b>;
    case 'i':
      return <i>{kids()}</i>;
    case 'u':
      return <u>{kids()}</u>;
    case 's':
      return <s>{kids()}</s>;
    case 'br':
      return <br />;
    case 'size': {
      const px = positiveInt(mainValue(t, s.src).replace(/px$/i, ''));
      if (!px) return <>{kids()}</>;
      return <span style={{ fontSize: `${Math.min(30, Math.max(8, px))}px` }}>{kids()}</span>;
    }
    case 'color': {
      const color = safeColor(mainValue(t, s.src));
      return color ? <span style={{ color }}>{kids()}</span> : <>{kids()}</>;
    }
    case 'url': {
      const target = mainValue(t, s.src) || plainText(t.content).trim();
      const href = safeUrl(target);
      if (!href || s.inLink) return <>{kids()}</>;
      const label = t.content?.length ? renderNodes(t.content, { ...s, inLink: true }) : target;
      return <ExternalLink href={href} ctx={s.ctx}>{label}</ExternalLink>;
    }
    case 'user':
      return mention(t, s);
    case 'chat':
      return chatMention(t, s);
    case 'context': {
      const [dialog, message] = mainValue(t, s.src).split('/');
      const messageId = positiveInt(message);
      return actionLink(s, 'DIALOG', dialog ?? '', kids(), 'b24r-context', { messageId });
    }
    case 'put':
    case 'send': {
      const value = mainValue(t, s.src) || plainText(t.content);
      const label = t.content?.length ? renderNodes(t.content, { ...s, inLink: true }) : value;
      return actionLink(s, tag.toUpperCase() as ClientAction, value, label, `b24r-command b24r-command-${tag}`);
    }
    case 'call': {
      const number = mainValue(t, s.src) || plainText(t.content).trim();
      return actionLink(s, 'CALL', number, t.content?.length ? kids() : number, 'b24r-call');
    }
    case 'code': {
      const raw = t.start && t.end ? s.src.slice(t.start.to, t.end.from) : plainText(t.content);
      return (
        <pre className="b24r-code">
          <code>{raw.replace(/^\n/, '').replace(/\n$/, '')}</code>
        </pre>
      );
    }
    case 'quote':
      return <blockquote className="b24r-quote">{kids()}</blockquote>;
    case 'img': {
      const src = safeImageUrl(plainText(t.content).trim());
      if (!src) return literal(t, s);
      const size = namedValues(t, s.src).size?.toLowerCase();
      const cls = `b24r-img b24r-img-${size && IMG_SIZES.has(size) ? size : 'medium'}`;
      return <img className={cls} src={src} alt="" loading="lazy" />;
    }
    case 'icon':
      return icon(t, s);
    case 'timestamp': {
      const values = namedValues(t, s.src);
      const unix = positiveInt(values['']);
      if (!unix) return literal(t, s);
      const { iso, text } = formatTimestamp(unix, values.format, s.ctx);
      return (
        <time className="b24r-timestamp" dateTime={iso}>
          {text}
        </time>
      );
    }
    case 'disk': {
      const id = positiveInt(mainValue(t, s.src));
      if (!id) return literal(t, s);
      return (
        <span className="b24r-disk" data-disk-id={id}>
          {`File #${id}`}
        </span>
      );
    }
    case 'list':
      return list(t, s);
  }
  return literal(t, s);
}

function mention(t: BbTag, s: State): ReactNode {
  const who = mainValue(t, s.src).split(/\s+/)[0] ?? '';
  const given = plainText(t.content).trim();
  if (who.toLowerCase() === 'all') {
    return (
      <span className="b24r-mention b24r-mention-all" data-testid="bb-user" data-user-id="all">
        {given || 'all'}
      </span>
    );
  }
  const id = positiveInt(who);
  if (!id) return literal(t, s);
  // `[USER=5][/USER]` is the short form: the messenger fills in the name (Text::parse, REPLACE).
  const name = given || s.ctx.users?.[id]?.name || `User ${id}`;
  if (s.inLink || !s.ctx.onAction) {
    return (
      <span className="b24r-mention" data-testid="bb-user" data-user-id={id}>
        {name}
      </span>
    );
  }
  const onAction = s.ctx.onAction;
  return (
    <button type="button" className="b24r-mention" data-testid="bb-user" data-user-id={id} onClick={() => onAction('DIALOG', String(id))}>
      {name}
    </button>
  );
}

function chatMention(t: BbTag, s: State): ReactNode {
  const target = mainValue(t, s.src);
  const given = plainText(t.content).trim();
  const id = positiveInt(target);
  // Open-channel mentions (`imol|ID`) have no dialog here: shown, not clickable.
  if (!id) {
    return (
      <span className="b24r-mention b24r-mention-chat" data-chat={target}>
        {given || target}
      </span>
    );
  }
  const name = given || s.ctx.chats?.[id]?.name || `Chat ${id}`;
  return actionLink(s, 'DIALOG', `chat${id}`, name, 'b24r-mention b24r-mention-chat', undefined, { 'data-chat-id': id, 'data-testid': 'bb-chat' });
}

/** A clickable in-text action (SEND/PUT/CALL, mentions): a <button> styled as a link; plain text without a handler. */
function actionLink(
  s: State,
  action: ClientAction,
  value: string,
  label: ReactNode,
  className: string,
  extra?: { messageId?: number },
  data: Record<string, string | number> = {},
): ReactNode {
  const onAction = s.ctx.onAction;
  if (s.inLink || !onAction || !value) {
    return (
      <span className={className} {...data}>
        {label}
      </span>
    );
  }
  return (
    <button
      type="button"
      className={className}
      data-action={action}
      data-value={value}
      title={action === 'SEND' || action === 'PUT' ? value : undefined}
      onClick={() => onAction(action, value, extra)}
      {...data}
    >
      {label}
    </button>
  );
}

function icon(t: BbTag, s: State): ReactNode {
  const v = namedValues(t, s.src);
  const src = safeImageUrl(v['']);
  if (!src) return literal(t, s);
  const size = positiveInt(v.size);
  const width = Math.min(100, positiveInt(v.width) ?? size ?? 20);
  const height = Math.min(100, positiveInt(v.height) ?? size ?? width);
  const title = v.title ?? '';
  return <img className="b24r-icon" src={src} width={width} height={height} alt={title || 'icon'} title={title || undefined} />;
}

function list(t: BbTag, s: State): ReactNode {
  const items: BbNode[][] = [];
  for (const n of t.content ?? []) {
    if (typeof n !== 'string' && n.tag === '*') {
      items.push([...(n.content ?? [])]);
      continue;
    }
    if (!items.length) {
      if (typeof n === 'string' && !n.trim()) continue;
      items.push([]);
    }
    items[items.length - 1].push(n);
  }
  const ordered = /^\d+$/.test(mainValue(t, s.src));
  const lis = items.map((item, k) => <li key={k}>{renderNodes(trimNodes(item), s)}</li>);
  return ordered ? <ol className="b24r-list">{lis}</ol> : <ul className="b24r-list">{lis}</ul>;
}

function trimNodes(nodes: BbNode[]): BbNode[] {
  const out = [...nodes];
  while (typeof out[0] === 'string' && !out[0].trim()) out.shift();
  while (typeof out[out.length - 1] === 'string' && !(out[out.length - 1] as string).trim()) out.pop();
  return out;
}
