import type { Container, ContainerState } from './types.js';

/**
 * How long an event's word on a container beats a container list. dockerd logs `die` (and `destroy`)
 * before it updates the view that `GET /containers/json` reads (it unmounts and releases the network in
 * between), so a list taken tens of milliseconds after the event can still say "running", or still show a
 * removed container. Events of one container arrive in order; the list is the truth once it has caught up.
 */
export const EVENT_TRUST_MS = 2000;

type Word = { state: ContainerState | 'removed'; at: number };

// The list's status text ("Up 3 minutes") belongs to the state it lagged on; until it catches up, say less.
const STATUS: Partial<Record<ContainerState, string>> = { running: 'Up', exited: 'Exited', paused: 'Up (Paused)', restarting: 'Restarting' };

export class EventOverlay {
  private readonly words = new Map<string, Word>();

  note(id: string, state: ContainerState | 'removed', now: number): void {
    this.words.set(id, { state, at: now });
  }

  /**
   * The list with recent event states laid over it. `disagreed` says the list lagged somewhere, so the
   * caller lists again once the trust window has passed.
   */
  apply(list: readonly Container[], now: number): { containers: Container[]; disagreed: boolean } {
    for (const [id, w] of this.words) if (now - w.at >= EVENT_TRUST_MS) this.words.delete(id);
    let disagreed = false;
    const containers: Container[] = [];
    for (const c of list) {
      const w = this.words.get(c.id);
      if (!w || w.state === c.state) {
        containers.push(c);
        continue;
      }
      disagreed = true;
      if (w.state !== 'removed') containers.push({ ...c, state: w.state, status: STATUS[w.state] ?? c.status });
    }
    return { containers, disagreed };
  }
}
