import { unixNow } from '../../util/time.js';
import { ApiError } from '../errors.js';
import { COLORS } from './colors.js';
import { colorToken, PARAM_SIZE_LIMIT } from './keyboard.js';
import { intval } from '../../util/php.js';

export const attachError = () => new ApiError('PARAM_ATTACH_ERROR', 'Incorrect attach params');
export const attachOversizeError = () => new ApiError('PARAM_ATTACH_ERROR', 'You have exceeded the maximum allowable size of attach');

export interface AttachErrors {
  invalid: () => ApiError;
  oversize: () => ApiError;
}

type Obj = Record<string, unknown>;

const URL_RE = /^(?:\/|https?:\/\/)/;
const HEX_RE = /^#[a-fA-F0-9]{3}([a-fA-F0-9]{3})?$/;
/** Bitrix\Im\Color::getColors(): what an attach without a valid COLOR is painted with, at random. */
const RANDOM_COLORS = [...Object.values(COLORS), '#e8a441', '#8d51eb'];

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object';
const set = (o: Obj, k: string) => o[k] !== undefined && o[k] !== null;
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v === true ? '1' : '';
const url = (v: unknown) => typeof v === 'string' && URL_RE.test(v);
const hex = (v: unknown) => typeof v === 'string' && HEX_RE.test(v);
const oneLine = (s: string) => s.replace(/\r\n|[\n\v\f\r\u0085\u2028\u2029]/g, ' ');
const networkId = (v: unknown) => {
  const s = text(v);
  return s.slice(0, 1).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;') + intval(s.slice(1));
};
/** A PHP list: a JS array, or a map whose keys are exactly 0…n-1 (Collection::isAssociative is false). */
const isList = (v: unknown): v is unknown[] | Obj =>
  Array.isArray(v) || (isObj(v) && Object.keys(v).every((k, i) => k === String(i)));
const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);

function decode(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return undefined;
  }
}

function userBlock(p: unknown): Obj | undefined {
  if (!isObj(p) || !set(p, 'NAME') || text(p.NAME).trim() === '') return undefined;
  const add: Obj = { NAME: oneLine(text(p.NAME)), AVATAR_TYPE: 'USER' };
  if (set(p, 'NETWORK_ID')) add.NETWORK_ID = networkId(p.NETWORK_ID);
  else if (intval(p.USER_ID) > 0) add.USER_ID = intval(p.USER_ID);
  else if (intval(p.CHAT_ID) > 0) {
    add.CHAT_ID = intval(p.CHAT_ID);
    add.AVATAR_TYPE = 'CHAT';
  } else if (intval(p.BOT_ID) > 0) {
    add.BOT_ID = intval(p.BOT_ID);
    add.AVATAR_TYPE = 'BOT';
  } else if (url(p.LINK)) add.LINK = p.LINK;
  if (url(p.AVATAR)) add.AVATAR = p.AVATAR;
  if (typeof p.AVATAR_TYPE === 'string' && ['CHAT', 'USER', 'BOT'].includes(p.AVATAR_TYPE)) add.AVATAR_TYPE = p.AVATAR_TYPE;
  return add;
}

/** The target of a LINK / RICH_LINK: a network user, a user or a chat (each with NAME), else a valid LINK. */
function linkTarget(p: Obj): Obj | undefined {
  const named = set(p, 'NAME');
  if (set(p, 'NETWORK_ID') && named) return { NETWORK_ID: networkId(p.NETWORK_ID) };
  if (intval(p.USER_ID) > 0 && named) return { USER_ID: intval(p.USER_ID) };
  if (intval(p.CHAT_ID) > 0 && named) return { CHAT_ID: intval(p.CHAT_ID) };
  return url(p.LINK) ? {} : undefined;
}

function linkBlock(p: unknown): Obj | undefined {
  if (!isObj(p)) return undefined;
  const add = linkTarget(p);
  if (!add) return undefined;
  if (set(p, 'NAME')) add.NAME = oneLine(text(p.NAME).trim());
  if (set(p, 'LINK')) add.LINK = p.LINK;
  if (set(p, 'DESC')) add.DESC = p.DESC;
  if (set(p, 'HTML')) add.HTML = p.HTML;
  else if (url(p.PREVIEW)) {
    add.PREVIEW = p.PREVIEW;
    if (intval(p.WIDTH) > 0) add.WIDTH = intval(p.WIDTH);
    if (intval(p.HEIGHT) > 0) add.HEIGHT = intval(p.HEIGHT);
  }
  return add;
}

function richLinkBlock(p: unknown): Obj | undefined {
  if (!isObj(p)) return undefined;
  const add = linkTarget(p);
  if (!add) return undefined;
  if (set(p, 'NAME')) add.NAME = oneLine(text(p.NAME).trim());
  if (set(p, 'LINK')) add.LINK = p.LINK;
  if (set(p, 'DESC')) add.DESC = oneLine(text(p.DESC).trim());
  if (set(p, 'HTML')) add.HTML = oneLine(text(p.HTML).trim());
  if (url(p.PREVIEW)) {
    add.PREVIEW = p.PREVIEW;
    const size = isObj(p.PREVIEW_SIZE) ? p.PREVIEW_SIZE : {};
    add.PREVIEW_SIZE = { HEIGHT: size.HEIGHT ?? 0, WIDTH: size.WIDTH ?? 0 };
  } else if (url(p.EXTRA_IMAGE)) add.EXTRA_IMAGE = p.EXTRA_IMAGE;
  return add;
}

function gridBlock(list: unknown): Obj[] {
  const out: Obj[] = [];
  for (const g of items(list)) {
    if (!isObj(g)) continue;
    if (g.DISPLAY !== 'LINE') {
      const none = !set(g, 'NAME') && !set(g, 'VALUE');
      if (none || (text(g.NAME).trim() === '' && text(g.VALUE).trim() === '')) continue;
    }
    const display = typeof g.DISPLAY === 'string' ? g.DISPLAY : '';
    const row: Obj = {
      DISPLAY: display === 'COLUMN' ? 'ROW' : display === 'CARD' ? 'LINE' : ['BLOCK', 'LINE', 'ROW', 'TABLE'].includes(display) ? display : 'BLOCK',
      NAME: oneLine(text(g.NAME).trim()),
      VALUE: text(g.VALUE).trim().replace(/#BR#/g, '[BR]'),
    };
    if (hex(g.COLOR)) row.COLOR = g.COLOR;
    for (const k of ['WIDTH', 'HEIGHT', 'USER_ID', 'CHAT_ID']) if (intval(g[k]) > 0) row[k] = intval(g[k]);
    if (url(g.LINK)) row.LINK = g.LINK;
    row.COLOR_TOKEN = colorToken(g.COLOR_TOKEN);
    out.push(row);
  }
  return out;
}

function imageBlock(list: unknown): Obj[] {
  const out: Obj[] = [];
  for (const i of isList(list) ? items(list) : [list]) {
    if (!isObj(i) || !url(i.LINK)) continue;
    const row: Obj = {};
    if (text(i.NAME).trim() !== '') row.NAME = text(i.NAME).trim();
    row.LINK = i.LINK;
    if (intval(i.WIDTH) > 0) row.WIDTH = intval(i.WIDTH);
    if (intval(i.HEIGHT) > 0) row.HEIGHT = intval(i.HEIGHT);
    if (url(i.PREVIEW)) row.PREVIEW = i.PREVIEW;
    out.push(row);
  }
  return out;
}

function fileBlock(list: unknown): Obj[] {
  const out: Obj[] = [];
  for (const f of isList(list) ? items(list) : [list]) {
    if (!isObj(f) || !url(f.LINK)) continue;
    const row: Obj = { LINK: f.LINK };
    if (text(f.NAME).trim() !== '') row.NAME = oneLine(text(f.NAME).trim());
    if (intval(f.SIZE) > 0) row.SIZE = intval(f.SIZE);
    out.push(row);
  }
  return out;
}

function delimiterBlock(p: unknown): Obj {
  const o = isObj(p) ? p : {};
  const size = intval(o.SIZE);
  const add: Obj = { SIZE: size > 0 ? size : 200 };
  if (hex(o.COLOR)) add.COLOR = o.COLOR;
  return add;
}

/** Each entry of a USER / LINK / RICH_LINK block: a list of cards, or one card. */
const cards = (v: unknown) => (isList(v) ? items(v) : [v]);

function blocksOf(data: Obj, attach: Obj): Obj[] {
  const out: Obj[] = [];
  const push = (key: string, value: unknown) => out.push({ [key]: value });
  if (set(data, 'USER')) {
    for (const c of cards(data.USER)) {
      const b = userBlock(c);
      if (b) push('USER', [b]);
    }
  } else if (set(data, 'LINK')) {
    for (const c of cards(data.LINK)) {
      const b = linkBlock(c);
      if (b) push('LINK', [b]);
    }
  } else if (set(data, 'RICH_LINK')) {
    for (const c of cards(data.RICH_LINK)) {
      const b = richLinkBlock(c);
      if (b) push('RICH_LINK', [b]);
    }
  } else if (set(data, 'MESSAGE')) {
    const m = data.MESSAGE;
    const asDescription = isObj(m) && set(m, 'TEXT') && m.AS_DESCRIPTION === 'Y';
    const raw = isObj(m) ? (set(m, 'TEXT') ? text(m.TEXT) : '') : text(m);
    const message = raw.trim().replace(/#BR#/g, '[BR]');
    if (message !== '') {
      if (asDescription) attach.DESCRIPTION = message;
      push('MESSAGE', message);
    }
  } else if (set(data, 'GRID')) {
    const grid = gridBlock(data.GRID);
    if (grid.length) push('GRID', grid);
  } else if (set(data, 'IMAGE')) {
    const images = imageBlock(data.IMAGE);
    if (images.length) push('IMAGE', images);
  } else if (set(data, 'FILE')) {
    const files = fileBlock(data.FILE);
    if (files.length) push('FILE', files);
  } else if (set(data, 'DELIMITER')) {
    push('DELIMITER', delimiterBlock(data.DELIMITER));
  }
  return out;
}

/**
 * An attachment by CIMMessageParamAttach::GetAttachByJson (attachments/*.md, platform-behaviour.md §4
 * "Attach blocks"): the full form `{ID, COLOR, COLOR_TOKEN, DESCRIPTION, BLOCKS:[…]}` or a bare list of
 * blocks, each block one of USER, LINK, RICH_LINK, MESSAGE, GRID (DISPLAY BLOCK/LINE/ROW/TABLE, COLUMN→ROW,
 * CARD→LINE), IMAGE, FILE, DELIMITER. Invalid blocks are dropped; URLs must be `/…` or `http(s)://…`;
 * a COLOR that is not `#rgb`/`#rrggbb` (or TRANSPARENT) becomes a random palette colour. Nothing valid →
 * `invalid()`, 60,000 characters of JSON or more → `oversize()`. Stored as a list of one attach.
 */
export function validateAttach(input: unknown, errors: AttachErrors = { invalid: attachError, oversize: attachOversizeError }): Obj[] {
  if (input === undefined || input === null || input === '' || input === '0' || (Array.isArray(input) && input.length === 0)) return [];
  const raw = decode(input);
  if (!isObj(raw)) throw errors.invalid();
  const full = !Array.isArray(raw) && set(raw, 'BLOCKS');
  const attach: Obj = { ID: full && intval(raw.ID) > 0 ? intval(raw.ID) : unixNow(), BLOCKS: [], DESCRIPTION: '' };
  const color = full ? raw.COLOR : undefined;
  attach.COLOR = color === 'TRANSPARENT' ? 'transparent' : hex(color) ? color : RANDOM_COLORS[Math.floor(Math.random() * RANDOM_COLORS.length)];
  attach.COLOR_TOKEN = colorToken(full ? raw.COLOR_TOKEN : undefined);
  if (full && set(raw, 'DESCRIPTION')) attach.DESCRIPTION = oneLine(text(raw.DESCRIPTION)).trim();
  const blocks: Obj[] = [];
  for (const data of items(full ? raw.BLOCKS : raw)) if (isObj(data)) blocks.push(...blocksOf(data, attach));
  if (blocks.length === 0) throw errors.invalid();
  attach.BLOCKS = blocks;
  if (JSON.stringify(attach).length >= PARAM_SIZE_LIMIT) throw errors.oversize();
  return [attach];
}
