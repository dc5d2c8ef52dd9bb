import { eventMethods } from './event.js';
import { imChatMethods } from './im.chat.js';
import { imDialogMethods } from './im.dialog.js';
import { imMessageMethods } from './im.message.js';
import { imUserMethods } from './im.user.js';
import { imbotAppMethods } from './imbot.app.js';
import { imbotBotMethods } from './imbot.bot.js';
import { imbotChatMethods } from './imbot.chat.js';
import { imbotCommandMethods } from './imbot.command.js';
import { imbotMessageMethods } from './imbot.message.js';
import { botMethods } from './imbot.v2.Bot.js';
import { chatMessageMethods } from './imbot.v2.Chat.Message.js';
import { commandMethods } from './imbot.v2.Command.js';
import { botEventMethods } from './imbot.v2.Event.js';
import type { MethodDef } from './registry.js';
import { systemMethods } from './system.js';
import { userMethods } from './user.js';

/** Every method family; the protocol layer adds `batch` and builds the registry from these. */
export const methodFamilies: MethodDef<any>[] = [...systemMethods, ...userMethods, ...eventMethods, ...botMethods, ...chatMessageMethods, ...commandMethods, ...botEventMethods, ...imMessageMethods, ...imChatMethods, ...imDialogMethods, ...imUserMethods, ...imbotBotMethods, ...imbotMessageMethods, ...imbotChatMethods, ...imbotCommandMethods, ...imbotAppMethods];
