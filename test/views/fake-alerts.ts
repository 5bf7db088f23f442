// A fake AlertActions for view tests: it records each ack and answers what the test says.
import type { AlertActions } from '../../src/app/ports.js';

export interface FakeAlerts extends AlertActions {
  acks: string[];
}

export function fakeAlerts(answer: (key: string) => Promise<{ ok: boolean; message: string }> = (key) => Promise.resolve({ ok: true, message: `acknowledged ${key} for 1h (audit log)` })): FakeAlerts {
  const fake: FakeAlerts = {
    acks: [],
    ack(key) {
      fake.acks.push(key);
      return answer(key);
    },
  };
  return fake;
}
