import { UsageError } from '../config/config-error.js';
import { parseCpus, parseMemory } from '../config/resource-values.js';
import type { PlacementDecision } from '../pool/place.js';

// What a placement asks for (issue 4, item 5): `dockpit run`'s option values and the cockpit form's fields,
// checked before anything is contacted (exit 2), and the engine's create body built from them and a
// placement decision. Pure.

/** The raw strings of `dockpit run` (or the cockpit's form), as typed. */
export interface RunArgs {
  name?: string;
  line?: string;
  env: string[];
  cpus?: string;
  memory?: string;
  restart?: string;
  dryRun: boolean;
  /** `--keep-on-conflict`: a started container whose address another holds is left running (issue 13). */
  keepOnConflict?: boolean;
  image?: string;
  /** The container's command: everything after IMAGE, verbatim. */
  cmd: string[];
}

export interface RestartPolicy {
  Name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount: number;
}

export interface RunSpec {
  name: string;
  line: string;
  image: string;
  cmd: string[];
  env: string[];
  nanoCpus: number | null;
  memoryBytes: number | null;
  restart: RestartPolicy | null;
  dryRun: boolean;
  /** Leave the new container running when the census after its start finds another holder of its address. */
  keepOnConflict?: true;
}

/** The engine's rule for container names (daemon/names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * The engine sets no length limit, but a name is a file name in the state (`placing/NAME.lock`,
 * `records/HOST/NAME.json` and their `.NAME.json.PID.RANDOM.tmp` siblings) and NAME_MAX is 255 bytes: 128 leaves room for
 * every suffix (issue 17, item 6: a 300-character name passed --dry-run, then failed with ENAMETOOLONG).
 */
export const MAX_NAME_LENGTH = 128;

// The size and CPU parsers live with the config (plans read them too); `run` re-exports them.
export { MIN_MEMORY_BYTES, parseCpus, parseMemory } from '../config/resource-values.js';

/** `--env KEY=VALUE` (the value may be empty or hold '='). */
export function parseEnv(entry: string): string {
  const eq = entry.indexOf('=');
  if (eq <= 0 || /\s/.test(entry.slice(0, eq))) throw new UsageError(`--env ${entry}: expected KEY=VALUE`);
  return entry;
}

/** `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`, as docker's --restart. */
export function parseRestart(text: string): RestartPolicy {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(text.trim());
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) {
    throw new UsageError(`--restart ${text}: expected no, always, unless-stopped, on-failure or on-failure:N`);
  }
  return { Name: m[1] as RestartPolicy['Name'], MaximumRetryCount: m[2] === undefined ? 0 : Number(m[2]) };
}

export function parseRunSpec(a: RunArgs): RunSpec {
  if (a.name === undefined) throw new UsageError('run needs --name NAME');
  if (!NAME.test(a.name)) throw new UsageError(`--name ${a.name}: expected letters, digits, "_", "." or "-", at least 2, starting with a letter or digit`);
  if (a.name.length > MAX_NAME_LENGTH) throw new UsageError(`--name: ${a.name.length} characters, at most ${MAX_NAME_LENGTH} (${a.name.slice(0, 20)}…)`);
  if (a.line === undefined) throw new UsageError('run needs --line LINE');
  if (a.image === undefined) throw new UsageError('run needs an IMAGE');
  return {
    name: a.name,
    line: a.line,
    image: a.image,
    cmd: a.cmd,
    env: a.env.map(parseEnv),
    nanoCpus: a.cpus === undefined ? null : parseCpus(a.cpus),
    memoryBytes: a.memory === undefined ? null : parseMemory(a.memory),
    restart: a.restart === undefined ? null : parseRestart(a.restart),
    dryRun: a.dryRun,
    ...(a.keepOnConflict === true && { keepOnConflict: true as const }),
  };
}

/** The engine's `POST /containers/create` body: the decision's host network with its static address. */
export function containerCreateBody(d: PlacementDecision, spec: RunSpec) {
  return {
    name: d.name,
    Image: spec.image,
    ...(spec.cmd.length > 0 && { Cmd: spec.cmd }),
    Env: spec.env,
    Labels: d.labels,
    HostConfig: {
      NetworkMode: d.network,
      ...(spec.nanoCpus !== null && { NanoCpus: spec.nanoCpus }),
      ...(spec.memoryBytes !== null && { Memory: spec.memoryBytes }),
      ...(spec.restart !== null && { RestartPolicy: spec.restart }),
    },
    NetworkingConfig: { EndpointsConfig: { [d.network]: { IPAMConfig: { IPv4Address: d.ip } } } },
  };
}
