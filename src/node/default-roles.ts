/** The real role classes: what a Node uses unless NodeOptions.roles overrides some. */
import { Acceptor } from '../roles/acceptor.js';
import { Bootstrap } from '../roles/bootstrap.js';
import { Commander } from '../roles/commander.js';
import { Leader } from '../roles/leader.js';
import { Replica } from '../roles/replica.js';
import { Requester } from '../roles/requester.js';
import { Scout } from '../roles/scout.js';
import { Seed } from '../roles/seed.js';
import type { RoleFactories } from './role-factories.js';

/**
 * The real role classes; {@link NodeOptions.roles} overrides some of them (tests, fakes, mutants).
 */
export const DEFAULT_ROLES: RoleFactories = Object.freeze({
  Acceptor, Replica, Leader, Scout, Commander, Requester, Bootstrap, Seed,
});
