import { describe, expect, it } from 'vitest';
import { CLIENT_PORT_OFFSET } from '../../src/cli/client/protocol.js';
import { ephemeralPortStart, findFreeBasePort } from '../../src/cli/cluster/ports.js';

describe('findFreeBasePort', () => {
  it('picks every node port below the ephemeral range, where no new connection can take it while a node is down', async () => {
    const first = ephemeralPortStart();
    expect(first).toBeGreaterThan(10_000);
    for (let i = 0; i < 20; i++) {
      const base = await findFreeBasePort(5);
      expect(base).toBeGreaterThanOrEqual(10_000);
      expect(base + 4 + CLIENT_PORT_OFFSET).toBeLessThan(first);
    }
  });
});
