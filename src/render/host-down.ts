/** Why a host was skipped, as `network ensure` and `record` say it: `host is down: UNREACHABLE: …`. */
export function hostNotUpText(h: { state: string; error: string | null } | undefined): string {
  return `host is ${h?.state ?? 'down'}${h?.error ? `: ${h.error}` : ''}`;
}
