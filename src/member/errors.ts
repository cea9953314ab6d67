/** Errors a Member's `invoke` rejects with; each names what happened so callers can react. */

/** The cluster did not decide the request before the deadline (it may still execute later, at most once). */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  constructor(readonly clientId: number, readonly deadlineMs: number) {
    super(`request ${clientId} was not decided within ${deadlineMs} ms (the cluster may lack a live majority)`);
  }
}

/** The member was stopped while the request was pending. */
export class MemberStoppedError extends Error {
  override readonly name = 'MemberStoppedError';
  constructor(readonly clientId: number) {
    super(`member stopped before request ${clientId} completed`);
  }
}

/** The node refused the request for a reason retrying cannot fix (e.g. the input is too long). */
export class InvokeRefusedError extends Error {
  override readonly name = 'InvokeRefusedError';
  constructor(readonly clientId: number, readonly reason: string) {
    super(`request ${clientId} refused by the node: ${reason}`);
  }
}

/** invoke() before start() or after stop(). */
export class MemberStateError extends Error {
  override readonly name = 'MemberStateError';
}
