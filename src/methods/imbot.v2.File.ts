import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { BOT_FILE_ERRORS, FileErrorsCommon, fileLink } from '../domain/messenger/files.js';
import { canSeeFile, uploadAs } from './files-common.js';
import { botAuthShape, defineV2, intArg, ownedBot } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/files';

export const fileUpload = defineV2({
  name: 'imbot.v2.File.upload',
  docs: `${DOCS}/file-upload.md`,
  params: z.object(botAuthShape).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const result = await uploadAs(ctx, bot.id, p, BOT_FILE_ERRORS, 'bot');
    await ctx.platform.store.bots.bump(bot.id, 'count_message');
    return result;
  },
});

export const fileDownload = defineV2({
  name: 'imbot.v2.File.download',
  docs: `${DOCS}/file-download.md`,
  params: z.object(botAuthShape).passthrough(),
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const fileId = intArg(p, 'fileId');
    const store = ctx.platform.store;
    const file = fileId > 0 ? await store.files.byId(fileId) : undefined;
    if (!file) throw FileErrorsCommon.notFound();
    if (!(await canSeeFile(store, file, bot.id))) throw new ApiError('FILE_ACCESS_ERROR', 'File access error');
    return { downloadUrl: fileLink(ctx.platform, file.id, 'imbot') };
  },
});

export const botFileMethods = [fileUpload, fileDownload];
