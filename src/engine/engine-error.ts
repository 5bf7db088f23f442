import { DockpitError, toDockpitError } from './errors.js';

/**
 * toDockpitError, keeping what the engine said. For an HTTP error, docker-modem's `reason` is its own label
 * for the status (create answers 404 "no such container" when the image is missing); the engine's own
 * words are in `json.message` ("No such image: …", "Pool overlaps with other one …"). The code still comes
 * from the status alone: the text is for the operator, never matched.
 */
export function engineError(err: unknown, context?: string): DockpitError {
  const coded = toDockpitError(err, context);
  if (coded.statusCode === undefined) return coded;
  const json = (err as { json?: unknown } | null)?.json;
  const said =
    typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string'
      ? (json as { message: string }).message
      : typeof json === 'string'
        ? json
        : null;
  return said?.trim() ? new DockpitError(coded.code, `${coded.message}: ${said.trim()}`, coded.statusCode) : coded;
}
