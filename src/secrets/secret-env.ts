// Masking of secret env values (issue "The cockpit", item 2): the detail screen and `dockpit inspect` show
// an env var's key always, its value only when the key doesn't look secret or the operator asked (`x`).
// Issue 17, item 3: the same rule keeps secrets out of journals, the audit log and `records show`.

/** The one list: a key containing any of these (case-insensitive) holds a secret. */
export const SECRET_KEY_PARTS: readonly string[] = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'KEY', 'CREDENTIAL', 'PRIVATE', 'AUTH'];

export const MASK = '••••••';

export function isSecretKey(key: string): boolean {
  const upper = key.toUpperCase();
  return SECRET_KEY_PARTS.some((part) => upper.includes(part));
}

/** Whether one `KEY=value` entry has a value to hide. An empty value is shown: "no password set" is worth seeing. */
export function isMaskable(entry: string): boolean {
  const eq = entry.indexOf('=');
  return eq > 0 && eq < entry.length - 1 && isSecretKey(entry.slice(0, eq));
}

/** `KEY=value` → `KEY=••••••` when the key looks secret; anything else unchanged. */
export function maskEnvEntry(entry: string): string {
  return isMaskable(entry) ? `${entry.slice(0, entry.indexOf('='))}=${MASK}` : entry;
}

export function maskEnv(env: readonly string[] | null | undefined): string[] | null {
  return env ? env.map(maskEnvEntry) : null;
}

/**
 * A copy of an inspect (any shape: the headless JSON keeps every field the engine sent) with the secret
 * env values of `Config.Env` masked. The input is not modified.
 */
export function maskInspect<T extends { Config?: { Env?: string[] | null } | null }>(inspect: T): T {
  if (!inspect.Config?.Env) return inspect;
  return { ...inspect, Config: { ...inspect.Config, Env: maskEnv(inspect.Config.Env) } };
}

/** The keys under which a container's env travels: the engine's `Env`, dockpit's own run spec's `env`. */
const ENV_KEYS: ReadonlySet<string> = new Set(['Env', 'env']);

const isEnvList = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');

/**
 * A copy of any JSON value (a journal record, an audit entry) with every env list in it masked: an array of
 * `KEY=value` strings under a key `Env` or `env`, at any depth (a migration journal holds create bodies and
 * inspects). The input is not modified; a value with nothing to mask comes back as it is.
 */
export function maskSecretsDeep<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((x) => {
        const y = walk(x);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? out : v;
    }
    if (typeof v !== 'object' || v === null) return v;
    let out: Record<string, unknown> | null = null;
    for (const [k, x] of Object.entries(v)) {
      const y = ENV_KEYS.has(k) && isEnvList(x) ? (x.some(isMaskable) ? x.map(maskEnvEntry) : x) : walk(x);
      if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
    }
    return out ?? v;
  };
  return walk(value) as T;
}

/** Whether an env list holds a masked value (one that must be restored from the container or its record). */
export function hasMaskedEntry(env: readonly string[] | null | undefined): boolean {
  return (env ?? []).some((e) => e.endsWith(`=${MASK}`) && isSecretKey(e.slice(0, e.indexOf('='))));
}

/** `masked` with each masked entry replaced by `real`'s entry of the same key; null when one has no counterpart. */
export function unmaskEnv(masked: readonly string[], real: readonly string[]): string[] | null {
  const byKey = new Map(real.map((e) => [e.slice(0, e.indexOf('=')), e]));
  const out: string[] = [];
  for (const e of masked) {
    const key = e.slice(0, e.indexOf('='));
    if (!(e.endsWith(`=${MASK}`) && isSecretKey(key))) out.push(e);
    else {
      const r = byKey.get(key);
      if (r === undefined) return null;
      out.push(r);
    }
  }
  return out;
}
