import { z } from 'zod';
import type { UserRow } from '../store/repos/users.js';
import { requireUser } from '../domain/users.js';
import { classicUserView } from '../format/user.js';
import { noParams } from './params.js';
import { defineMethod, ListPage } from './registry.js';

export const userCurrentMethod = defineMethod({
  name: 'user.current',
  scope: 'user',
  docs: 'api-reference/user/user-current.md',
  params: noParams,
  async handler(ctx) {
    return classicUserView(await requireUser(ctx.platform.store, ctx.auth.userId), ctx.auth.scopes);
  },
});


type Field = { kind: 'int' | 'string' | 'date' | 'bool' | 'list'; get: (u: UserRow) => unknown };

/** Filterable and sortable user fields (user.get FILTER, user-add.md fields and the extra ones of user-get.md). */
const USER_FIELDS: Record<string, Field> = {
  ID: { kind: 'int', get: (u) => u.id },
  ACTIVE: { kind: 'bool', get: (u) => !!u.active },
  NAME: { kind: 'string', get: (u) => u.name },
  LAST_NAME: { kind: 'string', get: (u) => u.last_name },
  SECOND_NAME: { kind: 'string', get: (u) => u.second_name },
  EMAIL: { kind: 'string', get: (u) => u.email },
  XML_ID: { kind: 'string', get: (u) => String(u.id) },
  WORK_POSITION: { kind: 'string', get: (u) => u.work_position },
  PERSONAL_GENDER: { kind: 'string', get: (u) => u.personal_gender },
  PERSONAL_WWW: { kind: 'string', get: (u) => u.personal_www },
  PERSONAL_BIRTHDAY: { kind: 'date', get: (u) => u.personal_birthday },
  TIME_ZONE: { kind: 'string', get: (u) => u.time_zone },
  DATE_REGISTER: { kind: 'date', get: (u) => u.created_at },
  LAST_LOGIN: { kind: 'date', get: (u) => u.last_login_at ?? '' },
  LAST_ACTIVITY_DATE: { kind: 'date', get: (u) => u.last_activity_at ?? '' },
  UF_DEPARTMENT: { kind: 'list', get: () => [1] },
  USER_TYPE: { kind: 'string', get: () => 'employee' },
  IS_ONLINE: { kind: 'string', get: () => 'N' },
};

const scalar = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'Y' : 'N') : '');

/** SQL LIKE with `%` and `_` wildcards, case-insensitive as MySQL's default collation. */
function like(value: string, pattern: string): boolean {
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${re}$`, 'is').test(value);
}

function compare(field: Field, actual: unknown, expected: unknown): number {
  if (field.kind === 'int') return Number(actual) - Number(scalar(expected));
  if (field.kind === 'date') {
    const a = Date.parse(String(actual));
    const b = Date.parse(scalar(expected));
    return Number.isNaN(a) || Number.isNaN(b) ? NaN : a - b;
  }
  return String(actual).localeCompare(scalar(expected));
}

function equals(field: Field, actual: unknown, expected: unknown): boolean {
  if (field.kind === 'bool') return actual === ['Y', 'TRUE', '1'].includes(scalar(expected).toUpperCase());
  if (field.kind === 'list') return (actual as unknown[]).some((a) => String(a) === scalar(expected));
  if (field.kind === 'int') return Number(actual) === Number(scalar(expected));
  if (field.kind === 'date') return compare(field, actual, expected) === 0;
  return String(actual).toLowerCase() === scalar(expected).toLowerCase();
}

/** One FILTER condition (`[prefix]FIELD => value`, CRestUtil prefixes) against a user. */
function matches(u: UserRow, op: string, field: Field, value: unknown): boolean {
  const actual = field.get(u);
  const values = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [value];
  const anyEqual = () => values.some((v) => equals(field, actual, v));
  const text = String(Array.isArray(actual) ? actual.join(',') : actual);
  switch (op) {
    case '':
      return values.some((v) => (field.kind === 'string' && scalar(v).includes('%') ? like(text, scalar(v)) : equals(field, actual, v)));
    case '=':
    case '@':
      return anyEqual();
    case '!':
    case '!=':
    case '!@':
      return !anyEqual();
    case '%':
      return values.some((v) => text.toLowerCase().includes(scalar(v).toLowerCase()));
    case '!%':
      return !values.some((v) => text.toLowerCase().includes(scalar(v).toLowerCase()));
    case '=%':
    case '%=':
      return values.some((v) => like(text, scalar(v)));
    case '>':
      return compare(field, actual, values[0]) > 0;
    case '>=':
      return compare(field, actual, values[0]) >= 0;
    case '<':
      return compare(field, actual, values[0]) < 0;
    case '<=':
      return compare(field, actual, values[0]) <= 0;
    default:
      return true;
  }
}

/** NAME_SEARCH: every word found in the name, last name, second name, e-mail or position. */
function nameSearch(u: UserRow, query: unknown): boolean {
  const hay = [u.name, u.last_name, u.second_name, u.email, u.work_position, u.login].join(' ').toLowerCase();
  return scalar(query)
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => hay.includes(word));
}

export const userGetMethod = defineMethod({
  name: 'user.get',
  scope: 'user',
  docs: 'api-reference/user/user-get.md',
  upperCaseParams: true,
  params: z.object({}).passthrough(),
  async handler(ctx, p: Record<string, unknown>) {
    // FILTER, when it is a map, replaces the other parameters as the filter (kept for compatibility).
    let query: Record<string, unknown> = p;
    if (p.FILTER && typeof p.FILTER === 'object' && !Array.isArray(p.FILTER)) {
      query = {};
      for (const [k, v] of Object.entries(p.FILTER as Record<string, unknown>)) query[k.toUpperCase()] = v;
    }
    const conditions: { op: string; code: string; value: unknown }[] = [];
    for (const [key, value] of Object.entries(query)) {
      const m = key.match(/^(\W{1,2})(.+)/);
      let op = m ? m[1] : '';
      const code = m ? m[2] : key;
      if (code === 'NAME_SEARCH') op = '';
      else if (!USER_FIELDS[code]) continue;
      else if (op === '' && (code === 'USER_TYPE' || code === 'ACTIVE')) op = '=';
      conditions.push({ op, code, value });
    }
    // Bots, e-mail and open-line users are never listed (REAL_USER).
    let users = (await ctx.platform.store.users.list()).filter((u) => u.external_auth_id !== 'bot');
    users = users.filter((u) => conditions.every((c) => (c.code === 'NAME_SEARCH' ? nameSearch(u, c.value) : matches(u, c.op, USER_FIELDS[c.code], c.value))));
    const sortField = USER_FIELDS[scalar(p.SORT).toUpperCase()];
    if (sortField && scalar(p.ORDER)) {
      const dir = scalar(p.ORDER).toUpperCase() === 'DESC' ? -1 : 1;
      users.sort((a, b) => {
        const c = compare(sortField, sortField.get(a), sortField.get(b) as string);
        return (Number.isNaN(c) ? 0 : c) * dir || a.id - b.id;
      });
    }
    return ListPage.of(users.map((u) => classicUserView(u, ctx.auth.scopes)), ctx.start);
  },
});

export const userMethods = [userCurrentMethod, userGetMethod];
