import os from 'node:os';
import type { Leases } from '../state/types.js';

// Issue 15, item 5: several `dockpit watch` of a team evaluate all the time, one sends. With etcd state the
// sender holds `leaders/alerts-sender` on a lease (one per team); with file state, a lock in the state
// folder (one per jump host). A sender whose lease may have run out stops sending at once (isSender reads
// the hold, which reads the clock); a standby takes over within the TTL.

export const SENDER_ROLE = 'alerts-sender';
export const DEFAULT_SENDER_TTL_MS = 10_000;

export interface SenderElection {
  /** Checked before every send. */
  isSender(): boolean;
  /** Who sends as last seen (this process's id when it does). */
  holder(): string | null;
  readonly id: string;
  stop(): Promise<void>;
}

export interface SenderElectionOptions {
  leases: Leases;
  ttlMs?: number;
  /** This process, in the log and in the key: `user@jump-host/pid` by default. */
  id?: string;
  onChange: (sender: boolean, id: string) => void;
}

export function startSenderElection(opts: SenderElectionOptions): SenderElection {
  const id = opts.id ?? `${os.userInfo().username}@${os.hostname()}/${process.pid}`;
  const hold = opts.leases.campaign(SENDER_ROLE, id, opts.ttlMs ?? DEFAULT_SENDER_TTL_MS, (held) => opts.onChange(held, id));
  return {
    id,
    isSender: () => hold.held,
    holder: () => hold.holder,
    stop: () => hold.resign(),
  };
}
