import { UsageError } from '../../config/config-error.js';
import { maskInspect } from '../../secrets/secret-env.js';
import { withState } from '../with-state.js';
import { EXIT_NOT_FOUND } from './inspect.js';
import type { HeadlessCommand } from './types.js';

// Issue 17, item 3: `dockpit records show HOST/NAME [--reveal] [--json]`. The record keeps the container's
// whole inspect (a migration off a dead host recreates it from there, real env included), so what is shown
// is masked with the cockpit's rule unless --reveal; a reveal is written to the audit log (who, which
// record) before anything is shown, and a log that cannot be written reveals nothing.

/** `HOST/NAME` → its parts; anything else is bad usage. */
function parseTarget(target: string): { host: string; name: string } {
  const slash = target.indexOf('/');
  const host = target.slice(0, slash);
  const name = target.slice(slash + 1).replace(/^\//, '');
  if (slash <= 0 || name === '' || name.includes('/')) throw new UsageError(`records show ${target}: expected HOST/NAME (e.g. h1/web-1)`);
  return { host, name };
}

export const recordsShowCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const { host, name } = parseTarget(args.target ?? '');
  if (!config.hosts.some((h) => h.name === host)) throw new UsageError(`records show: no host ${host} in ${config.source} (hosts: ${config.hosts.map((h) => h.name).join(', ')})`);
  return withState(config, async (state) => {
    let record;
    try {
      record = await state.records.load(host, name);
    } catch (e) {
      // An unsafe file name (load refuses it): bad usage, nothing read.
      if ((e as { code?: unknown }).code === 'PARSE') throw new UsageError(`records show: ${(e as Error).message}`);
      throw e;
    }
    if (record === null) {
      err(`dockpit: no record of ${name} on ${host} (dockpit record writes them; records show lists none for a container never recorded)`);
      return EXIT_NOT_FOUND;
    }
    if (args.reveal) {
      await state.audit.ready();
      await state.audit.append({ action: 'record.reveal', targets: [`${host}/${name}`], details: { id: record.id, seenAt: record.seenAt }, outcome: 'ok' });
    }
    const shown = args.reveal ? record : { ...record, inspect: maskInspect(record.inspect) };
    if (args.json) {
      out(JSON.stringify(shown, null, 2));
      return 0;
    }
    const env = shown.inspect.Config?.Env ?? [];
    out(`record ${host}/${name}: ${record.id.slice(0, 12)}, recorded ${record.seenAt}, image ${shown.inspect.Config?.Image ?? '?'}`);
    out(env.length > 0 ? ['env:', ...env.map((e) => `  ${e}`)].join('\n') : 'env: (none)');
    out(args.reveal ? '(secrets shown: this reveal is in the audit log)' : '(secrets masked: --reveal shows them, and writes who revealed this record to the audit log; --json: the whole record)');
    return 0;
  });
};
