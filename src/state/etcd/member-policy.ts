import { performance } from 'node:perf_hooks';
import { isRecoverableError, type IOptions } from 'etcd3';

// How etcd3 treats a member that fails. Its default (cockatiel's circuit breaker) stops calling a member
// for 5 s after 3 failures in a row: with one endpoint, a 2 s blip (a leader election, a restart) then
// keeps every call failing for 5 s more, which costs the lease renewals of a short TTL, and with it every
// lock this process holds. This one skips the member for 1 s instead: long enough for a call to go to
// another member first, short enough to find a member back at once.
//
// etcd3 only ever calls `execute` on a member's policy (connection-pool.js: each call, and markFailed);
// nothing else of cockatiel's IPolicy is used.

type MemberPolicy = ReturnType<NonNullable<NonNullable<IOptions['faultHandling']>['host']>>;

/** The member was skipped (it failed just before: `cause`); etcd3 then tries the next one. */
export class MemberSkipped extends Error {
  constructor(
    readonly member: string,
    cause: unknown,
  ) {
    super(`${member} failed just before; not tried again for a moment`, { cause });
    this.name = 'MemberSkipped';
  }
}

export function memberPolicy(member: string, skipMs = 1000, afterFailures = 3): MemberPolicy {
  let failures = 0;
  let skipUntil = 0;
  let lastError: unknown = null;
  const policy = {
    async execute<T>(fn: (context: { signal: AbortSignal }) => Promise<T> | T): Promise<T> {
      if (performance.now() < skipUntil) throw new MemberSkipped(member, lastError);
      try {
        const result = await fn({ signal: new AbortController().signal });
        failures = 0;
        return result;
      } catch (err) {
        lastError = err;
        if (err instanceof Error && isRecoverableError(err) && ++failures >= afterFailures) {
          failures = 0;
          skipUntil = performance.now() + skipMs;
        }
        throw err;
      }
    },
  };
  return policy as unknown as MemberPolicy;
}
