import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { FileErrorsCommon, fileLink, USER_FILE_ERRORS } from '../domain/messenger/files.js';
import { defineMethod } from './registry.js';
import { canSeeFile, existingDialog, uploadAs } from './files-common.js';
import { intArg } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/im.v2/files';

const accessDenied = () => new ApiError('ACCESS_DENIED', 'Access denied');

/** im.v2 actions: the current user's own calls (scope im), every error a 400 like the other v2 controllers. */
export const imFileUpload = defineMethod({
  name: 'im.v2.File.upload',
  scope: 'im',
  controller: true,
  docs: `${DOCS}/file-upload.md`,
  params: z.object({}).passthrough(),
  handler: (ctx, p) => uploadAs(ctx, ctx.auth.userId, p, USER_FILE_ERRORS, 'user'),
});

export const imFileDownload = defineMethod({
  name: 'im.v2.File.download',
  scope: 'im',
  controller: true,
  docs: `${DOCS}/file-download.md`,
  params: z.object({}).passthrough(),
  async handler(ctx, p) {
    const fileId = intArg(p, 'fileId');
    const store = ctx.platform.store;
    const userId = ctx.auth.userId;
    const chat = await existingDialog(store, userId, p.dialogId ?? p.DIALOG_ID);
    if (!chat) throw accessDenied();
    const member = await store.chats.member(chat.id, userId);
    if (!member && chat.type !== 'O') throw accessDenied();
    const file = fileId > 0 ? await store.files.byId(fileId) : undefined;
    // A file of another chat is not found in this one.
    if (!file || file.chat_id !== chat.id) throw FileErrorsCommon.notFound();
    if (!(await canSeeFile(store, file, userId))) throw accessDenied();
    return { downloadUrl: fileLink(ctx.platform, file.id, 'im') };
  },
});

export const userFileMethods = [imFileUpload, imFileDownload];
