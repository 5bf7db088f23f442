import type { AgentOptions } from 'node:https';
import type { LabelKeys } from './container-mapper.js';
import type { Container } from './types.js';

/**
 * A host whose first list a worker can take: one that needs no handshake kept for later (a unix socket,
 * tcp://, or TLS with the agent options its connection uses; SSH hosts list on their own tunnel).
 */
export interface FirstListHost {
  name: string;
  endpoint:
    | { kind: 'unix'; socketPath: string }
    | { kind: 'tcp'; host: string; port: number }
    | { kind: 'tls'; host: string; port: number; agent: AgentOptions };
}

export interface FirstListsInput {
  hosts: FirstListHost[];
  labels: LabelKeys;
  timeoutMs: number;
}

/**
 * What the worker posts for a host: the body of its list (the engine's JSON, whose memory moves to the receiving
 * thread with the message rather than being copied), or why there is none.
 */
export type FirstListAnswer =
  | { host: string; ok: true; body: Uint8Array<ArrayBuffer>; latencyMs: number }
  | { host: string; ok: false; error: string };

/** A host's first list as the cockpit takes it (first-lists.ts: the answer's body parsed and mapped). */
export type FirstListResult =
  | { host: string; ok: true; containers: Container[]; latencyMs: number }
  | { host: string; ok: false; error: string };
