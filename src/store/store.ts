import type { Db } from './db.js';
import { AppRepo, TokenRepo } from './repos/apps.js';
import { EventBindingRepo } from './repos/event-bindings.js';
import { UserRepo } from './repos/users.js';
import { BotRepo } from './repos/bots.js';
import { ChatAppRepo } from './repos/chat-apps.js';
import { ChatRepo } from './repos/chats.js';
import { CommandRepo } from './repos/commands.js';
import { DeliveryOptionsRepo } from './repos/delivery-options.js';
import { EventRepo } from './repos/events.js';
import { FeedSubscriptionRepo } from './repos/feed-subscriptions.js';
import { MessageRepo } from './repos/messages.js';
import { ReactionRepo } from './repos/reactions.js';
import { ReadRepo } from './repos/reads.js';
import { FileRepo } from './repos/files.js';
import { WebhookRepo } from './repos/webhooks.js';
import { WebSessionRepo } from './repos/web-sessions.js';

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
  readonly bots: BotRepo;
  readonly chats: ChatRepo;
  readonly messages: MessageRepo;
  readonly reactions: ReactionRepo;
  readonly reads: ReadRepo;
  readonly files: FileRepo;
  readonly commands: CommandRepo;
  readonly events: EventRepo;
  readonly feedSubscriptions: FeedSubscriptionRepo;
  readonly deliveryOptions: DeliveryOptionsRepo;
  readonly chatApps: ChatAppRepo;
  readonly webSessions: WebSessionRepo;

  /** `inTransaction`: bound to one transaction (repos may remember what it wrote). */
  constructor(
    readonly db: Db,
    inTransaction = false,
  ) {
    this.bots = new BotRepo(db);
    this.chats = new ChatRepo(db);
    this.messages = new MessageRepo(db, inTransaction);
    this.reactions = new ReactionRepo(db);
    this.reads = new ReadRepo(db);
    this.files = new FileRepo(db);
    this.commands = new CommandRepo(db);
    this.events = new EventRepo(db);
    this.feedSubscriptions = new FeedSubscriptionRepo(db);
    this.deliveryOptions = new DeliveryOptionsRepo(db);
    this.chatApps = new ChatAppRepo(db);
    this.webSessions = new WebSessionRepo(db);
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

  /** Runs `fn` against a Store bound to one transaction (its queries fail once that transaction has ended). */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    const run = transactionRunners.get(this.db);
    if (run) return run(fn);
    return this.db.transaction().execute((trx) => fn(new Store(trx, true)));
  }
}

/** Runs `fn` in a transaction of a root Kysely instance's own (the SQLite store, see sqlite-driver.ts). */
export type TransactionRunner = <T>(fn: (tx: Store) => Promise<T>) => Promise<T>;
const transactionRunners = new WeakMap<Db, TransactionRunner>();

export function setTransactionRunner(db: Db, run: TransactionRunner): void {
  transactionRunners.set(db, run);
}
