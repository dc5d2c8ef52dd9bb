import type { Db } from './db.js';
import { AppRepo, TokenRepo } from './repos/apps.js';
import { EventBindingRepo } from './repos/event-bindings.js';
import { UserRepo } from './repos/users.js';
import { WebhookRepo } from './repos/webhooks.js';

/**
 * The one storage interface the domain sees. Every query is written once with Kysely, so a
 * PostgreSQL-backed Store is the same classes over a different dialect.
 */
export class Store {
  readonly users: UserRepo;
  readonly webhooks: WebhookRepo;
  readonly apps: AppRepo;
  readonly tokens: TokenRepo;
  readonly eventBindings: EventBindingRepo;

  constructor(readonly db: Db) {
    this.users = new UserRepo(db);
    this.webhooks = new WebhookRepo(db);
    this.apps = new AppRepo(db);
    this.tokens = new TokenRepo(db);
    this.eventBindings = new EventBindingRepo(db);
  }

  async portal() {
    return this.db.selectFrom('portal').selectAll().where('id', '=', 1).executeTakeFirst();
  }

  async createPortal(memberId: string, createdAt: string) {
    await this.db.insertInto('portal').values({ id: 1, member_id: memberId, created_at: createdAt }).execute();
  }

  /** Runs `fn` against a Store bound to one transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new Store(trx)));
  }
}
