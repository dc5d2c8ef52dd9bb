import type { StoredMessage } from './render/index';

export type Message = StoredMessage & { reactions?: Record<string, number[]> };

/** One entry of im.recent.list → items. */
export interface RecentItem {
  id: number | string;
  chat_id: number;
  type: 'user' | 'chat';
  title: string;
  avatar: { url: string; color: string };
  message: { id: number; text: string; author_id: number; date: string | null; attach: boolean; file: boolean };
  counter: number;
  date_update: string;
  user?: { id: number; bot?: boolean };
  chat?: { text_field_enabled?: boolean };
}

/** Someone the person can write to (GET /_web/directory). */
export interface Person {
  id: number;
  name: string;
  workPosition: string;
  avatar: string;
  color: string;
  bot: boolean;
  botType: string | null;
}

/** im.dialog.get, the fields the page reads. */
export interface DialogInfo {
  id: number;
  name: string;
  type: string;
  message_type: string;
  owner: number;
  color: string;
  avatar: string;
  text_field_enabled: boolean;
  restrictions: Record<string, boolean>;
  readed_list: { user_id: number; message_id: number }[];
  manager_list: number[];
  dialog_id: string;
  role: string;
}

/** An entry of the `/` list (GET /_web/commands). */
export interface CommandHint {
  id: number;
  botId: number;
  botName: string;
  command: string;
  title: string;
  params: string;
  common: boolean;
}

/** A chat application button (GET /_web/apps). */
export interface ChatApp {
  id: number;
  botId: number;
  code: string;
  title: string;
  description: string;
  icon: string;
  js: string;
  iframeUrl: string;
  width: number;
  height: number;
  popup: boolean;
}
