/**
 * Where a Node's input is validated is the host's choice, made once when the node is built.
 *
 * By default `Node.receive` treats every envelope as untrusted (network bytes parsed by a
 * transport): schema, node ids and envelope header are checked, and a failing envelope is
 * dropped, counted and logged. A host that runs every node of the cluster in one process and
 * hands a node only deep copies of envelopes that nodes of the same cluster put in their
 * Outputs (the simulator) may say so with {@link IN_PROCESS_HOST}; the node then skips the
 * schema checks, which cost a fifth of a simulation's CPU and can only fail there on a bug,
 * and asserts the envelope header instead (a bug then stops the run loudly). The schemas'
 * size bounds are still applied (protocol/validate.ts wireSizeProblem): a correct sender can
 * outgrow them, and a real peer would drop that message.
 *
 * The token is a unique symbol, not a boolean: a host must import it by name to drop the
 * checks, so no option object, config file or spread of user settings can turn them off.
 * A Member (src/member) builds its nodes' environment field by field and never sets it.
 */

/** The host's word that every envelope it passes to `receive` is a private copy of a cluster node's output. */
export const IN_PROCESS_HOST: unique symbol = Symbol('in-process host: envelopes are copies of this cluster\'s node outputs');

/** What `NodeEnvironment.inputs` accepts: absent (validate everything) or the token above. */
export type InputTrust = typeof IN_PROCESS_HOST;
