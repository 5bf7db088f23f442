import { ConfigError } from '../../config/config-error.js';
import { locateConfig } from '../../config/locate-config.js';
import type { FleetConfig } from '../../config/types.js';
import { checkHost } from '../../engine/host-check.js';
import { mapLimited } from '../../engine/map-limited.js';
import { configCheckJson, configCheckLines, type HostCheckRow } from '../../render/config-check-lines.js';
import type { CommandContext } from './types.js';

/** Hosts contacted at once: SSH handshakes cost this machine CPU, and 200 at once would time each other out. */
const PARALLEL = 32;

/**
 * `dockpit config check` (issue 16, item 3): the config is valid (else its file:line error, exit 2), and each
 * host answers one call within the config's timeouts (exit 0), or the table says which did not (exit 1).
 * Changes nothing; the state is not opened.
 */
export async function configCheckCommand({ args, out, err }: Omit<CommandContext, 'config'>): Promise<number> {
  let config: FleetConfig;
  try {
    config = locateConfig(args.config);
  } catch (e) {
    if (!(e instanceof ConfigError) || !args.json) throw e;
    // The --json twin of the file:line message; the message still goes to stderr, as for every bad config.
    out(JSON.stringify({ config: e.file ?? args.config ?? null, valid: false, ok: false, error: { file: e.file ?? null, line: e.line ?? null, field: e.field ?? null, message: e.message } }, null, 2));
    err(`dockpit: ${e.toString()}`);
    return 2;
  }
  const rows: HostCheckRow[] = await mapLimited(config.hosts, PARALLEL, async (h) => ({
    name: h.name,
    transport: h.transport,
    endpoint: h.endpoint,
    result: await checkHost(h, config.engine),
  }));
  out(args.json ? JSON.stringify(configCheckJson(config.source, rows), null, 2) : configCheckLines(config.source, rows));
  return rows.every((r) => r.result.ok) ? 0 : 1;
}
