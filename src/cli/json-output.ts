import type { Container } from '../engine/types.js';
import type { HostRow } from '../store/selectors.js';

// The headless contract (issue 2): field names and order are part of dockpit's interface for scripts.

export function hostJson(h: HostRow) {
  return {
    name: h.name,
    url: h.url,
    state: h.state,
    error: h.error,
    engineVersion: h.engineVersion,
    apiVersion: h.apiVersion,
    latencyMs: h.latencyMs,
    liveRestore: h.liveRestore,
    containers: { running: h.containers.running, total: h.containers.total },
  };
}

export function containerJson(c: Container) {
  return {
    host: c.host,
    id: c.id,
    name: c.name,
    image: c.image,
    state: c.state,
    status: c.status,
    bizline: c.bizline,
    tier: c.tier,
    ips: c.ips,
    labels: c.labels,
  };
}
