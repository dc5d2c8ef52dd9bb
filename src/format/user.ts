import { colorHex } from '../domain/messenger/colors.js';
import type { BotRow } from '../store/repos/bots.js';
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

/** `birthday` of the im formats: `DD-MM`, or '' (Y-m-d and d.m.Y stored dates are converted). */
function imBirthday(raw: string): string {
  const iso = raw.match(/^\d{4}-(\d{2})-(\d{2})/);
  if (iso) return `${iso[2]}-${iso[1]}`;
  const dmy = raw.match(/^(\d{2})[.-](\d{2})/);
  return dmy ? `${dmy[1]}-${dmy[2]}` : '';
}

/**
 * The classic im user object (im.user.get, `users` of im.dialog.messages.get; Im\User::getArray with
 * JSON): snake_case keys, `bot_data` for bots. `bot_data.app_id` is left out: for token-owned bots it
 * would reveal the token (the same reason Revision 35 dropped `appId` from the Bot object).
 */
export function imUserView(u: UserRow, o: { bot?: BotRow } = {}): Record<string, unknown> {
  const isBot = u.external_auth_id === 'bot';
  const b = o.bot;
  return {
    id: u.id,
    active: !!u.active,
    name: [u.name, u.last_name].filter(Boolean).join(' '),
    first_name: u.name,
    last_name: u.last_name,
    work_position: u.work_position,
    color: colorHex(u.color, u.id),
    avatar: u.avatar,
    avatar_hr: u.avatar,
    gender: u.personal_gender === 'M' || u.personal_gender === 'F' ? u.personal_gender : '',
    birthday: imBirthday(u.personal_birthday),
    extranet: false,
    network: false,
    bot: isBot,
    connector: false,
    external_auth_id: isBot ? 'bot' : 'default',
    status: 'online',
    idle: false,
    last_activity_date: u.last_activity_at ?? false,
    mobile_last_date: false,
    desktop_last_date: false,
    absent: false,
    departments: isBot ? [] : [1],
    phones: false,
    bot_data: b
      ? {
          id: b.id,
          code: b.code,
          type: b.type,
          is_hidden: !!b.is_hidden,
          is_support_openline: !!b.is_support_openline,
          openline: !!b.is_support_openline,
          background_id: b.background_id,
          reactions_enabled: !!b.is_reactions_enabled,
        }
      : null,
    type: isBot ? 'bot' : 'user',
    website: u.personal_www,
    email: u.email,
  };
}
