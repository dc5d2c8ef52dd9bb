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

export interface Database {
  portal: PortalTable;
  users: UserTable;
  webhooks: WebhookTable;
  apps: AppTable;
  oauth_tokens: OAuthTokenTable;
  oauth_codes: OAuthCodeTable;
  event_bindings: EventBindingTable;
}
