import { ApiError } from './errors.js';
import { hashPassword, randomHex } from './secrets.js';
import type { Store } from '../store/store.js';
import type { UserRow } from '../store/repos/users.js';
import { isoDate } from '../util/time.js';

export interface NewUser {
  name: string;
  lastName?: string;
  email?: string;
  login?: string;
  password?: string;
  isAdmin?: boolean;
  workPosition?: string;
  gender?: string;
}

export async function createUser(store: Store, input: NewUser): Promise<UserRow> {
  const login = input.login || input.email || `user_${randomHex(6)}`;
  if (await store.users.byLogin(login)) throw new ApiError('USER_LOGIN_TAKEN', `Login '${login}' is already taken`);
  return store.users.insert({
    login,
    name: input.name,
    last_name: input.lastName ?? '',
    email: input.email ?? '',
    is_admin: input.isAdmin ? 1 : 0,
    password_hash: input.password ? hashPassword(input.password) : null,
    work_position: input.workPosition ?? '',
    personal_gender: input.gender ?? '',
    created_at: isoDate(),
  });
}

export async function requireUser(store: Store, id: number): Promise<UserRow> {
  const user = await store.users.byId(id);
  if (!user) throw new ApiError('USER_NOT_FOUND', `User ${id} not found`);
  return user;
}

export const fullName = (u: Pick<UserRow, 'name' | 'last_name'>) => [u.name, u.last_name].filter(Boolean).join(' ');
