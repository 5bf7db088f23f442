// The fakes' way into the test's store: run events applied at once (the real services go through the
// coalescer, which the view tests do not run).
import type { OwnRunEvent } from '../../src/engine/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import type { FleetStore } from '../../src/store/fleet-store.js';

export class RunEmitter {
  private store: FleetStore | null = null;
  connect(store: FleetStore): void {
    this.store = store;
  }
  emit(event: OwnRunEvent): void {
    if (!this.store) throw new Error('the fake emitted a run event before renderApp connected its store');
    this.store.setState(applyEvents(this.store.getState(), [event]), true);
  }
}
