// A namespace import lets the bundler leave out what dockpit never uses (zod's other locales: 3/4 of its size, issue 16).
import * as z from 'zod';
import { maskSecretsDeep } from '../secrets/secret-env.js';
import type { AuditEntry, AuditRecord, Operator } from './types.js';

// What every backend writes and checks when it reads back: a reservation, an inspect record, an audit
// entry. Loose objects: fields a later dockpit adds survive a rewrite by this one.

export const reservationSchema = z.looseObject({
  name: z.string().min(1),
  pool: z.string().min(1),
  ip: z.string().min(1),
  line: z.string().nullable(),
  host: z.string().nullable(),
  at: z.string(),
  by: z.string(),
});

/** A record keeps every field of the engine's body, and of a later dockpit's record. */
export const inspectRecordSchema = z.looseObject({
  host: z.string(),
  name: z.string(),
  id: z.string(),
  seenAt: z.string(),
  inspect: z.looseObject({ Id: z.string(), Name: z.string() }),
});

/** The entry an audit log writes for `record`, by `operator` at `at`, in the documented field order. */
export function auditEntry(record: AuditRecord, operator: Operator, at: Date): AuditEntry {
  return {
    at: at.toISOString(),
    user: operator.user,
    from: operator.from,
    action: record.action,
    targets: record.targets,
    // Issue 17, item 3: an env secret never reaches the audit log (a run's env, a create body).
    details: maskSecretsDeep(record.details),
    outcome: record.outcome,
    ...(record.error !== undefined && { error: record.error }),
  };
}
