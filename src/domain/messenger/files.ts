import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { imageSize } from 'image-size';
import type { ChatRow } from '../../store/repos/chats.js';
import type { FileRow } from '../../store/repos/files.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { Store } from '../../store/store.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import type { Platform } from '../platform.js';
import { fullName } from '../users.js';
import { fileView, type FileLinks } from '../../format/file.js';
import type { Emit } from './events.js';
import { addMessage } from './messages.js';

/** Maximum size of one uploaded file (files/index.md "Limits"): 100 MB. */
export const MAX_FILE_SIZE = 100 * 1024 * 1024;
/** Default lifetime of a download link, seconds. */
export const DEFAULT_FILE_LINK_TTL = 3600;
const MAX_NAME_LENGTH = 255;

/**
 * The errors of one File API. imbot.v2 and im.v2 report the same failures under different codes
 * (FILE_FOLDER_ERROR vs FOLDER_ERROR, …); the texts are those of the docs' error tables.
 */
export interface FileErrors {
  empty: () => ApiError;
  invalidContent: () => ApiError;
  tooLarge: () => ApiError;
  /** The dialog names no chat (the platform fails to get the chat's Drive folder). */
  folder: () => ApiError;
  upload: () => ApiError;
  /** The uploader may not write into the chat. */
  send: () => ApiError;
}

export const BOT_FILE_ERRORS: FileErrors = {
  empty: () => new ApiError('FILE_EMPTY', 'File name or content is empty'),
  invalidContent: () => new ApiError('FILE_INVALID_CONTENT', 'Invalid base64 content'),
  tooLarge: () => new ApiError('FILE_TOO_LARGE', 'File is too large'),
  folder: () => new ApiError('FILE_FOLDER_ERROR', 'Failed to get chat folder'),
  upload: () => new ApiError('FILE_UPLOAD_FAILED', 'File upload failed'),
  send: () => new ApiError('FILE_SEND_FAILED', 'Failed to send message'),
};

export const USER_FILE_ERRORS: FileErrors = {
  empty: () => new ApiError('FILE_EMPTY', 'File name and content are required'),
  invalidContent: () => new ApiError('FILE_INVALID_CONTENT', 'Invalid base64 content'),
  tooLarge: () => new ApiError('FILE_TOO_LARGE', 'File is too large'),
  folder: () => new ApiError('CHAT_NOT_FOUND', 'CHAT_NOT_FOUND'),
  upload: () => new ApiError('UPLOAD_FAILED', 'File upload failed'),
  send: () => new ApiError('ACCESS_DENIED', 'Access denied'),
};

export const FileErrorsCommon = {
  notFound: () => new ApiError('FILE_NOT_FOUND', 'File not found'),
};

/**
 * `fields.content`: a base64 string (PHP's strict base64_decode: whitespace skipped, any other byte
 * outside the alphabet, misplaced padding or a dangling sixth of a byte refused), or the REST file
 * convention `[name, base64]` a multipart part or a PHP client gives. The decoded size is checked
 * before decoding, so an oversize upload costs no second copy.
 */
export function decodeContent(value: unknown, errors: FileErrors): { bytes: Buffer; partName?: string } {
  let raw = value;
  let partName: string | undefined;
  if (Array.isArray(raw) || (raw && typeof raw === 'object')) {
    const parts = Object.values(raw as Record<string, unknown>);
    if (parts.length === 2 && typeof parts[0] === 'string') partName = parts[0];
    raw = parts[parts.length - 1];
  }
  if (raw === undefined || raw === null || raw === '') throw errors.empty();
  if (typeof raw !== 'string') throw errors.invalidContent();
  const shape = scanBase64(raw);
  if (shape === 'invalid') throw errors.invalidContent();
  if (shape.digits === 0) throw errors.empty();
  if (Math.floor((shape.digits * 3) / 4) > MAX_FILE_SIZE) throw errors.tooLarge();
  return { bytes: Buffer.from(shape.whitespace ? raw.replace(/\s+/g, '') : raw, 'base64'), partName };
}

/**
 * One pass over a base64 string (100 MB of content is 140 M characters, so no regex passes and no
 * copies): the number of alphabet characters, or 'invalid' as PHP's strict decoder judges it.
 */
function scanBase64(s: string): { digits: number; whitespace: boolean } | 'invalid' {
  let digits = 0;
  let pads = 0;
  let whitespace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alphabet = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 47 && c <= 57) || c === 43; // A-Z a-z / 0-9 +
    if (alphabet) {
      if (pads) return 'invalid'; // data after padding
      digits++;
    } else if (c === 61) pads++; // '='
    else if (c === 32 || (c >= 9 && c <= 13)) whitespace = true;
    else return 'invalid';
  }
  if (digits % 4 === 1) return 'invalid'; // a dangling sixth of a byte
  if (pads && (pads > 2 || (digits + pads) % 4 !== 0)) return 'invalid';
  return { digits, whitespace };
}

/** A file name as Drive keeps it: the last path segment, no control characters, at most 255 characters. */
export function cleanFileName(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return '';
  const base = String(v).split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_NAME_LENGTH);
}

const IMAGE_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp']);
const VIDEO_EXT = new Set(['mp4', 'mov', 'avi', 'webm', 'mkv', 'm4v', '3gp', 'mpeg', 'mpg']);
const AUDIO_EXT = new Set(['mp3', 'wav', 'ogg', 'oga', 'm4a', 'aac', 'flac', 'opus', 'weba']);

const MIME: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp',
  svg: 'image/svg+xml', ico: 'image/x-icon',
  mp4: 'video/mp4', mov: 'video/quicktime', avi: 'video/x-msvideo', webm: 'video/webm', mkv: 'video/x-matroska',
  m4v: 'video/x-m4v', '3gp': 'video/3gpp', mpeg: 'video/mpeg', mpg: 'video/mpeg',
  mp3: 'audio/mpeg', wav: 'audio/wav', ogg: 'audio/ogg', oga: 'audio/ogg', m4a: 'audio/mp4', aac: 'audio/aac',
  flac: 'audio/flac', opus: 'audio/opus', weba: 'audio/webm',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json', xml: 'application/xml',
  html: 'text/html', htm: 'text/html', md: 'text/markdown', log: 'text/plain',
  zip: 'application/zip', gz: 'application/gzip', tar: 'application/x-tar', '7z': 'application/x-7z-compressed',
  rar: 'application/vnd.rar',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text', ods: 'application/vnd.oasis.opendocument.spreadsheet',
};

/** Raster images a browser may show inline from this origin (never SVG or HTML: they can carry script). */
export const INLINE_SAFE_MIME = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

interface Classified {
  extension: string;
  type: 'file' | 'image' | 'video' | 'audio';
  mime: string;
  image?: { width: number; height: number };
}

/** Extension (lower-case), content type and, for a raster image that really is one, its size. */
export function classify(name: string, bytes: Buffer): Classified {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const mime = MIME[extension] ?? 'application/octet-stream';
  if (IMAGE_EXT.has(extension)) {
    try {
      const info = imageSize(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      if (info.width && info.height) return { extension, type: 'image', mime, image: { width: info.width, height: info.height } };
    } catch {
      /* not an image after all: a plain file */
    }
    return { extension, type: 'file', mime: 'application/octet-stream' };
  }
  if (VIDEO_EXT.has(extension)) return { extension, type: 'video', mime };
  if (AUDIO_EXT.has(extension)) return { extension, type: 'audio', mime };
  return { extension, type: 'file', mime };
}

const filesDir = (p: Platform) => path.join(p.dataDir!, 'files');

export interface UploadInput {
  chat: ChatRow;
  authorId: number;
  name: string;
  bytes: Buffer;
  /** Text of the message sent with the file. */
  message?: string;
  errors: FileErrors;
}

/**
 * Stores a file and posts the message carrying it (params FILE_ID), in `tx`. Bytes go to
 * `<dataDir>/files/` before the row is written; a rollback removes them again, so nothing is left
 * half-done.
 */
export async function uploadFile(p: Platform, tx: Store, emit: Emit, input: UploadInput): Promise<{ file: FileRow; message: MessageRow }> {
  const kind = classify(input.name, input.bytes);
  const sha256 = crypto.createHash('sha256').update(input.bytes).digest('hex');
  let storageKey: string | null = null;
  if (p.dataDir) {
    storageKey = crypto.randomBytes(16).toString('hex');
    try {
      await fs.promises.mkdir(filesDir(p), { recursive: true });
      await fs.promises.writeFile(path.join(filesDir(p), storageKey), input.bytes, { flag: 'wx' });
    } catch {
      throw input.errors.upload();
    }
  }
  try {
    const file = await tx.files.insert({
      chat_id: input.chat.id,
      author_id: input.authorId,
      name: input.name,
      extension: kind.extension,
      type: kind.type,
      mime: kind.mime,
      size: input.bytes.length,
      image_width: kind.image?.width ?? null,
      image_height: kind.image?.height ?? null,
      sha256,
      storage_key: storageKey,
      content: storageKey ? null : input.bytes,
      created_at: isoDate(),
    });
    const message = await addMessage(tx, emit, { chat: input.chat, authorId: input.authorId, text: input.message ?? '', fileIds: [file.id] });
    await tx.files.setMessage(file.id, message.id);
    return { file: { ...file, message_id: message.id }, message };
  } catch (e) {
    if (storageKey) await fs.promises.rm(path.join(filesDir(p), storageKey), { force: true });
    throw e;
  }
}

/** Where a file's bytes are: a path on disk, or the buffer kept in the database. */
export async function fileBytes(p: Platform, store: Store, file: FileRow): Promise<{ path: string } | { buffer: Buffer } | undefined> {
  if (file.storage_key) {
    if (!p.dataDir) return undefined;
    const full = path.join(filesDir(p), file.storage_key);
    return fs.existsSync(full) ? { path: full } : undefined;
  }
  const buffer = await store.files.content(file.id);
  return buffer ? { buffer } : undefined;
}

// --- Download links -------------------------------------------------------------------------------

/** Who a link was made for: shows in the token as the docs' examples do (`imbot|…`, `im|…`). */
export type LinkScope = 'imbot' | 'im';
const LINK_PURPOSE = 'file-link';

const ttlOf = (p: Platform) => p.config.fileLinkTtl ?? DEFAULT_FILE_LINK_TTL;

/**
 * A download link that needs no further auth: `/rest/download.json?token=<scope>|<payload>.<mac>`,
 * the payload naming the file and the expiry (ms), the MAC made with the portal's secret key.
 */
export function fileLink(p: Platform, fileId: number, scope: LinkScope, opts: { show?: boolean } = {}): string {
  const expires = Date.now() + Math.round(ttlOf(p) * 1000);
  const payload = Buffer.from(`${fileId}.${expires}`).toString('base64url');
  const signed = `${scope}|${payload}`;
  const token = `${signed}.${p.box.mac(LINK_PURPOSE, signed)}`;
  return `${p.config.publicUrl}/rest/download.json?token=${encodeURIComponent(token)}${opts.show ? '&show=1' : ''}`;
}

export type LinkCheck = { ok: true; fileId: number } | { ok: false; reason: 'invalid' | 'expired' };

export function checkFileToken(p: Platform, token: unknown): LinkCheck {
  if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'invalid' };
  const m = token.match(/^((?:imbot|im)\|([A-Za-z0-9_-]+))\.([A-Za-z0-9_-]+)$/);
  if (!m) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(p.box.mac(LINK_PURPOSE, m[1]));
  const given = Buffer.from(m[3]);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  const [id, expires] = Buffer.from(m[2], 'base64url').toString('utf8').split('.').map(Number);
  if (!Number.isInteger(id) || !Number.isFinite(expires)) return { ok: false, reason: 'invalid' };
  if (Date.now() > expires) return { ok: false, reason: 'expired' };
  return { ok: true, fileId: id };
}

// --- File objects ---------------------------------------------------------------------------------

/**
 * File objects as `audience` sees them: a person gets the viewer fields with working links, a bot
 * the object without them (OutputFilter removes preview and download URLs; a bot asks File.download).
 */
export async function fileObjects(p: Platform, store: Store, files: FileRow[], audience: 'bot' | 'user'): Promise<Record<string, unknown>[]> {
  const names = new Map<number, string>();
  const out: Record<string, unknown>[] = [];
  for (const f of files) {
    if (!names.has(f.author_id)) {
      const u = await store.users.byId(f.author_id);
      names.set(f.author_id, u ? fullName(u) : '');
    }
    let links: FileLinks | undefined;
    if (audience === 'user') {
      const download = fileLink(p, f.id, 'im');
      links = { download, show: fileLink(p, f.id, 'im', { show: true }), preview: f.type === 'image' ? fileLink(p, f.id, 'im', { show: true }) : '' };
    }
    out.push(fileView(f, { authorName: names.get(f.author_id)!, links }));
  }
  return out;
}
