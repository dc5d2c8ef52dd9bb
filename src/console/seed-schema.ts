import { z } from 'zod';

/**
 * The seed document of `POST /_imbot/seed` and `imbot-server start --seed FILE` (JSON or YAML). Things
 * refer to each other by `key` (a user's key defaults to its login; a bot's to its code) or by numeric id.
 */
const ref = z.union([z.string().min(1), z.number().int().positive()]);
const scopes = z.union([z.literal('all'), z.array(z.string()), z.string()]).optional();

export const seedUser = z.object({
  key: z.string().optional(),
  name: z.string().min(1),
  lastName: z.string().optional(),
  login: z.string().optional(),
  email: z.string().optional(),
  password: z.string().optional(),
  admin: z.boolean().optional(),
  workPosition: z.string().optional(),
});

export const seedWebhook = z.object({
  key: z.string().optional(),
  user: ref.default(1),
  scopes,
  /** The secret; random when absent. */
  token: z.string().optional(),
  title: z.string().optional(),
});

export const seedApp = z.object({
  key: z.string().optional(),
  name: z.string().min(1),
  handler: z.string().optional(),
  scopes,
  code: z.string().optional(),
  /** Install it (posts ONAPPINSTALL to the handler) as `user`. */
  install: z.boolean().optional(),
  user: ref.default(1),
});

export const seedCommand = z.object({
  command: z.string().min(1),
  /** By language, as imbot.v2.Command.register takes it (`{en: 'Echo'}`); a plain string is English. */
  title: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  params: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  common: z.boolean().optional(),
  hidden: z.boolean().optional(),
});

export const seedBot = z.object({
  key: z.string().optional(),
  code: z.string().min(1),
  name: z.string().min(1),
  lastName: z.string().optional(),
  type: z.enum(['bot', 'supervisor', 'personal', 'openline', 'network']).optional(),
  mode: z.enum(['fetch', 'webhook']).optional(),
  webhookUrl: z.string().optional(),
  /** The bot's botToken (its owner key for webhook callers); random when absent. */
  token: z.string().optional(),
  /** The person who registers it (default the administrator). */
  owner: ref.default(1),
  commands: z.array(seedCommand).optional(),
});

export const seedMessage = z.object({ from: ref, text: z.string().min(1) });

export const seedChat = z.object({
  key: z.string().optional(),
  title: z.string().optional(),
  type: z.enum(['chat', 'open']).optional(),
  owner: ref.default(1),
  members: z.array(ref).default([]),
  messages: z.array(seedMessage).optional(),
});

export const seedDocument = z.object({
  users: z.array(seedUser).default([]),
  webhooks: z.array(seedWebhook).default([]),
  apps: z.array(seedApp).default([]),
  bots: z.array(seedBot).default([]),
  chats: z.array(seedChat).default([]),
});

export type SeedDocument = z.input<typeof seedDocument>;

/** What a seed created, by key: ids, secrets (shown this once) and URLs. */
export interface SeedResult {
  users: Record<string, { id: number; login: string }>;
  webhooks: Record<string, { id: number; userId: number; url: string; secret: string }>;
  apps: Record<string, { id: number; clientId: string; clientSecret: string; installed: boolean; installDelivered?: boolean }>;
  bots: Record<string, { id: number; code: string; botToken: string; mode: 'fetch' | 'webhook' }>;
  chats: Record<string, { id: number; dialogId: string }>;
}
