import type { HostState } from './types.js';

/** A host whose engine answers: up, or up but slow (degraded). Down and connecting hosts take no work. */
export function hostIsUp(state: HostState | string | null | undefined): boolean {
  return state === 'up' || state === 'degraded';
}
