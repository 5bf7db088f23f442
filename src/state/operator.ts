import os from 'node:os';
import type { Operator } from './types.js';

/** Who is running dockpit, and where. Under sudo, the person who ran sudo. */
export function currentOperator(env: NodeJS.ProcessEnv = process.env): Operator {
  let user = env.SUDO_USER;
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
    }
  }
  return { user, from: os.hostname() };
}

/** `user@jump-host`, as the ledger's `by` and in "being placed by …" messages. */
export function operatorLabel(o: Operator): string {
  return `${o.user}@${o.from}`;
}
