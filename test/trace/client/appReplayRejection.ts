/** AppReplay alone (no spec replay) over an edited copy of a run: where it first rejects it. Shared by the client-check tests. */
import type { TraceEvent, TraceHeader } from '../../../src/trace/format/types.js';
import { AppReplay, ClientCheckError } from '../../../src/trace/client/appReplay.js';
import { appStateMachine } from '../../../src/trace/replay/apps.js';

/** The index and message of the first event AppReplay rejects in the edited copy of `events`, or at -1 when it accepts them all. */
export function appReplayRejects<E extends TraceEvent>(header: TraceHeader, events: readonly E[], edit: (evs: E[]) => void): { at: number; message: string } {
  const copy = structuredClone(events) as E[];
  edit(copy);
  const replay = new AppReplay(appStateMachine(header.app!), header.spec.constants.ReplicaNodes ?? Array.from({ length: header.spec.constants.N }, (_, i) => i + 1));
  for (const [i, ev] of copy.entries()) {
    try {
      replay.step(ev);
    } catch (e) {
      if (e instanceof ClientCheckError) return { at: i, message: e.message };
      throw e;
    }
  }
  return { at: -1, message: '' };
}
