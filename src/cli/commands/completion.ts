import { UsageError } from '../../config/config-error.js';
import type { CliArgs } from '../args.js';
import { completionScript, SHELLS, type Shell } from '../completion-scripts.js';

/** `dockpit completion bash|zsh`: prints the script. Needs no config: it reads the config on each Tab. */
export function completionCommand(args: Pick<CliArgs, 'target'>, out: (text: string) => void): number {
  const shell = args.target;
  if (!SHELLS.includes(shell as Shell)) throw new UsageError(`completion: unknown shell "${shell}" (expected bash or zsh)`);
  out(completionScript(shell as Shell).trimEnd());
  return 0;
}
