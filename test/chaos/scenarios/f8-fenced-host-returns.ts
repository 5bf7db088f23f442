import { runEvacuateUnderFault } from '../fenced-fixture.js';
import type { Scenario } from '../scenario.js';

// F8: a host evacuated while its engine was dead comes back with `restart=always` containers: a seeded host
// (h1 with live-restore: they never stopped; h2/h3 without: its engine starts them at boot), the same names
// and addresses as their moved copies. Once the long-lived dockpit has seen it back: one running copy each.

export const f8: Scenario = {
  id: 'F8',
  title: 'an evacuated host coming back with restart=always containers',
  async run(ctx) {
    const host = ctx.fleet.hosts[Math.floor(ctx.random() * ctx.fleet.hosts.length)]!;
    const n = 1 + Math.floor(ctx.random() * 3);
    const downMs = Math.round(ctx.random() * 3000);
    const violations = await runEvacuateUnderFault(ctx, { prefix: 'cz08-', line: 'chaos8', range: '10.88.80.0/28', host: host.name, policies: Array(n).fill('always'), kill: 'before', downMs });
    return { violations, chose: `${host.name} (live-restore ${host.liveRestore ? 'on' : 'off'}): ${n} × restart=always, down ${downMs} ms after the evacuation` };
  },
};
