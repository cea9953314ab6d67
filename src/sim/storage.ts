/**
 * In-memory DurableStorage for the simulator. It outlives the Node objects: a crash drops
 * the Node, a restart builds a new one over the same MemoryStorage. Values are stored and
 * returned as JSON copies so a node can never alias what it saved.
 */
import type { DurableState, DurableStorage } from '../node/api.js';

export class MemoryStorage implements DurableStorage {
  private text: string | undefined;
  writes = 0;

  load(): DurableState | undefined {
    return this.text === undefined ? undefined : (JSON.parse(this.text) as DurableState);
  }

  save(state: DurableState): void {
    this.text = JSON.stringify(state);
    this.writes++;
  }
}
