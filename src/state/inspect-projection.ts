import type { ContainerInspect } from '../engine/container-inspect.js';

// What makes two inspect records the same configuration, for every backend's InspectRecords.save: an
// unchanged one is not written again.

/** JSON with object keys sorted: two bodies that differ only in key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The part of an inspect that says how to recreate the container. State timing, PIDs, restart counts,
 * health logs and the like change while nothing an operator configured did: they are left out, so a quiet
 * fleet writes nothing.
 */
export function stableProjection(inspect: ContainerInspect): string {
  const networks: Record<string, unknown> = {};
  for (const [name, n] of Object.entries(inspect.NetworkSettings?.Networks ?? {})) {
    networks[name] = { IPAMConfig: n.IPAMConfig ?? null, IPAddress: n.IPAddress ?? '', Aliases: n.Aliases ?? null };
  }
  return canonical({
    Id: inspect.Id,
    Name: inspect.Name,
    Image: inspect.Image,
    Config: inspect.Config,
    HostConfig: inspect.HostConfig,
    Mounts: inspect.Mounts ?? null,
    Networks: networks,
    Status: inspect.State?.Status ?? null,
  });
}
