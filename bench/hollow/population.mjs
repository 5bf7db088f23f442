// The synthetic population a hollow engine serves: what a real host of the fleet looks like to dockpit
// (business-line and tier labels, one static IP on network `biz`), deterministic so two runs compare.
import { createHash } from 'node:crypto';

export const LINES = ['news', 'search', 'forum', 'ads'];
export const IMAGE = 'dockpit/busybox:latest';
export const IMAGE_ID = `sha256:${createHash('sha256').update(IMAGE).digest('hex')}`;
export const NETWORK = 'biz';
export const NETWORK_ID = createHash('sha256').update('network/biz').digest('hex');

/** Host names sort in fleet order: hollow-001 … hollow-200. */
export function hostName(index) {
  return `hollow-${String(index + 1).padStart(3, '0')}`;
}

/** A container's 64-hex ID, as the engine's are: stable for a (host, slot) pair. */
export function containerId(host, slot) {
  return createHash('sha256').update(`${host}/${slot}`).digest('hex');
}

/**
 * One host's containers. Slot 0 of a probe host is named `probe-HOST-0`: the benchmark renames it to
 * `probe-HOST-SEQ` and watches the screen for that name (a rename is a real engine event that changes a row).
 * IPs are unique across the fleet (10.88.H.S), or dockpit would rightly flag conflicts on the shared LAN.
 */
export function populate(hostIndex, perHost, { probe = false, createdAt = Math.floor(Date.now() / 1000) - 3600 } = {}) {
  const host = hostName(hostIndex);
  const containers = [];
  for (let slot = 0; slot < perHost; slot++) {
    const line = LINES[slot % LINES.length];
    const name = probe && slot === 0 ? `probe-${host}-0` : `${host}-${line}-${String(slot).padStart(3, '0')}`;
    // 1 in 10 starts stopped, like a fleet with some spare capacity.
    const running = slot % 10 !== 9;
    containers.push({
      id: containerId(host, slot),
      name,
      labels: { 'dockpit.bizline': line, 'dockpit.tier': String(slot % 4) },
      ip: `10.88.${(hostIndex % 250) + 1}.${10 + slot}`,
      mac: `02:42:0a:58:${((hostIndex % 250) + 1).toString(16).padStart(2, '0')}:${(10 + slot).toString(16).padStart(2, '0')}`,
      created: createdAt + slot,
      state: running ? 'running' : 'exited',
      exitCode: running ? 0 : 137,
      startedAt: createdAt + slot + 1,
      finishedAt: running ? 0 : createdAt + slot + 2,
      pid: running ? 1000 + slot : 0,
      // Resource use grows with time while running: a fixed share of a core and a fixed traffic rate.
      cpuShare: ((slot * 7) % 20) / 100,
      rxPerSec: 100 * (1 + (slot % 5)),
      txPerSec: 50 * (1 + (slot % 3)),
      memBytes: 700_000 + slot * 4096,
      hostConfig: { CpuShares: 0, Memory: 0, NanoCpus: 0, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
      restartCount: 0,
    });
  }
  return { host, containers };
}
