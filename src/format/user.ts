import { colorHex } from '../domain/messenger/colors.js';
import type { UserRow } from '../store/repos/users.js';

/**
 * The classic REST view of a user (user.current, user.get): upper-case keys, ID as a string,
 * dates as ISO with offset, null fields left out (api/user.php getUserData).
 * `user_brief` callers do not see EMAIL.
 */
export function classicUserView(u: UserRow, scopes: readonly string[]): Record<string, unknown> {
  const brief = !scopes.includes('user') && !scopes.includes('user_basic') && scopes.includes('user_brief');
  const view: Record<string, unknown> = {
    ID: String(u.id),
    XML_ID: u.external_auth_id === 'bot' ? `bot_${u.id}` : String(u.id),
    ACTIVE: !!u.active,
    NAME: u.name,
    LAST_NAME: u.last_name,
    SECOND_NAME: u.second_name,
    EMAIL: u.email,
    LAST_LOGIN: u.last_login_at ?? undefined,
    DATE_REGISTER: u.created_at,
    IS_ONLINE: 'N',
    TIME_ZONE: u.time_zone,
    LAST_ACTIVITY_DATE: u.last_activity_at ?? undefined,
    PERSONAL_GENDER: u.personal_gender,
    PERSONAL_BIRTHDAY: '',
    WORK_POSITION: u.work_position,
    UF_EMPLOYMENT_DATE: '',
    UF_DEPARTMENT: u.external_auth_id === 'bot' ? [] : [1],
    USER_TYPE: 'employee',
  };
  if (brief) delete view.EMAIL;
  for (const k of Object.keys(view)) if (view[k] === undefined) delete view[k];
  return view;
}

/** `profile`: the basic data of the caller (api-reference/common/users/profile.md); empty for inactive users. */
export function profileView(u: UserRow): Record<string, unknown> | unknown[] {
  if (!u.active) return [];
  return {
    ID: String(u.id),
    ADMIN: !!u.is_admin,
    NAME: u.name,
    LAST_NAME: u.last_name,
    PERSONAL_GENDER: u.personal_gender,
    TIME_ZONE: u.time_zone,
  };
}

/**
 * The v2 User object (chat-bots-v2/entities.md#user), used by every imbot.v2/im.v2 response and event.
 * `online` events force the activity dates to false (entities.md), hence `inEvent`.
 */
export function userView(u: UserRow, opts: { inEvent?: boolean } = {}): Record<string, unknown> {
  const isBot = u.external_auth_id === 'bot';
  return {
    id: u.id,
    active: !!u.active,
    name: [u.name, u.last_name].filter(Boolean).join(' '),
    firstName: u.name,
    lastName: u.last_name,
    workPosition: u.work_position,
    color: colorHex(u.color, u.id),
    avatar: u.avatar,
    gender: u.personal_gender,
    birthday: u.personal_birthday,
    extranet: false,
    bot: isBot,
    connector: false,
    externalAuthId: isBot ? 'bot' : 'default',
    status: 'online',
    idle: false,
    lastActivityDate: opts.inEvent ? false : (u.last_activity_at ?? false),
    mobileLastDate: false,
    desktopLastDate: false,
    absent: false,
    departments: [1],
    phones: false,
    type: isBot ? 'bot' : 'employee',
    website: u.personal_www,
    email: u.email,
  };
}
