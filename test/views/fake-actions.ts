// A fake CockpitActions for view tests: inspect answers what the test says, log streams are driven by hand.
import fs from 'node:fs';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import type { CockpitActions } from '../../src/app/ports.js';

export interface FakeLogStream {
  host: string;
  id: string;
  tail: number;
  push(lines: string[]): void;
  end(error: string | null): void;
  stopped: boolean;
}

export interface FakeActions extends CockpitActions {
  inspectCalls: Array<{ host: string; id: string }>;
  streams: FakeLogStream[];
}

export function fakeActions(inspect: (host: string, id: string) => Promise<ContainerInspect> = () => new Promise(() => undefined)): FakeActions {
  const fake: FakeActions = {
    inspectCalls: [],
    streams: [],
    inspect(host, id) {
      fake.inspectCalls.push({ host, id });
      return inspect(host, id);
    },
    followLogs(host, id, tail, onLines, onEnd) {
      const s: FakeLogStream = {
        host,
        id,
        tail,
        stopped: false,
        push: (lines) => {
          if (!s.stopped) onLines(lines);
        },
        end: (error) => {
          if (!s.stopped) onEnd(error);
        },
      };
      fake.streams.push(s);
      return () => {
        s.stopped = true;
      };
    },
    setVisible: () => undefined,
  };
  return fake;
}

/** The real inspect fixture (test/unit/fixtures), as container `id` named `name`. */
export function inspectOf(id: string, name: string, patch: (c: ContainerInspect) => void = () => undefined): ContainerInspect {
  const c = JSON.parse(fs.readFileSync(new URL('../unit/fixtures/inspect-shop-api.json', import.meta.url), 'utf8')) as ContainerInspect;
  c.Id = id;
  c.Name = `/${name}`;
  patch(c);
  return c;
}
