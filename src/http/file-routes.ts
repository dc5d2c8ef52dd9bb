import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkFileToken, fileBytes, INLINE_SAFE_MIME } from '../domain/messenger/files.js';
import type { Platform } from '../domain/platform.js';

const AVATAR_FILE = /^[A-Za-z0-9_-]{1,80}\.(png|jpg|gif|webp|bmp)$/;
const AVATAR_MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp' };

const refuse = (reply: FastifyReply, status: number, error: string, description: string) =>
  reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });

/** `Content-Disposition` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 5987 `filename*`). */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Downloads by signed link (File.download's `downloadUrl`, the `url*` fields people get): no other
 * auth, the token alone names the file until it expires. And the stored avatars of users, bots and
 * chats, at the URLs their `avatar` fields hold.
 */
export function registerFileRoutes(app: FastifyInstance, p: Platform): void {
  app.get('/rest/download.json', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const check = checkFileToken(p, q.token);
    if (!check.ok) {
      return check.reason === 'expired'
        ? refuse(reply, 403, 'FILE_LINK_EXPIRED', 'The download link has expired: ask File.download for a new one')
        : refuse(reply, 403, 'FILE_LINK_INVALID', 'The download link is not valid');
    }
    const file = await p.store.files.byId(check.fileId);
    const bytes = file ? await fileBytes(p, p.store, file) : undefined;
    if (!file || !bytes) return refuse(reply, 404, 'FILE_NOT_FOUND', 'File not found');
    // Inline only for raster images: anything else served inline from this origin could run script.
    const inline = q.show !== undefined && INLINE_SAFE_MIME.has(file.mime);
    reply
      .header('content-type', file.mime)
      .header('content-length', String(file.size))
      .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', file.name))
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff');
    return reply.send('path' in bytes ? fs.createReadStream(bytes.path) : bytes.buffer);
  });

  app.get('/avatars/:file', async (req, reply) => {
    const name = (req.params as { file: string }).file;
    const m = AVATAR_FILE.exec(name);
    const full = m && p.dataDir ? path.join(p.dataDir, 'avatars', name) : undefined;
    const stat = full ? await fs.promises.stat(full).catch(() => undefined) : undefined;
    if (!m || !full || !stat?.isFile()) return refuse(reply, 404, 'NOT_FOUND', 'No such avatar');
    reply
      .header('content-type', AVATAR_MIME[m[1]])
      .header('content-length', String(stat.size))
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff');
    return reply.send(fs.createReadStream(full));
  });
}
