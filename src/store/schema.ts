import type { Generated } from 'kysely';

// Flags are stored as 0/1 integers so the same queries run on SQLite and PostgreSQL.
// Times: `*_at` text columns hold ISO-8601, `*_expires` integer columns hold Unix seconds.

export interface PortalTable {
  id: number;
  member_id: string;
  created_at: string;
}

export interface UserTable {
  id: Generated<number>;
  login: string;
  name: Generated<string>;
  last_name: Generated<string>;
  second_name: Generated<string>;
  email: Generated<string>;
  active: Generated<number>;
  is_admin: Generated<number>;
  external_auth_id: Generated<string>;
  password_hash: string | null;
  personal_gender: Generated<string>;
  work_position: Generated<string>;
  time_zone: Generated<string>;
  language_id: Generated<string>;
  color: Generated<string>;
  avatar: Generated<string>;
  personal_birthday: Generated<string>;
  personal_www: Generated<string>;
  created_at: string;
  last_login_at: string | null;
  last_activity_at: string | null;
}

export interface WebhookTable {
  id: Generated<number>;
  user_id: number;
  secret_hash: string;
  secret_sealed: string;
  scopes: string;
  title: Generated<string>;
  active: Generated<number>;
  created_at: string;
  last_used_at: string | null;
}

export interface AppTable {
  id: Generated<number>;
  client_id: string;
  client_secret_hash: string;
  code: string;
  name: string;
  handler_url: Generated<string>;
  scopes: string;
  version: Generated<number>;
  status: Generated<string>;
  installed: Generated<number>;
  active: Generated<number>;
  application_token_sealed: string;
  language_id: Generated<string>;
  created_at: string;
}

export interface OAuthTokenTable {
  id: Generated<number>;
  app_id: number;
  user_id: number;
  access_hash: string;
  refresh_hash: string;
  scopes: string;
  access_expires: number;
  refresh_expires: number;
  created_at: string;
}

export interface OAuthCodeTable {
  code_hash: string;
  app_id: number;
  user_id: number;
  expires: number;
}

export interface EventBindingTable {
  id: Generated<number>;
  app_id: number;
  event: string;
  handler: string;
  user_id: Generated<number>;
  offline: Generated<number>;
  connector_id: Generated<string>;
  options: Generated<string>;
  created_at: string;
}

export interface BotTable {
  id: number;
  code: string;
  /** bot | supervisor | personal | openline | network */
  type: string;
  /** Which API registered it, and so which event format it receives: v1 | v2. */
  api: string;
  /** SHA-256 of the owner key: the application's client_id, or 'custom' + botToken / CLIENT_ID. */
  owner_hash: string;
  owner_sealed: string;
  app_id: number | null;
  event_mode: string;
  webhook_url: Generated<string>;
  /** v1 handler URLs by event (JSON). */
  handlers: Generated<string>;
  is_hidden: Generated<number>;
  is_reactions_enabled: Generated<number>;
  is_support_openline: Generated<number>;
  background_id: string | null;
  language: Generated<string>;
  module_id: Generated<string>;
  created_at: string;
}

/** A bot's counters (011): bumped by its messages and commands, apart from `bots` so reads of bots can be kept. */
export interface BotCounterTable {
  bot_id: number;
  count_message: Generated<number>;
  count_command: Generated<number>;
  count_chat: Generated<number>;
  count_user: Generated<number>;
}

export interface ChatTable {
  id: Generated<number>;
  /** P private, C chat, O open */
  type: string;
  title: Generated<string>;
  description: Generated<string>;
  color: Generated<string>;
  avatar: Generated<string>;
  owner_id: Generated<number>;
  entity_type: Generated<string>;
  entity_id: Generated<string>;
  entity_data_1: Generated<string>;
  entity_data_2: Generated<string>;
  entity_data_3: Generated<string>;
  text_field_enabled: Generated<number>;
  background_id: string | null;
  /** 'min:max' user ids for private chats, so each pair has one chat. */
  private_key: string | null;
  author_id: Generated<number>;
  created_at: string;
}

/**
 * What every message changes about its chat (012): apart from `chats`, so that the chat row, read by
 * every send, stays in the read cache (store/read-cache.ts).
 */
export interface ChatStatsTable {
  chat_id: number;
  last_message_id: number | null;
  message_count: Generated<number>;
}

export interface ChatMemberTable {
  chat_id: number;
  user_id: number;
  role: Generated<string>;
  /** First message id the member may see (0: the whole history). */
  start_id: Generated<number>;
  joined_at: string;
}

/**
 * A member's read position (b_im_relation.LAST_ID) and view mark (012, from chat_members): the sender's
 * position moves with every message, and on `chat_members` that write kept the member rows every send
 * reads out of the read cache. No row: nothing read yet (both 0).
 */
export interface MemberReadTable {
  chat_id: number;
  user_id: number;
  last_read_id: Generated<number>;
  /** Highest message id the member has been shown (views survive im.dialog.unread) (006). */
  viewed_id: Generated<number>;
}

/** A reaction of one user on one message (006). */
export interface MessageReactionTable {
  id: Generated<number>;
  message_id: number;
  chat_id: number;
  user_id: number;
  /** camelCase code: like, faceWithTearsOfJoy… */
  reaction: string;
  created_at: string;
}

export interface MessageTable {
  id: Generated<number>;
  chat_id: number;
  author_id: number;
  text: string;
  params: Generated<string>;
  is_system: Generated<number>;
  uuid: Generated<string>;
  template_id: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface CommandTable {
  id: Generated<number>;
  bot_id: number;
  command: string;
  common: Generated<number>;
  hidden: Generated<number>;
  extranet_support: Generated<number>;
  sonet_support: Generated<number>;
  event_url: Generated<string>;
  created_at: string;
}

export interface CommandLangTable {
  command_id: number;
  language_id: string;
  title: Generated<string>;
  params: Generated<string>;
}

/** A command's 10-minute right for its bot to answer in a chat (Command.answer). */
export interface BotTokenTable {
  bot_id: number;
  chat_id: number;
  expires_ts: number;
}

export interface EventQueueTable {
  id: Generated<number>;
  bot_id: number;
  type: string;
  data: string;
  created_at: string;
  created_ts: number;
}

export interface DeliveryTable {
  id: Generated<number>;
  bot_id: number;
  event: string;
  url: string;
  payload: string;
  status: Generated<string>;
  attempts: Generated<number>;
  response_status: number | null;
  response_excerpt: Generated<string>;
  latency_ms: number | null;
  error: Generated<string>;
  created_at: string;
  delivered_at: string | null;
  /** Epoch ms when a pending delivery is due; null = now (009). */
  next_attempt_at: Generated<number | null>;
}

/** A person subscribed to the im.v2 event feed (009). */
export interface FeedSubscriptionTable {
  user_id: number;
  created_at: string;
}

/** Webhook retries and signature for one bot or one application (009). */
export interface DeliveryOptionsTable {
  id: Generated<number>;
  bot_id: number | null;
  app_id: number | null;
  retries: number;
  backoff: string;
  hmac_secret: string;
  updated_at: string;
}

/** A chat application of imbot.app.register (b_im_app). */
export interface ChatAppTable {
  id: Generated<number>;
  bot_id: number;
  /** SHA-256 of the registering owner key (the platform's APP_ID). */
  owner_hash: string;
  code: string;
  hash: Generated<string>;
  icon: Generated<string>;
  context: Generated<string>;
  hidden: Generated<number>;
  registered: Generated<number>;
  js: Generated<string>;
  iframe: Generated<string>;
  iframe_width: Generated<number>;
  iframe_height: Generated<number>;
  iframe_popup: Generated<number>;
  extranet_support: Generated<number>;
  livechat_support: Generated<number>;
  created_at: string;
}

export interface ChatAppLangTable {
  app_id: number;
  language_id: string;
  title: Generated<string>;
  description: Generated<string>;
  copyright: Generated<string>;
}

/** A signed-in browser of the web messenger (010). */
export interface WebSessionTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  csrf: string;
  expires: number;
  created_at: string;
}

/** A one-time sign-in link (010). */
export interface LoginLinkTable {
  token_hash: string;
  user_id: number;
  expires: number;
  created_at: string;
}

/** A file uploaded into a chat (008). */
export interface FileTable {
  id: Generated<number>;
  chat_id: number;
  author_id: number;
  message_id: Generated<number>;
  name: string;
  extension: Generated<string>;
  type: Generated<string>;
  mime: Generated<string>;
  size: number;
  image_width: number | null;
  image_height: number | null;
  sha256: string;
  storage_key: string | null;
  content: Buffer | null;
  created_at: string;
}

export interface Database {
  portal: PortalTable;
  users: UserTable;
  webhooks: WebhookTable;
  apps: AppTable;
  oauth_tokens: OAuthTokenTable;
  oauth_codes: OAuthCodeTable;
  event_bindings: EventBindingTable;
  bots: BotTable;
  bot_counters: BotCounterTable;
  chats: ChatTable;
  chat_stats: ChatStatsTable;
  chat_members: ChatMemberTable;
  member_reads: MemberReadTable;
  messages: MessageTable;
  message_reactions: MessageReactionTable;
  files: FileTable;
  commands: CommandTable;
  command_langs: CommandLangTable;
  bot_tokens: BotTokenTable;
  event_queue: EventQueueTable;
  deliveries: DeliveryTable;
  feed_subscriptions: FeedSubscriptionTable;
  delivery_options: DeliveryOptionsTable;
  chat_apps: ChatAppTable;
  chat_app_langs: ChatAppLangTable;
  web_sessions: WebSessionTable;
  login_links: LoginLinkTable;
}
