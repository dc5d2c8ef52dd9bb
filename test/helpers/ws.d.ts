// `ws` comes with @fastify/websocket and has no bundled types; this is the part the tests use.
declare module 'ws' {
  export default class WebSocket {
    constructor(url: string, options?: { headers?: Record<string, string> });
    on(event: 'message', fn: (data: unknown) => void): this;
    on(event: 'error', fn: (err: Error) => void): this;
    on(event: 'close', fn: (code: number, reason: unknown) => void): this;
    close(): void;
  }
}
