/**
 * In-memory DurableStorage for the simulator. It outlives the Node objects: a crash drops
 * the Node, a restart builds a new one over the same MemoryStorage. `load` returns a deep
 * (JSON) copy, so a restarted node never aliases what its predecessor saved. `save` keeps
 * the object it is given without copying (copying the whole accepted log on every write
 * dominated simulation time): the Node hands over a fresh DurableState on every save and
 * never mutates it afterwards.
 */
import type { DurableState, DurableStorage } from '../node/api.js';

export class MemoryStorage implements DurableStorage {
  private saved: DurableState | undefined;
  writes = 0;

  load(): DurableState | undefined {
    return this.saved === undefined ? undefined : (JSON.parse(JSON.stringify(this.saved)) as DurableState);
  }

  save(state: DurableState): void {
    this.saved = state;
    this.writes++;
  }
}
