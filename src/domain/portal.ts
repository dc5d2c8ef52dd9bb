import type { Store } from '../store/store.js';
import { isoDate } from '../util/time.js';
import { randomHex, type SecretBox } from './secrets.js';
import { createUser } from './users.js';
import { createWebhook, webhookSecret } from './webhooks.js';

export interface PortalBootstrap {
  memberId: string;
  adminWebhookSecret: string;
  created: boolean;
}

export const ADMIN_USER_ID = 1;

/**
 * First start on an empty database: the portal, its administrator (user 1) and an incoming webhook
 * for user 1 with every scope. Later starts find them and return the same webhook.
 * `webhookToken` pins the admin webhook's secret (scripts and CI know the URL in advance).
 */
export async function bootstrapPortal(store: Store, box: SecretBox, webhookToken?: string): Promise<PortalBootstrap> {
  return store.transaction(async (tx) => {
    let created = false;
    let portal = await tx.portal();
    if (!portal) {
      await tx.createPortal(randomHex(16), isoDate());
      portal = (await tx.portal())!;
      created = true;
    }
    if (!(await tx.users.byId(ADMIN_USER_ID))) {
      await createUser(tx, { name: 'Admin', lastName: '', login: 'admin', isAdmin: true });
    }
    const hooks = await tx.webhooks.forUser(ADMIN_USER_ID);
    let secret: string | undefined;
    if (webhookToken) {
      const existing = hooks.find((h) => webhookSecret(box, h) === webhookToken);
      secret = existing ? webhookToken : (await createWebhook(tx, box, { userId: ADMIN_USER_ID, scopes: 'all', secret: webhookToken, title: 'admin' })).secret;
    } else {
      const admin = hooks.find((h) => h.title === 'admin' && h.active);
      secret = admin
        ? webhookSecret(box, admin)
        : (await createWebhook(tx, box, { userId: ADMIN_USER_ID, scopes: 'all', title: 'admin' })).secret;
    }
    return { memberId: portal.member_id, adminWebhookSecret: secret, created };
  });
}
