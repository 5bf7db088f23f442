// A namespace import lets the bundler leave out what dockpit never uses (zod's other locales: 3/4 of its size, issue 16).
import * as z from 'zod';
import { DURATION_PATTERN } from './duration.js';

// Issue 15, item 2: the file format of `alerts:`. Strict objects, so a misspelt rule ("restartLoops") or
// field is an error with its line, not a silently ignored key. Values become AlertsConfig in rules-config.ts.

const duration = z.string().regex(DURATION_PATTERN, 'expected a duration such as 500ms, 10s, 2m or 1h');
const share = z.number().min(0, 'expected a share from 0 to 1').max(1, 'expected a share from 0 to 1');
const url = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'expected a URL such as http://127.0.0.1:9093');

/** What every rule takes: on/off, `for:`, `clear:` (hysteresis), severity and extra labels. */
const common = {
  enabled: z.boolean().optional(),
  for: duration.optional(),
  clear: duration.optional(),
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  labels: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected label names of letters, digits and "_"'), z.string()).optional(),
};

/** `rule: off` or `rule: false` switches a rule off; otherwise a block that tunes it. */
function rule<T extends z.ZodRawShape>(extra: T) {
  return z.union([z.literal('off'), z.literal(false), z.object({ ...common, ...extra }).strict()]);
}

const cpuPercent = z.number().positive('expected a percentage of one core above 0 (100 = one core busy)');

export const alertRulesSchema = z
  .object({
    hostDown: rule({}),
    engineSlow: rule({ latency: duration.optional() }),
    containerDied: rule({ clearAfter: duration.optional() }),
    restartLoop: rule({ restarts: z.number().int().min(2, 'expected at least 2 restarts').max(1000).optional(), within: duration.optional() }),
    oomKilled: rule({ clearAfter: duration.optional() }),
    unhealthy: rule({}),
    lineDegraded: rule({
      below: share.optional(),
      tiers: z.record(z.string().regex(/^\d+$/, 'expected tiers as numbers (0: 0.9)'), share).optional(),
    }),
    ipConflict: rule({ drift: z.boolean().optional() }),
    liveRestoreOff: rule({}),
    runFailed: rule({}),
    containerCpu: rule({ above: cpuPercent.optional() }),
    containerMemory: rule({ above: share.optional() }),
    lineCpu: rule({ above: cpuPercent.optional() }),
    lineMemory: rule({ above: share.optional() }),
  })
  .partial()
  .strict();

export const alertSinksSchema = z
  .object({
    alertmanager: z.object({ url, resend: duration.optional() }).strict().optional(),
    zabbix: z
      .object({
        server: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port of the Zabbix server or proxy (e.g. 127.0.0.1:10051)'),
        host: z.string().min(1, 'expected the Zabbix host name that receives the items'),
        every: duration.optional(),
      })
      .strict()
      .optional(),
    webhook: z
      .object({
        url,
        queue: z.number().int().min(1, 'expected a queue of at least 1').max(1_000_000).optional(),
        retries: z.number().int().min(0).max(100).optional(),
        timeout: duration.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const alertsSchema = z
  .object({
    /** How long `a` silences an alert. */
    ackFor: duration.optional(),
    evaluateEvery: duration.optional(),
    /** How often a firing alert is re-sent (Alertmanager drops an alert not refreshed before its endsAt). */
    resend: duration.optional(),
    /** How long a resolved alert stays listed. */
    keepResolved: duration.optional(),
    sinks: alertSinksSchema.optional(),
    rules: alertRulesSchema.optional(),
  })
  .strict();

export type RawAlerts = z.infer<typeof alertsSchema>;
