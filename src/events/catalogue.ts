import { BASIC_SCOPE } from '../domain/scopes.js';

/**
 * Events an application may bind with event.bind, with the scope that exposes each
 * (an event outside the caller's scopes is ERROR_EVENT_NOT_FOUND, as on the platform).
 */
const EVENTS: Record<string, string> = {
  ONAPPINSTALL: BASIC_SCOPE,
  ONAPPUNINSTALL: BASIC_SCOPE,
  ONAPPUPDATE: BASIC_SCOPE,
  ONAPPMETHODCONFIRM: BASIC_SCOPE,
  ONAPPTEST: BASIC_SCOPE,
  ONUSERADD: 'user',
  ONIMBOTMESSAGEADD: 'imbot',
  ONIMBOTMESSAGEUPDATE: 'imbot',
  ONIMBOTMESSAGEDELETE: 'imbot',
  ONIMBOTJOINCHAT: 'imbot',
  ONIMBOTDELETE: 'imbot',
  ONIMCOMMANDADD: 'imbot',
  ONIMBOTCONTEXTGET: 'imbot',
  ONIMBOTV2MESSAGEADD: 'imbot',
  ONIMBOTV2MESSAGEUPDATE: 'imbot',
  ONIMBOTV2MESSAGEDELETE: 'imbot',
  ONIMBOTV2JOINCHAT: 'imbot',
  ONIMBOTV2DELETE: 'imbot',
  ONIMBOTV2CONTEXTGET: 'imbot',
  ONIMBOTV2COMMANDADD: 'imbot',
  ONIMBOTV2REACTIONCHANGE: 'imbot',
};

export function eventScope(name: string): string | undefined {
  return EVENTS[name.toUpperCase()];
}

export const knownEvents = () => Object.keys(EVENTS);
