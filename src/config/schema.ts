import { z } from 'zod';

// The file format. Strict objects so that a typo ("identifyFile") is an error, not a silently ignored key.

const nonEmpty = z.string().min(1, 'expected a non-empty string');

export const hostSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a host name of letters, digits, ".", "_" or "-"'),
    url: z
      .string()
      .regex(/^(unix|tcp|https|ssh):\/\/.+/, 'expected a URL starting with unix://, tcp://, https:// or ssh://'),
    socket: nonEmpty.optional(),
    identityFile: nonEmpty.optional(),
    knownHosts: nonEmpty.optional(),
    tls: z.object({ ca: nonEmpty, cert: nonEmpty, key: nonEmpty }).strict().optional(),
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
  })
  .strict();

export const configSchema = z
  .object({
    labels: z.object({ bizline: nonEmpty.optional(), tier: nonEmpty.optional() }).strict().optional(),
    engine: engineSchema.optional(),
    hosts: z.array(hostSchema).min(1, 'expected at least one host'),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type RawHost = z.infer<typeof hostSchema>;
