import type { RulesConfig } from '../rules-config.js';
import type { Rule } from './rule.js';

// A SIGSTOPped (hung) engine accepts connections and never answers: the probe's deadline expires, the host
// is marked degraded with a TIMEOUT error, then down after a second failure (src/engine/host-connection.ts).
// So "slow or hung" is: a probe slower than `latency`, a host the engine marked degraded, or a host whose
// last error is a deadline that expired (hung, whatever its state; hostDown also fires once it is down).
const TIMEOUT = /^TIMEOUT\b/;

/** engineSlow: probe latency above `latency`, or the engine hung. */
export const engineSlow: Rule<RulesConfig['engineSlow']> = (state, _memory, settings) => {
  const out = [];
  for (const name of state.hostOrder) {
    const h = state.hosts[name];
    if (!h) continue;
    const hung = h.error !== null && TIMEOUT.test(h.error) && h.state !== 'up';
    const slow = h.latencyMs !== null && h.latencyMs > settings.latencyMs && h.state !== 'down';
    if (!hung && !slow && h.state !== 'degraded') continue;
    const why = hung
      ? `engine hung: ${h.error}`
      : h.latencyMs !== null
        ? `engine slow: probe took ${Math.round(h.latencyMs)} ms (threshold ${settings.latencyMs} ms)`
        : `engine degraded${h.error ? `: ${h.error}` : ''}`;
    out.push({ subject: name, labels: { host: name }, summary: `${name}: ${why}` });
  }
  return out;
};
