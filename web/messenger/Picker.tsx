import { useState } from 'react';
import { Avatar } from './Avatar';
import type { Person } from './types';

/** A filterable list of people and bots; `multi` ticks several, else a click picks one. */
export function PeoplePicker({ people, multi, selected, onPick, label }: { people: Person[]; multi?: boolean; selected?: Set<number>; onPick(p: Person): void; label: string }) {
  const [q, setQ] = useState('');
  const shown = people.filter((p) => p.name.toLowerCase().includes(q.toLowerCase()));
  return (
    <div className="picker">
      <input type="search" placeholder="Search people and bots" aria-label={`${label}: search`} value={q} onChange={(e) => setQ(e.target.value)} autoFocus data-testid="picker-search" />
      <ul aria-label={label}>
        {shown.map((p) => (
          <li key={p.id}>
            <button type="button" className="picker-item" onClick={() => onPick(p)} aria-pressed={multi ? selected?.has(p.id) : undefined} data-testid={`pick-${p.id}`}>
              <Avatar name={p.name} url={p.avatar} color={p.color} size={28} />
              <span>{p.name}</span>
              {p.bot && <span className="badge">bot</span>}
              {multi && selected?.has(p.id) && <span aria-hidden="true">✓</span>}
            </button>
          </li>
        ))}
        {shown.length === 0 && <li className="muted pad">Nobody matches.</li>}
      </ul>
    </div>
  );
}
