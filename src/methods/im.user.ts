import { imUserView } from '../format/user.js';
import { defineIm, imError, imParams, intval, isset } from './im-common.js';

export const imUserGet = defineIm({
  name: 'im.user.get',
  docs: 'api-reference/chats/users/im-user-get.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    let id = ctx.auth.userId;
    if (isset(p.ID)) {
      id = intval(p.ID);
      if (id <= 0) throw imError('ID_EMPTY', "User ID can't be empty");
    }
    const store = ctx.platform.store;
    const user = await store.users.byId(id);
    if (!user) throw imError('USER_NOT_EXISTS', 'User does not exist');
    // AVATAR_HR is accepted and ignored: avatar_hr is always returned (im-user-get.md).
    return imUserView(user, { bot: await store.bots.byId(user.id) });
  },
});

export const imUserMethods = [imUserGet];
