import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db.js';
import type { FileTable } from '../schema.js';

export type FileRow = Omit<Selectable<FileTable>, 'content'>;

/** Every column but the bytes: metadata reads never pull a 100 MB blob into memory. */
const META = [
  'id', 'chat_id', 'author_id', 'message_id', 'name', 'extension', 'type', 'mime', 'size',
  'image_width', 'image_height', 'sha256', 'storage_key', 'created_at',
] as const;

/** Uploaded files (Drive objects of chat folders). */
export class FileRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<FileRow | undefined> {
    return this.db.selectFrom('files').select(META).where('id', '=', id).executeTakeFirst();
  }

  /** Files of the given messages, in upload order. */
  byMessages(messageIds: number[]): Promise<FileRow[]> {
    if (!messageIds.length) return Promise.resolve([]);
    return this.db.selectFrom('files').select(META).where('message_id', 'in', messageIds).orderBy('id').execute();
  }

  async insert(row: Insertable<FileTable>): Promise<FileRow> {
    const { id } = await this.db.insertInto('files').values(row).returning('id').executeTakeFirstOrThrow();
    return (await this.byId(id))!;
  }

  async setMessage(id: number, messageId: number): Promise<void> {
    await this.db.updateTable('files').set({ message_id: messageId }).where('id', '=', id).execute();
  }

  /** The bytes kept in the database (portals without a data folder); null when they are on disk. */
  async content(id: number): Promise<Buffer | null> {
    const r = await this.db.selectFrom('files').select('content').where('id', '=', id).executeTakeFirst();
    return r?.content ?? null;
  }
}
