/** Who is calling: resolved once per request by the protocol layer, read by methods and the domain. */
export interface AuthContext {
  /** `session`: the web messenger's signed-in browser (cookie + CSRF header), see src/domain/sessions.ts. */
  type: 'webhook' | 'oauth' | 'session';
  userId: number;
  isAdmin: boolean;
  scopes: string[];
  /** Webhook row id, for webhook calls. */
  webhookId?: number;
  /** Web session row id, for session calls. */
  sessionId?: number;
  /** Installed application, for OAuth calls. */
  app?: { id: number; clientId: string; code: string };
  /** The raw access token / webhook secret, passed on to batch sub-calls and events. */
  credential: string;
  /** Key of the rate-limit and operating-time buckets: one per webhook, one per application. */
  limiterKey: string;
}
