import { useCallback, useEffect, useRef, useState } from 'react';
import { type Filter, filterQuery, get, post, type Row } from './api';
import { JsonView } from './JsonView';

const MAX_ROWS = 1000;

function summary(r: Row): { what: string; who: string; status: string; failed: boolean } {
  if (r.kind === 'call') {
    const c = r.caller;
    const who = !c ? '' : c.kind === 'unknown' ? 'unknown' : `${c.kind} ${c.id ?? ''}`.trim();
    return { what: r.method ?? '', who: r.via ? `${who} (${r.via})` : who, status: String(r.status), failed: !!r.error };
  }
  const last = r.attempts?.at(-1);
  const status = r.mode === 'fetch' ? 'queued' : !last ? 'pending' : last.ok ? `${last.status}` : last.error ? 'failed' : `${last.status}`;
  return { what: r.type ?? '', who: `bot ${r.botId} · ${r.mode}`, status, failed: !!last && !last.ok };
}

/** Upserts rows by id (a delivery attempt re-sends its event row), newest first, bounded. */
function merge(rows: Row[], incoming: Row[]): Row[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of incoming) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, MAX_ROWS);
}

export function Inspector() {
  const [filter, setFilter] = useState<Filter>({ kind: '', bot: '', method: '', type: '', error: false });
  const [rows, setRows] = useState<Row[]>([]);
  const [live, setLive] = useState(true);
  const [selected, setSelected] = useState<Row | null>(null);
  const [message, setMessage] = useState('');
  const query = filterQuery(filter);
  const selectedId = useRef<number | null>(null);
  selectedId.current = selected?.id ?? null;

  const load = useCallback(async () => {
    const r = await get<{ items: Row[] }>(`/_imbot/inspector?limit=500${query ? `&${query}` : ''}`);
    setRows(r.items);
  }, [query]);

  useEffect(() => {
    void load().catch((e) => setMessage(String(e.message ?? e)));
  }, [load]);

  useEffect(() => {
    if (!live) return;
    const es = new EventSource(`/_imbot/inspector/stream${query ? `?${query}` : ''}`, { withCredentials: true });
    es.onmessage = (m) => {
      const row = JSON.parse(m.data) as Row;
      setRows((rs) => merge(rs, [row]));
      if (selectedId.current === row.id) setSelected(row);
    };
    return () => es.close();
  }, [live, query]);

  const replay = async (r: Row) => {
    try {
      const out = await post<{ ok: boolean; status: number; url: string; error?: string }>(`/_imbot/deliveries/${r.deliveryId}/replay`);
      setMessage(out.ok ? `Replayed to ${out.url}: HTTP ${out.status}` : `Replay to ${out.url} failed: ${out.error ?? `HTTP ${out.status}`}`);
      const fresh = await get<Row>(`/_imbot/inspector/${r.id}`);
      setSelected(fresh);
      setRows((rs) => merge(rs, [fresh]));
    } catch (e) {
      setMessage(String((e as Error).message));
    }
  };

  const set = <K extends keyof Filter>(k: K, v: Filter[K]) => setFilter((f) => ({ ...f, [k]: v }));

  return (
    <section className="inspector">
      <div className="filters">
        <select aria-label="Kind" value={filter.kind} onChange={(e) => set('kind', e.target.value as Filter['kind'])}>
          <option value="">Calls and events</option>
          <option value="call">Calls</option>
          <option value="event">Events</option>
        </select>
        <input aria-label="Bot" placeholder="Bot id" value={filter.bot} onChange={(e) => set('bot', e.target.value)} size={7} />
        <input aria-label="Method" placeholder="Method" value={filter.method} onChange={(e) => set('method', e.target.value)} />
        <input aria-label="Event type" placeholder="Event type" value={filter.type} onChange={(e) => set('type', e.target.value)} />
        <label>
          <input type="checkbox" checked={filter.error} onChange={(e) => set('error', e.target.checked)} /> Errors only
        </label>
        <label>
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live
        </label>
        <button onClick={() => void load()}>Refresh</button>
        {message && <span className="message">{message}</span>}
      </div>
      <div className="split">
        <div className="table-wrap">
          <table className="rows">
            <thead>
              <tr>
                <th>#</th>
                <th>Time</th>
                <th>Call / event</th>
                <th>Caller / bot</th>
                <th>Status</th>
                <th>ms</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const s = summary(r);
                return (
                  <tr
                    key={r.id}
                    data-kind={r.kind}
                    className={`${s.failed ? 'failed' : ''} ${selected?.id === r.id ? 'selected' : ''}`}
                    onClick={() => setSelected(r)}
                  >
                    <td>{r.id}</td>
                    <td>{r.time.slice(11, 23)}</td>
                    <td className="what">
                      <span className={`tag ${r.kind}`}>{r.kind}</span> {s.what}
                    </td>
                    <td>{s.who}</td>
                    <td>{s.status}</td>
                    <td>{r.durationMs !== undefined ? r.durationMs.toFixed(1) : (r.attempts?.at(-1)?.latencyMs.toFixed(1) ?? '')}</td>
                  </tr>
                );
              })}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={6} className="empty">
                    Nothing recorded yet{query ? ' for this filter' : ''}.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {selected && (
          <aside className="detail">
            <div className="detail-head">
              <strong>
                #{selected.id} {selected.method ?? selected.type}
              </strong>
              {selected.kind === 'event' && selected.mode === 'webhook' && selected.deliveryId !== undefined && (
                <button onClick={() => void replay(selected)}>Replay to current handler</button>
              )}
              <button className="small" onClick={() => setSelected(null)}>
                Close
              </button>
            </div>
            <JsonView value={selected} />
          </aside>
        )}
      </div>
    </section>
  );
}
