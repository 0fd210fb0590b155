/**
 * The context sharing commands run in; the two sides' interfaces live in
 * src/git/remote/types.ts.
 */
export type { LocalStore, NoteChange, NoteEdit, Progress, PushOutcome, PushRequest, RefUpdate, RemoteState, Transport } from '../git/remote/types.js';
import type { LocalStore, Progress, Transport } from '../git/remote/types.js';

export interface SyncContext {
  store: LocalStore;
  transport: Transport;
  progress?: Progress;
  /** Milliseconds since the epoch (merges stamp `updated`). */
  now: () => number;
  /** Said before the work goes on (a push of files some hosts refuse). */
  warn?: (text: string) => void;
}
