// A checker of Chrome's trace-event format (the JSON object form that Perfetto
// and chrome://tracing open), as strict as gorun's files need: the fields each
// phase requires, pid/tid, timestamps that never go back, B/E pairs matched
// per track. Returns the problems found (none: the file is valid).
export interface Ev { name?: unknown; cat?: unknown; ph?: unknown; ts?: unknown; pid?: unknown; tid?: unknown; s?: unknown; args?: unknown; dur?: unknown }

const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'M']);
const META = new Set(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index']);

export function traceProblems(text: string): string[] {
  const bad: string[] = [];
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { return [`not JSON: ${(e as Error).message}`]; }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { traceEvents?: unknown }).traceEvents)) return ['no traceEvents array'];
  const events = (doc as { traceEvents: Ev[] }).traceEvents;
  const open = new Map<string, Ev[]>();
  let last = -Infinity;
  events.forEach((e, i) => {
    const at = `event ${i} (${JSON.stringify(e).slice(0, 80)})`;
    if (typeof e !== 'object' || e === null) { bad.push(`${at}: not an object`); return; }
    if (typeof e.ph !== 'string' || !PHASES.has(e.ph)) bad.push(`${at}: phase ${String(e.ph)}`);
    if (typeof e.name !== 'string' || e.name === '') bad.push(`${at}: no name`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) bad.push(`${at}: pid/tid not integers`);
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) bad.push(`${at}: ts ${String(e.ts)}`);
    if (e.args !== undefined && (typeof e.args !== 'object' || e.args === null || Array.isArray(e.args))) bad.push(`${at}: args not an object`);
    if (e.ph === 'M') {
      if (!META.has(e.name as string)) bad.push(`${at}: unknown metadata ${String(e.name)}`);
      if (typeof e.args !== 'object') bad.push(`${at}: metadata without args`);
      return;
    }
    const ts = e.ts as number;
    if (ts < last) bad.push(`${at}: ts ${ts} goes back from ${last}`);
    last = Math.max(last, ts);
    const track = `${String(e.pid)}/${String(e.tid)}`;
    if (e.ph === 'B') open.set(track, [...(open.get(track) ?? []), e]);
    if (e.ph === 'E') {
      const stack = open.get(track) ?? [];
      const b = stack.pop();
      if (!b) bad.push(`${at}: E without B`);
      else if (b.name !== e.name) bad.push(`${at}: E ${String(e.name)} closes B ${String(b.name)}`);
      else if ((b.ts as number) > ts) bad.push(`${at}: E before its B`);
    }
    if (e.ph === 'X' && (typeof e.dur !== 'number' || e.dur < 0)) bad.push(`${at}: X without dur`);
    if ((e.ph === 'i' || e.ph === 'I') && e.s !== undefined && !['t', 'p', 'g'].includes(e.s as string)) bad.push(`${at}: instant scope ${String(e.s)}`);
    if (e.ph === 'C' && !(typeof e.args === 'object' && e.args && Object.values(e.args).every((v) => typeof v === 'number'))) bad.push(`${at}: counter values not numbers`);
  });
  for (const [track, stack] of open) for (const b of stack) bad.push(`track ${track}: B ${String(b.name)} never ends`);
  return bad;
}
