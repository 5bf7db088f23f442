import { UsageError } from '../config/config-error.js';
import type { FleetConfig } from '../config/types.js';

/**
 * `ps|top --bizline L` (issue 17, item 6): a line neither the config names nor any container carries is a
 * typo, refused as `run --line` refuses it (exit 2), not an empty list. Lines known only from labels count:
 * a config without `lines:` still filters by them. `seen`: the lines on the fleet's containers.
 */
export function requireLine(line: string | undefined, config: Pick<FleetConfig, 'lines'>, seen: Iterable<string | null>): void {
  if (line === undefined || Object.hasOwn(config.lines, line)) return;
  const labelled = new Set<string>();
  for (const l of seen) if (l !== null) labelled.add(l);
  if (labelled.has(line)) return;
  const known = Object.keys(config.lines);
  const onlyLabels = [...labelled].filter((l) => !known.includes(l)).sort();
  throw new UsageError(
    `--bizline ${line}: no such line in lines: (${known.length > 0 ? known.join(', ') : 'none configured'})` +
      ` nor on any container (${onlyLabels.length > 0 ? onlyLabels.join(', ') : 'none other'})`,
  );
}
