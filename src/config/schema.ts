// A namespace import lets the bundler leave out what dockpit never uses (zod's other locales: 3/4 of its size, issue 16).
import * as z from 'zod';
import { engineUrlProblem } from './engine-url.js';
import { stateSchema } from './state-config.js';
import { alertsSchema } from '../alerts/rules-schema.js';

// The file format. Strict objects so that a typo ("identifyFile") is an error, not a silently ignored key.

const nonEmpty = z.string().min(1, 'expected a non-empty string');

export const hostSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a host name of letters, digits, ".", "_" or "-"'),
    url: z.string().superRefine((url, ctx) => {
      const problem = engineUrlProblem(url);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    socket: nonEmpty.optional(),
    identityFile: nonEmpty.optional(),
    knownHosts: nonEmpty.optional(),
    // cert and key: both or neither (resolve-host.ts); an engine run with --tlsverify refuses a client without them.
    tls: z.object({ ca: nonEmpty, cert: nonEmpty.optional(), key: nonEmpty.optional() }).strict().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const engineSchema = z
  .object({
    callTimeout: z.number().int().positive().optional(),
    connectTimeout: z.number().int().positive().optional(),
    probeInterval: z.number().int().positive().optional(),
    slowThreshold: z.number().int().positive().optional(),
    resyncInterval: z.number().int().positive().optional(),
    /** Background stats reads a second across the fleet (containers on screen are read every 2 s regardless). */
    statsPerSecond: z.number().positive().max(1000).optional(),
  })
  .strict();

export const poolSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a pool name of letters, digits, ".", "_" or "-"'),
    network: nonEmpty,
    driver: z.enum(['bridge', 'macvlan']),
    parent: nonEmpty.optional(),
    subnet: nonEmpty,
    gateway: nonEmpty,
    ranges: z.record(z.string(), nonEmpty).optional(),
    reserved: z.array(nonEmpty).optional(),
    useRangeEdges: z.boolean().optional(),
  })
  .strict();

export const lineSchema = z
  .object({
    tier: z.number().int().min(0, 'expected a tier of 0 (most critical) or more'),
    pool: nonEmpty.optional(),
    hosts: z.array(nonEmpty).optional(),
  })
  .strict();

const selectSchema = z
  .object({
    lines: z.array(nonEmpty).optional(),
    tiers: z.array(z.number().int().min(0)).optional(),
    minTier: z.number().int().min(0).optional(),
    maxTier: z.number().int().min(0).optional(),
    hosts: z.array(nonEmpty).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    /** Name patterns with * and ?. */
    names: z.array(nonEmpty).optional(),
  })
  .strict();

const sizeOrNumber = z.union([z.number().positive(), nonEmpty]);

const actionSchema = z.union([
  z.enum(['stop', 'pause']),
  z
    .object({
      limit: z
        .object({ cpus: z.number().positive().optional(), memory: sizeOrNumber.optional(), cpuShares: z.number().int().min(2).optional() })
        .strict(),
    })
    .strict(),
  z.object({ scaleDown: z.object({ keep: z.number().int().min(0) }).strict() }).strict(),
], {
  // Issue 17, item 6: a misspelt action is told what the actions are, not "Invalid input".
  error: (issue) => {
    const what = typeof issue.input === 'string' ? `"${issue.input}"` : issue.input && typeof issue.input === 'object' ? `"${Object.keys(issue.input).join(', ')}"` : String(issue.input);
    return `unknown action ${what} (expected stop, pause, { limit: … } or { scaleDown: … })`;
  },
});

export const planSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a plan name of letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    guards: z
      .object({
        protectTiers: z.array(z.number().int().min(0)).optional(),
        maxDownPerLine: z.number().min(0).max(1).optional(),
        parallelPerHost: z.number().int().positive().optional(),
        parallel: z.number().int().positive().optional(),
        stopTimeout: z.number().int().min(0).optional(),
        actionTimeout: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    steps: z.array(z.object({ select: selectSchema, action: actionSchema }).strict()).min(1, 'expected at least one step'),
  })
  .strict();

export type RawPlan = z.infer<typeof planSchema>;

export const configSchema = z
  .object({
    labels: z.object({ bizline: nonEmpty.optional(), tier: nonEmpty.optional() }).strict().optional(),
    engine: engineSchema.optional(),
    /** Where dockpit keeps its state: a folder, `etcd://…`, or a block (src/config/state-config.ts). */
    state: stateSchema.optional(),
    hosts: z.array(hostSchema).min(1, 'expected at least one host'),
    ipPools: z.array(poolSchema).optional(),
    lines: z.record(z.string(), lineSchema).optional(),
    plans: z.array(planSchema).optional(),
    /** A folder of YAML files, each one plan or a list of plans. */
    plansDir: nonEmpty.optional(),
    /** A registry (`host:port`) a migration pulls a missing image from before streaming it engine to engine. */
    registry: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'expected host or host:port').optional(),
    /** Issue 15: alert rules and where alerts go (src/alerts/rules-schema.ts). */
    alerts: alertsSchema.optional(),
  })
  .strict();

export type RawPool = z.infer<typeof poolSchema>;
export type RawLine = z.infer<typeof lineSchema>;

export type RawConfig = z.infer<typeof configSchema>;
export type RawHost = z.infer<typeof hostSchema>;
