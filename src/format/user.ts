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
