import { requireUser } from '../domain/users.js';
import { classicUserView } from '../format/user.js';
import { noParams } from './params.js';
import { defineMethod } from './registry.js';

export const userCurrentMethod = defineMethod({
  name: 'user.current',
  scope: 'user',
  docs: 'api-reference/user/user-current.md',
  params: noParams,
  async handler(ctx) {
    return classicUserView(await requireUser(ctx.platform.store, ctx.auth.userId), ctx.auth.scopes);
  },
});

export const userMethods = [userCurrentMethod];
