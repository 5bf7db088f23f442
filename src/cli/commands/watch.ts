import { AlertEvaluator } from '../../alerts/evaluator.js';
import { MetricsAddressError } from '../../alerts/metrics-server.js';
import { createWatchLog } from '../../app/alerting-log.js';
import { startWatch } from '../../app/alerting-watch.js';
import { UsageError } from '../../config/config-error.js';
import { loadState } from '../../state/load-state.js';
import { startFleet } from '../connect.js';
import type { HeadlessCommand } from './types.js';

// Issue 15, item 1: `dockpit watch`, the headless mode that runs until SIGTERM. Nothing it imports loads
// Ink or React (test/integration/watch.test.ts checks the module graph of a real run).

/** Test-only: a shorter sender lease (the takeover test), ms. */
const senderTtlMs = (): number | undefined => {
  const v = Number(process.env.DOCKPIT_SENDER_TTL_MS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
};

/** Resolves with the first of SIGTERM or SIGINT. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export const watchCommand: HeadlessCommand = async ({ args, config, out }) => {
  const log = createWatchLog(args.json, out);
  const signal = stopSignal(); // from the start: a SIGTERM while connecting still stops cleanly
  const state = await loadState(config);
  const { alerts } = config;
  const rules = new AlertEvaluator(alerts.rules, { keepResolvedMs: alerts.keepResolvedMs, resendMs: alerts.resendMs });
  const ttl = senderTtlMs();
  let watch;
  try {
    watch = await startWatch({
      config,
      state,
      rules,
      log,
      connect: (opts) => startFleet(config, opts),
      metrics: args.metrics ?? null,
      perContainer: args.perContainerMetrics ?? false,
      ...(ttl !== undefined && { senderTtlMs: ttl }),
    });
  } catch (err) {
    await state.close();
    if (err instanceof MetricsAddressError) throw new UsageError(err.message);
    throw err;
  }
  log.write({
    event: 'start',
    pid: process.pid,
    hosts: config.hosts.length,
    state: state.where,
    sinks: Object.keys(alerts.sinks),
    metrics: watch.metricsAddress,
    id: watch.election.id,
  });
  const got = await signal;
  await watch.stop();
  log.write({ event: 'stop', signal: got, exit: 0 });
  return 0;
};
