import { z } from 'zod';
import { defineIm } from './im-common.js';
import { defineV2 } from './v2-common.js';

/**
 * API revisions (Bitrix\Im\Revision). `rest` is the revision of the documentation this server follows
 * (chat-bots-v2/change-log.md, REST Revision 36); the client protocol numbers are the platform's.
 */
export const REVISION = { rest: 36, web: 130, mobile: 23, desktop: 6 } as const;

export const revisionGet = defineV2({
  name: 'imbot.v2.Revision.get',
  docs: 'api-reference/chat-bots/chat-bots-v2/imbot.v2/revision-get.md',
  // No botId/botToken: any caller with the imbot scope.
  params: z.object({}).passthrough(),
  handler: () => ({ ...REVISION }),
});

export const imRevisionGet = defineIm({
  name: 'im.revision.get',
  docs: 'api-reference/chats/im-revision-get.md',
  params: z.object({}).passthrough(),
  // im_revision_mobile: a compatibility copy of `mobile` (Im\Controller\Revision).
  handler: () => ({ ...REVISION, im_revision_mobile: REVISION.mobile }),
});

export const revisionMethods = [revisionGet, imRevisionGet];
