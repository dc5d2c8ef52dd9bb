import { type KeyboardEvent, type RefObject, useMemo, useState } from 'react';
import type { ChatApp, CommandHint, Message, Person } from './types';

interface Props {
  value: string;
  onChange(v: string): void;
  onSubmit(): void;
  disabled: boolean;
  commands: CommandHint[];
  people: Person[];
  replyTo: Message | null;
  editing: Message | null;
  onCancel(): void;
  apps: ChatApp[];
  onApp(app: ChatApp): void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}

type Suggestion = { key: string; label: string; hint: string; insert: string };

/** The part of the text the pickers complete: `/word` at the very start, or `@word` just before the caret. */
function trigger(value: string, caret: number): { kind: '/' | '@'; query: string; from: number } | null {
  const slash = /^\/(\S*)$/.exec(value.slice(0, caret));
  if (slash) return { kind: '/', query: slash[1]!.toLowerCase(), from: 0 };
  const at = /(^|\s)@([^\s@[\]]*)$/.exec(value.slice(0, caret));
  if (at) return { kind: '@', query: at[2]!.toLowerCase(), from: caret - at[2]!.length - 1 };
  return null;
}

/**
 * The input: Enter sends, Shift+Enter breaks the line; `/` lists the dialog's commands with their titles and
 * parameter hints, `@` picks a person or bot and inserts `[USER=id]name[/USER]`; chat-app buttons sit above.
 */
export function Composer(p: Props) {
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState('');
  const t = trigger(p.value, caret);

  const suggestions: Suggestion[] = useMemo(() => {
    if (!t) return [];
    if (t.kind === '/') {
      return p.commands
        .filter((c) => c.command.slice(1).toLowerCase().startsWith(t.query))
        .map((c) => ({ key: `c${c.id}`, label: c.command, hint: [c.params, c.title].filter(Boolean).join(' — ') + (c.botName ? ` · ${c.botName}` : ''), insert: `${c.command} ` }));
    }
    return p.people
      .filter((u) => u.name.toLowerCase().includes(t.query))
      .slice(0, 8)
      .map((u) => ({ key: `u${u.id}`, label: u.name, hint: u.bot ? 'bot' : u.workPosition, insert: `[USER=${u.id}]${u.name}[/USER] ` }));
  }, [t?.kind, t?.query, p.commands, p.people]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = !!t && suggestions.length > 0 && dismissed !== p.value;

  const pick = (s: Suggestion) => {
    if (!t) return;
    const next = p.value.slice(0, t.from) + s.insert + p.value.slice(caret);
    p.onChange(next);
    const pos = t.from + s.insert.length;
    setCaret(pos);
    requestAnimationFrame(() => {
      p.inputRef.current?.focus();
      p.inputRef.current?.setSelectionRange(pos, pos);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(suggestions[Math.min(active, suggestions.length - 1)]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(p.value);
        return;
      }
    }
    if (e.key === 'Escape' && (p.replyTo || p.editing)) {
      e.preventDefault();
      p.onCancel();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      p.onSubmit();
    }
  };

  return (
    <div className="composer">
      {p.apps.length > 0 && (
        <div className="apps" role="toolbar" aria-label="Chat applications">
          {p.apps.map((a) => (
            <button key={a.id} type="button" className="app-button" title={a.description || a.title} onClick={() => p.onApp(a)} data-testid={`app-${a.code}`} disabled={p.disabled}>
              {a.icon ? <img src={a.icon} alt="" width={18} height={18} /> : null}
              {a.title}
            </button>
          ))}
        </div>
      )}
      {(p.replyTo || p.editing) && (
        <div className="composer-context" data-testid={p.editing ? 'editing' : 'replying'}>
          <span>
            {p.editing ? 'Editing' : 'Replying to'}: <em>{(p.editing ?? p.replyTo)!.text.slice(0, 80)}</em>
          </span>
          <button type="button" className="link" onClick={p.onCancel}>
            Cancel
          </button>
        </div>
      )}
      {open && (
        <ul className="suggest" role="listbox" id="composer-suggest" aria-label={t!.kind === '/' ? 'Commands' : 'People'} data-testid={t!.kind === '/' ? 'command-list' : 'mention-list'}>
          {suggestions.map((s, i) => (
            <li
              key={s.key}
              id={`sg-${s.key}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(s);
              }}
            >
              <strong>{s.label}</strong> <span className="muted">{s.hint}</span>
            </li>
          ))}
        </ul>
      )}
      <form
        className="composer-row"
        onSubmit={(e) => {
          e.preventDefault();
          p.onSubmit();
        }}
      >
        <textarea
          ref={p.inputRef}
          value={p.value}
          rows={1}
          disabled={p.disabled}
          placeholder={p.disabled ? 'Writing is turned off in this dialog' : 'Write a message… (/ for commands, @ to mention)'}
          aria-label="Message"
          aria-autocomplete="list"
          aria-controls={open ? 'composer-suggest' : undefined}
          aria-activedescendant={open ? `sg-${suggestions[Math.min(active, suggestions.length - 1)]!.key}` : undefined}
          data-testid="composer"
          onChange={(e) => {
            p.onChange(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary" disabled={p.disabled || !p.value.trim()} data-testid="send">
          {p.editing ? 'Save' : 'Send'}
        </button>
      </form>
    </div>
  );
}
