import { eventMethods } from './event.js';
import { chatMessageMethods } from './imbot.v2.Chat.Message.js';
import type { MethodDef } from './registry.js';
import { systemMethods } from './system.js';
import { userMethods } from './user.js';

/** Every method family; the protocol layer adds `batch` and builds the registry from these. */
export const methodFamilies: MethodDef<any>[] = [...systemMethods, ...userMethods, ...eventMethods, ...chatMessageMethods];
