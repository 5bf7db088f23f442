// Masking of secret env values (issue "The cockpit", item 2): the detail screen and `dockpit inspect` show
// an env var's key always, its value only when the key doesn't look secret or the operator asked (`x`).

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
