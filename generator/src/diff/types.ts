/**
 * What `diff` reports. A change is judged from the side that reads it: for what the server sends
 * (`server-sends`) the reader is an old client facing a new server; for what the client sends
 * (`client-sends`: messages, parameters, query, credentials) the reader is a new server facing an
 * old client. The same edit is therefore breaking one way and harmless the other.
 */
export type Severity = 'breaking' | 'non-breaking' | 'unknown';
export type Flow = 'server-sends' | 'client-sends';

/**
 * How an edit moves the set of values a schema (or behaviour) admits. `narrows`: the new set is a
 * subset; `widens`: a superset; `changes`: neither (some values lost, others gained); `neutral`:
 * no value anyone sends today is judged differently; `unknown`: not decidable from the keywords.
 */
export type Effect = 'narrows' | 'widens' | 'changes' | 'neutral' | 'unknown';

export interface Change {
  /** Stable rule id (`schema.property-removed`); listed in the README's diff table. */
  rule: string;
  severity: Severity;
  /** Channel id, when the change is within one. */
  channel?: string;
  /** Message id (in the new document when it exists there, else the old one). */
  message?: string;
  flow?: Flow;
  /** JSON pointer into the document the change is about (the new one, or the old one for removals). */
  pointer: string;
  summary: string;
  before?: unknown;
  after?: unknown;
}

export interface DiffResult {
  changes: Change[];
  counts: Record<Severity, number>;
}

/** Severity of an effect, by who reads. Whoever validates with the old rules must accept what the new side may produce. */
export function judge(effect: Effect, flow: Flow): Severity {
  switch (effect) {
    case 'neutral':
      return 'non-breaking';
    case 'unknown':
      return 'unknown';
    case 'changes':
      return 'breaking';
    case 'narrows':
      // A new server accepting less breaks old clients; a new server sending less breaks nobody.
      return flow === 'client-sends' ? 'breaking' : 'non-breaking';
    case 'widens':
      return flow === 'server-sends' ? 'breaking' : 'non-breaking';
  }
}
