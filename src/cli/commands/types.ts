import type { FleetConfig } from '../../config/types.js';
import type { CliArgs } from '../args.js';

export interface CommandContext {
  args: CliArgs;
  config: FleetConfig;
  /** Writes one line (or block) to stdout. */
  out: (text: string) => void;
  /** Writes one line to stderr. */
  err: (text: string) => void;
}

/** A headless command; resolves to the exit code. */
export type HeadlessCommand = (ctx: CommandContext) => Promise<number>;
