import type { DomainEvent } from '../domain/messenger/events.js';
import type { Platform } from '../domain/platform.js';
import { INPUT_ACTION_STATUSES } from '../domain/messenger/input-actions.js';
import { imMessageView } from '../format/message.js';

/** The part of a `ws` socket the hub uses. */
export interface LiveSocket {
  readyState: number;
  send(data: string): void;
}

const OPEN = 1;
const MEMBERS_TTL_MS = 30_000;

/**
 * Pushes committed messenger events to the signed-in browsers: each socket hears only the events of
 * chats its user is a member of. Chat membership is cached per chat and kept current from the join/leave
 * events themselves, so a busy chat costs one lookup, not one per event.
 */
export class LiveHub {
  private readonly sockets = new Map<number, Set<LiveSocket>>();
  private readonly members = new Map<number, { set: Set<number>; at: number }>();
  private queue: Promise<void> = Promise.resolve();
  private readonly off: () => void;

  constructor(private readonly p: Platform) {
    this.off = p.live.on((events) => {
      if (!this.sockets.size) return;
      // In order, off the API path: the listener only chains work.
      this.queue = this.queue.then(() => this.deliver(events)).catch(() => undefined);
    });
  }

  add(userId: number, socket: LiveSocket): () => void {
    let set = this.sockets.get(userId);
    if (!set) this.sockets.set(userId, (set = new Set()));
    set.add(socket);
    return () => {
      set.delete(socket);
      if (!set.size) this.sockets.delete(userId);
    };
  }

  close() {
    this.off();
  }

  private async membersOf(chatId: number): Promise<Set<number>> {
    const cached = this.members.get(chatId);
    // Re-read now and then: a membership change that raised no event must not hide a chat for long.
    if (cached && Date.now() - cached.at < MEMBERS_TTL_MS) return cached.set;
    const set = new Set((await this.p.store.chats.members(chatId)).map((m) => m.user_id));
    if (this.members.size > 10_000) this.members.clear();
    this.members.set(chatId, { set, at: Date.now() });
    return set;
  }

  private async deliver(events: readonly DomainEvent[]) {
    for (const e of events) {
      if (!('chatId' in e)) continue;
      const members = await this.membersOf(e.chatId);
      if (e.kind === 'chat.joined') for (const id of e.userIds) members.add(id);
      const audience = new Set(members);
      if (e.kind === 'chat.left') {
        // Those who left hear it once more, so their list drops the chat.
        for (const id of e.userIds) {
          members.delete(id);
          audience.add(id);
        }
      }
      const payload = JSON.stringify(await this.payload(e));
      for (const userId of audience) {
        for (const s of this.sockets.get(userId) ?? []) if (s.readyState === OPEN) s.send(payload);
      }
    }
  }

  /** The event as plain data; the message it is about comes formatted as im.dialog.messages.get shows it. */
  private async payload(e: DomainEvent): Promise<Record<string, unknown>> {
    if (e.kind === 'message.added' || e.kind === 'message.updated' || e.kind === 'reaction.changed') {
      const row = await this.p.store.messages.byId(e.messageId);
      return { ...e, message: row ? imMessageView(row, { lastReadId: null }) : null };
    }
    if (e.kind === 'message.deleted') {
      const row = await this.p.store.messages.byId(e.messageId);
      const { snapshot: _snapshot, ...rest } = e;
      return { ...rest, message: row ? imMessageView(row, { lastReadId: null }) : null };
    }
    if (e.kind === 'chat.inputAction') {
      // An agent status shows as its text (chat-input-action-notify.md#status-codes); else a plain "typing".
      const code = (e as { statusMessageCode?: string | null }).statusMessageCode;
      return { ...e, statusText: code ? (INPUT_ACTION_STATUSES[code] ?? null) : null };
    }
    return { ...e };
  }
}
