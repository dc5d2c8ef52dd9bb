/** Who is calling: resolved once per request by the protocol layer, read by methods and the domain. */
export interface AuthContext {
  type: 'webhook' | 'oauth';
  userId: number;
  isAdmin: boolean;
  scopes: string[];
  /** Webhook row id, for webhook calls. */
  webhookId?: number;
  /** Installed application, for OAuth calls. */
  app?: { id: number; clientId: string; code: string };
  /** The raw access token / webhook secret, passed on to batch sub-calls and events. */
  credential: string;
  /** Key of the rate-limit and operating-time buckets: one per webhook, one per application. */
  limiterKey: string;
}
