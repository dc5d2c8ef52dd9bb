import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call, type Me, RestError, web } from './api';
import { AppFrame, type FrameAction, jsAppAction } from './AppFrame';
import { Avatar } from './Avatar';
import { liveBus } from './bus';
import { ChatSettings } from './ChatSettings';
import { Composer } from './Composer';
import { MessageItem } from './MessageItem';
import { MessageList } from './MessageList';
import type { ClientAction, UserRef } from './render/index';
import type { ChatApp, CommandHint, DialogInfo, Message, Person } from './types';

interface Props {
  dialogId: string;
  me: Me;
  users: Record<number, Person>;
  people: Person[];
  onBack(): void;
  onRead(): void;
  onOpenDialog(id: string): void;
}

const PAGE = 50;

/** Messages merged by id, oldest first (pages, live events and refetches overlap). */
function merge(list: Message[], more: Message[]): Message[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of more) byId.set(m.id, { ...byId.get(m.id), ...m });
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** The clipboard API needs a secure context; a plain-HTTP portal on another host falls back to a selection copy. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    if (!document.execCommand('copy')) throw new Error('Copying is not allowed here');
  } finally {
    area.remove();
  }
}

type Typing = Record<number, { until: number; action: string; statusText: string | null }>;

/** One open dialog: its header, the history, who is typing, the input and the chat applications. */
export function Dialog({ dialogId, me, users, people, onBack, onRead, onOpenDialog }: Props) {
  const [info, setInfo] = useState<DialogInfo | null>(null);
  const [error, setError] = useState('');
  const [messages, setMessages] = useState<Message[]>([]);
  const [hasMore, setHasMore] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [bottomSignal, setBottomSignal] = useState(0);
  const [typing, setTyping] = useState<Typing>({});
  const [commands, setCommands] = useState<CommandHint[]>([]);
  const [apps, setApps] = useState<ChatApp[]>([]);
  const [openApp, setOpenApp] = useState<ChatApp | null>(null);
  const [draft, setDraft] = useState('');
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [settings, setSettings] = useState(false);
  const [notice, setNotice] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const chatId = info?.id;

  const loadInfo = useCallback(() => call<DialogInfo>('im.dialog.get', { DIALOG_ID: dialogId }).then(setInfo), [dialogId]);
  const loadExtras = useCallback(() => {
    web<CommandHint[]>(`commands?dialogId=${encodeURIComponent(dialogId)}`).then(setCommands, () => undefined);
    web<ChatApp[]>(`apps?dialogId=${encodeURIComponent(dialogId)}`).then(setApps, () => undefined);
  }, [dialogId]);

  const loadNewest = useCallback(async () => {
    const r = await call<{ messages: Message[] }>('im.dialog.messages.get', { DIALOG_ID: dialogId, LIMIT: PAGE });
    setMessages((list) => merge(list, r.messages));
    if (r.messages.length < PAGE) setHasMore(false);
  }, [dialogId]);

  useEffect(() => {
    loadInfo()
      .then(loadNewest)
      .then(() => setBottomSignal((n) => n + 1))
      .catch((e: RestError) => setError(e.description ?? String(e)));
    loadExtras();
    input.current?.focus();
  }, [loadInfo, loadNewest, loadExtras]);

  const oldestId = messages[0]?.id;
  const loadOlder = useCallback(async () => {
    if (!oldestId || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const r = await call<{ messages: Message[] }>('im.dialog.messages.get', { DIALOG_ID: dialogId, LAST_ID: oldestId, LIMIT: PAGE });
      setMessages((list) => merge(list, r.messages));
      if (r.messages.length < PAGE) setHasMore(false);
    } finally {
      setLoadingOlder(false);
    }
  }, [dialogId, oldestId, loadingOlder]);

  // Reading: what is on screen counts as read (im.dialog.read), once per newest message.
  const newestId = messages[messages.length - 1]?.id ?? 0;
  const newestRef = useRef(0);
  newestRef.current = newestId;
  const readSent = useRef(0);
  const readUnavailable = useRef(false);
  useEffect(() => {
    if (!newestId || newestId <= readSent.current || readUnavailable.current || document.visibilityState !== 'visible') return;
    readSent.current = newestId;
    call('im.dialog.read', { DIALOG_ID: dialogId, MESSAGE_ID: newestId }).then(onRead, (e: RestError) => {
      if (e.code === 'ERROR_METHOD_NOT_FOUND') readUnavailable.current = true;
    });
  }, [newestId, dialogId, onRead]);

  // Live: only this chat's events.
  useEffect(() => {
    return liveBus.on((e) => {
      if (e.kind === 'resync') {
        void loadNewest();
        void loadInfo();
        return;
      }
      if (chatId === undefined || e.chatId !== chatId) return;
      switch (e.kind) {
        case 'message.added':
          if (e.message) setMessages((list) => merge(list, [e.message]));
          setTyping((t) => {
            if (!t[e.authorId]) return t;
            const { [e.authorId]: _gone, ...rest } = t;
            return rest;
          });
          break;
        case 'message.updated':
        case 'message.deleted':
          // A deleted message that left no row behind is dropped from the history.
          if (e.message) setMessages((list) => (list.some((m) => m.id === e.messageId) ? merge(list, [e.message]) : list));
          else if (e.kind === 'message.deleted') setMessages((list) => list.filter((m) => m.id !== e.messageId));
          break;
        case 'chat.inputAction':
          if (e.userId !== me.id) setTyping((t) => ({ ...t, [e.userId]: { until: Date.now() + Number(e.duration) * 1000, action: String(e.action), statusText: e.statusText ?? null } }));
          break;
        case 'chat.updated':
        case 'chat.joined':
        case 'chat.left':
        case 'chat.read':
          void loadInfo();
          if (e.kind !== 'chat.read') loadExtras();
          break;
        case 'reaction.changed':
          if (e.message) setMessages((list) => (list.some((m) => m.id === e.messageId) ? merge(list, [e.message]) : list));
          break;
      }
    });
  }, [chatId, dialogId, me.id, loadInfo, loadNewest, loadExtras]);

  // Typing expires by itself (the bot's duration), checked twice a second.
  const typingIds = Object.keys(typing);
  useEffect(() => {
    if (!typingIds.length) return;
    const t = setInterval(() => {
      setTyping((cur) => {
        const now = Date.now();
        const kept = Object.fromEntries(Object.entries(cur).filter(([, v]) => v.until > now));
        return Object.keys(kept).length === Object.keys(cur).length ? cur : kept;
      });
    }, 500);
    return () => clearInterval(t);
  }, [typingIds.length]);

  const show = (text: string) => {
    setNotice(text);
    setTimeout(() => setNotice(''), 4000);
  };
  const fail = (e: unknown) => show(e instanceof RestError ? `${e.code}: ${e.description}` : String(e));

  const send = useCallback(
    async (text: string) => {
      const body = text.trim();
      if (!body) return;
      const params: Record<string, unknown> = { DIALOG_ID: dialogId, MESSAGE: body };
      if (replyTo) params.REPLY_ID = replyTo.id;
      await call('im.message.add', params);
      setReplyTo(null);
      setBottomSignal((n) => n + 1);
      // The live feed brings it too; this covers a dropped socket.
      const r = await call<{ messages: Message[] }>('im.dialog.messages.get', { DIALOG_ID: dialogId, FIRST_ID: newestRef.current, LIMIT: PAGE });
      setMessages((list) => merge(list, r.messages));
    },
    [dialogId, replyTo],
  );

  // Others see "… is typing" (im.dialog.writing), at most every 5 s while the person types.
  const lastWriting = useRef(0);
  const onDraft = (v: string) => {
    setDraft(v);
    if (v && !editing && Date.now() - lastWriting.current > 5000) {
      lastWriting.current = Date.now();
      call('im.dialog.writing', { DIALOG_ID: dialogId }).catch(() => undefined);
    }
  };

  const submit = () => {
    const text = draft;
    if (!text.trim()) return;
    if (editing) {
      const m = editing;
      call('im.message.update', { MESSAGE_ID: m.id, MESSAGE: text })
        .then(() => {
          setEditing(null);
          setDraft('');
        })
        .catch(fail);
      return;
    }
    setDraft('');
    send(text).catch((e) => {
      setDraft(text);
      fail(e);
    });
  };

  const onFrameAction = useCallback(
    (a: FrameAction | { action: 'support'; code: string }) => {
      if (a.action === 'send') send(a.text).catch(fail);
      else if (a.action === 'put') {
        setDraft((d) => (d ? `${d} ${a.text}` : a.text));
        input.current?.focus();
      } else if (a.action === 'call') window.open(`tel:${a.number}`, '_self');
      else if (a.action === 'close') setOpenApp(null);
    },
    [send], // eslint-disable-line react-hooks/exhaustive-deps
  );

  const onApp = (app: ChatApp) => {
    if (app.js) {
      const action = jsAppAction(app.js);
      if (action) onFrameAction(action);
      return;
    }
    if (!app.iframeUrl) return;
    if (app.popup) window.open(app.iframeUrl, `app${app.id}`, `popup,width=${app.width},height=${app.height}`);
    else setOpenApp(openApp?.id === app.id ? null : app);
  };

  const handlers = useMemo(
    () => ({
      onCommand(botId: number, command: string, params: string, messageId: number) {
        call('im.message.command', { MESSAGE_ID: messageId, BOT_ID: botId, COMMAND: command, COMMAND_PARAMS: params }).catch(fail);
      },
      onAction(action: ClientAction, value: string) {
        if (action === 'PUT') {
          setDraft(value);
          input.current?.focus();
        } else if (action === 'SEND') send(value).catch(fail);
        else if (action === 'COPY') copyText(value).then(() => show('Copied'), fail);
        else if (action === 'CALL') window.open(`tel:${value}`, '_self');
        else if (action === 'DIALOG') onOpenDialog(value);
      },
      onOpenLink(url: string) {
        window.open(url, '_blank', 'noopener,noreferrer');
      },
    }),
    [send, onOpenDialog], // eslint-disable-line react-hooks/exhaustive-deps
  );

  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const readUpTo = useMemo(() => Math.max(0, ...(info?.readed_list ?? []).filter((r) => r.user_id !== me.id).map((r) => r.message_id)), [info, me.id]);
  const userRefs = users as Record<number, UserRef>;

  const other = /^\d+$/.test(dialogId) ? users[Number(dialogId)] : undefined;
  const title = info?.name || other?.name || dialogId;
  const isGroup = dialogId.startsWith('chat');
  const writers = Object.entries(typing).map(([id, t]) => {
    const name = users[Number(id)]?.name ?? `User ${id}`;
    return t.statusText ? `${name}: ${t.statusText}` : `${name} is typing…`;
  });
  const textEnabled = info ? info.text_field_enabled !== false : true;

  if (error) {
    return (
      <section className="dialog">
        <header className="dialog-head">
          <button type="button" className="back" onClick={onBack} aria-label="Back to dialogs">
            ←
          </button>
        </header>
        <p role="alert" className="error pad">
          {error}
        </p>
      </section>
    );
  }

  return (
    <section className="dialog" aria-label={title} data-testid="dialog" data-chat-id={chatId}>
      <header className="dialog-head">
        <button type="button" className="back" onClick={onBack} aria-label="Back to dialogs">
          ←
        </button>
        <Avatar name={title} url={other ? other.avatar : info?.avatar} color={other ? other.color : info?.color} />
        <div className="dialog-title">
          <h2 data-testid="dialog-title">{title}</h2>
          <div className="muted small">{other?.bot ? 'chat bot' : isGroup ? `group chat` : other?.workPosition || 'dialog'}</div>
        </div>
        {isGroup && (
          <button type="button" onClick={() => setSettings(!settings)} aria-expanded={settings} data-testid="chat-settings">
            Members
          </button>
        )}
      </header>
      {settings && info && <ChatSettings info={info} me={me} users={users} people={people} onClose={() => setSettings(false)} onChanged={() => void loadInfo()} onError={fail} />}
      <MessageList
        messages={messages}
        hasMore={hasMore}
        loadingOlder={loadingOlder}
        onNearTop={() => void loadOlder()}
        bottomSignal={bottomSignal}
        renderItem={(m) => (
          <MessageItem
            message={m}
            meId={me.id}
            users={userRefs}
            readUpTo={readUpTo}
            replied={(() => {
              const rid = Number((m.params as Record<string, unknown>)?.REPLY_ID ?? 0);
              return rid ? byId.get(rid) : undefined;
            })()}
            onReply={(x) => {
              setEditing(null);
              setReplyTo(x);
              input.current?.focus();
            }}
            onEdit={(x) => {
              setReplyTo(null);
              setEditing(x);
              setDraft(x.text);
              input.current?.focus();
            }}
            onDelete={(x) => void call('im.message.delete', { MESSAGE_ID: x.id }).catch(fail)}
            onLike={(x, on) => void call('im.message.like', { MESSAGE_ID: x.id, ACTION: on ? 'plus' : 'minus' }).catch(fail)}
            {...handlers}
          />
        )}
      />
      <div className="typing" aria-live="polite" data-testid={writers.length ? 'typing' : undefined}>
        {writers.join(' · ')}
      </div>
      {notice && (
        <div className="notice" role="status" data-testid="notice">
          {notice}
        </div>
      )}
      {openApp && <AppFrame app={openApp} onAction={onFrameAction} />}
      <Composer
        value={draft}
        onChange={onDraft}
        onSubmit={submit}
        disabled={!textEnabled}
        commands={commands}
        people={people.filter((p) => p.id !== me.id)}
        replyTo={replyTo}
        editing={editing}
        onCancel={() => {
          if (editing) setDraft('');
          setEditing(null);
          setReplyTo(null);
        }}
        apps={apps}
        onApp={onApp}
        inputRef={input}
      />
    </section>
  );
}
