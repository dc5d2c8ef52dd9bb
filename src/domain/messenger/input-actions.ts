import type { Platform } from '../platform.js';
import type { DomainEvent } from './events.js';

/** Agent statuses of imbot.v2.Chat.InputAction.notify (#status-codes) and the text the messenger shows. */
export const INPUT_ACTION_STATUSES: Record<string, string> = {
  IMBOT_AGENT_ACTION_THINKING: 'Agent is thinking...',
  IMBOT_AGENT_ACTION_SEARCHING: 'Agent is searching for information...',
  IMBOT_AGENT_ACTION_GENERATING: 'Agent is preparing a response...',
  IMBOT_AGENT_ACTION_ANALYZING: 'Agent is analyzing the request...',
  IMBOT_AGENT_ACTION_PROCESSING: 'Agent is processing data...',
  IMBOT_AGENT_ACTION_TRANSLATING: 'Agent is translating text...',
  IMBOT_AGENT_ACTION_CONNECTING: 'Agent is connecting to the service...',
  IMBOT_AGENT_ACTION_CHECKING: 'Agent is checking data...',
  IMBOT_AGENT_ACTION_CALCULATING: 'Agent is calculating...',
  IMBOT_AGENT_ACTION_READING_DOCS: 'Agent is reviewing documents...',
  IMBOT_AGENT_ACTION_COMPOSING: 'Agent is composing a response...',
};

/** Input action types of the platform (Chat\InputAction\Type); bots only ever send `writing`. */
export const INPUT_ACTION_TYPES = ['writing', 'recordingVoice', 'sendingPhoto', 'sendingFile', 'recordingVideo'] as const;
export type InputActionType = (typeof INPUT_ACTION_TYPES)[number];

/** Duration limits of the indicator (InputActionNotify MIN_DURATION / MAX_DURATION), seconds. */
export const INPUT_ACTION_MIN_SECONDS = 1;
export const INPUT_ACTION_MAX_SECONDS = 600;
/**
 * How long an indicator lasts when the caller names no duration ("determined by the server"): the
 * platform leaves it to the client; this server says 30 s, the life of a classic "typing" signal.
 */
export const INPUT_ACTION_DEFAULT_SECONDS = 30;

export interface InputActionInput {
  chatId: number;
  userId: number;
  type?: InputActionType;
  /** An agent status code; unknown codes fall back to the plain indicator, as on the platform. */
  statusMessageCode?: string | null;
  /** Seconds; clamped to 1–600. */
  duration?: number | null;
}

/**
 * Shows that `userId` is doing something in a chat (typing, or an agent status). Ephemeral: nothing is
 * stored and no bot event is raised; the signal goes straight to the live bus (the messenger's pushes).
 */
export function notifyInputAction(platform: Platform, input: InputActionInput): DomainEvent {
  const code = input.statusMessageCode && Object.hasOwn(INPUT_ACTION_STATUSES, input.statusMessageCode) ? input.statusMessageCode : null;
  const raw = input.duration ?? INPUT_ACTION_DEFAULT_SECONDS;
  const duration = Math.min(INPUT_ACTION_MAX_SECONDS, Math.max(INPUT_ACTION_MIN_SECONDS, Math.trunc(raw)));
  const event: DomainEvent = { kind: 'chat.inputAction', chatId: input.chatId, userId: input.userId, action: input.type ?? 'writing', duration, statusMessageCode: code };
  platform.live.publish([event]);
  return event;
}
