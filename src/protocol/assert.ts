/**
 * Dense assertions (TigerBeetle style): a failed one is a bug in this code, never bad input
 * (input is validated at the node boundary), so it throws and stops the run loudly.
 */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/**
 * Throws {@link InvariantViolation} with `message()` when `condition` is false: a bug in this code, never bad input.
 *
 * @throws InvariantViolation
 */
export function invariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new InvariantViolation(`invariant: ${message()}`);
}
