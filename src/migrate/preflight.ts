import type { IpPool } from '../config/types.js';
import { networkDifferences } from '../pool/network-spec.js';
import { addressOn, createBody, isIdReference, localData, otherNetworks, type SourceInspect } from './container-spec.js';
import type { Blocker, MoveFacts, MoveOptions, MovePlan, SourceFacts, StepName } from './types.js';
import { hostIsUp } from '../engine/host-up.js';

// Issue 6, item 2: the preflight, a pure planner (style.md): what the fleet looks like in, the move's steps
// and everything that blocks it out, before the source is touched. The plan is also the preview.


/** The pool whose network the container is on (its static address lives there). */
export function poolOf(pools: readonly IpPool[], inspect: SourceInspect): IpPool | null {
  const nets = Object.keys(inspect.NetworkSettings?.Networks ?? {});
  return pools.find((p) => nets.includes(p.network)) ?? null;
}

function gateOf(inspect: SourceInspect, o: MoveOptions): MovePlan['gate'] {
  const test = inspect.Config.Healthcheck?.Test;
  // ["NONE"] disables an image's healthcheck: then there is none to wait for.
  const has = Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
  return { kind: has ? 'healthcheck' : 'running', seconds: o.gateSeconds, timeoutSeconds: o.gateTimeoutSeconds };
}

/** Why there is no configuration to move NAME from: not on its (up) host, or nothing recorded of it. */
export function noSourceReason(name: string, source: SourceFacts): string {
  if (source.missing !== undefined) return source.missing;
  if (hostIsUp(source.state)) return `${name} is not on ${source.host}`;
  return `${source.host} is ${source.state} and dockpit has no recorded configuration of ${name} (dockpit record, or the cockpit, records it while the host is up)`;
}

/** What refuses a move whose source cannot be read at all: nothing else can be planned. */
export type PreflightResult = { ok: true; plan: MovePlan } | { ok: false; blocker: Blocker };

export function preflight(f: MoveFacts, pools: readonly IpPool[], o: MoveOptions): PreflightResult {
  const { source, target, name } = f;
  const inspect = source.inspect;
  if (source.host === target.name) return { ok: false, blocker: { code: 'SAME_HOST', message: `${name} is already on ${target.name}` } };
  if (!inspect) return { ok: false, blocker: { code: 'NO_SOURCE', message: noSourceReason(name, source) } };
  const blockers: Blocker[] = [];
  const warnings: string[] = [];
  const live = hostIsUp(source.state) && source.recordedAt === null;
  if (!live && !o.fenced) {
    const lr = source.liveRestore === false ? '' : ' with live-restore its containers may still run and hold their addresses;';
    blockers.push({ code: 'NOT_FENCED', message: `${source.host} is ${source.state}:${lr} confirm that it is fenced (powered off or cut from the LAN) with --fenced ${source.host}` });
  }
  if (!hostIsUp(target.state)) blockers.push({ code: 'TARGET_DOWN', message: `${target.name} is ${target.state}${target.error ? ` (${target.error})` : ''}` });

  const holder = target.containers.find((c) => c.name === name);
  if (holder) {
    const what = holder.state === 'dead' ? 'a Dead container' : holder.state === 'running' ? 'a running container' : `a leftover ${holder.state} container`;
    blockers.push({ code: 'NAME_TAKEN', message: `${target.name} already has ${what} named ${name} (${holder.id.slice(0, 12)}): remove it first` });
  }

  const pool = poolOf(pools, inspect);
  const network = pool?.network ?? null;
  const ip = network === null ? null : addressOn(inspect, network);
  if (pool === null) warnings.push(`${name} is on no pool's network: it moves without a static address`);
  if (network !== null && ip !== null) {
    for (const h of f.fleet) {
      for (const c of h.containers) {
        if (h.name === source.host && (c.id === inspect.Id || c.name === name)) continue; // the source itself
        if (c.ips[network] === ip) blockers.push({ code: 'IP_TAKEN', message: `${ip} is held by ${h.name}/${c.name} (${c.state})${hostIsUp(h.state) ? '' : ` as last seen: ${h.name} is ${h.state}`}` });
      }
    }
    // Issue 13, item 3: a host that does not answer is unknown, not empty: it may hold the address.
    const unseen = f.fleet.filter((h) => h.name !== source.host && h.name !== target.name && !hostIsUp(h.state)).map((h) => `${h.name} (${h.state})`);
    if (unseen.length > 0) warnings.push(`not seen: ${unseen.join(', ')} did not answer: whether ${unseen.length === 1 ? 'it holds' : 'they hold'} ${ip} is not known`);
  }

  let networkAction: MovePlan['networkAction'] = 'none';
  if (pool !== null) {
    if (target.network === null) networkAction = 'create';
    else {
      networkAction = 'present';
      const diff = target.network === undefined ? [] : networkDifferences(pool, target.network);
      if (diff.length > 0) blockers.push({ code: 'NETWORK_MISMATCH', message: `${target.name}'s network ${pool.network} differs from pool ${pool.name}: ${diff.join(', ')}` });
    }
  }

  const data = localData(inspect);
  if (data.length > 0 && !o.leaveData) {
    blockers.push({
      code: 'LOCAL_DATA',
      message: `${name} has data on ${source.host} that cannot move (${data.map((d) => `${d.type} ${d.source} → ${d.destination}`).join(', ')}): --leave-data starts it on ${target.name} without it`,
    });
  }

  const ref = inspect.Config.Image ?? inspect.Image;
  let imageAction: MovePlan['image']['action'] = 'present';
  if (target.image === 'other-id') {
    imageAction = 'conflict';
    blockers.push({ code: 'IMAGE_TAG_CONFLICT', message: `${target.name}'s ${ref} is another image than ${name}'s (${inspect.Image.slice(0, 19)})` });
  } else if (target.image !== 'present') {
    imageAction = o.registry !== null && !isIdReference(ref, inspect.Image) ? 'pull' : 'stream';
    if (!live && imageAction === 'stream') {
      blockers.push({ code: 'IMAGE_UNAVAILABLE', message: `${target.name} lacks ${ref} and ${source.host} cannot stream it (no registry configured)` });
    }
  }

  const dropped = otherNetworks(inspect, network);
  if (dropped.length > 0) warnings.push(`${name} is also on ${dropped.join(', ')}: the target is attached to ${network ?? inspect.HostConfig.NetworkMode} only`);
  if (!live) warnings.push(`from the configuration recorded at ${source.recordedAt ?? '?'}: changes made since on ${source.host} are not known`);
  if (source.recordError !== undefined) warnings.push(`not recorded: ${source.recordError}: a later move from ${source.host}, once it is down, would have no record of it`);

  // A container that was not running moves as it is: created on the target, never started.
  const running = inspect.State?.Running === true || inspect.State?.Status === 'running' || inspect.State?.Status === 'paused';
  const steps: StepName[] = [];
  if (networkAction === 'create') steps.push('network');
  if (imageAction !== 'present') steps.push('image');
  steps.push('create');
  if (live) steps.push(...(running ? (['stop-source', 'park-source'] as const) : (['park-source'] as const)));
  if (running) steps.push('start-target', 'gate');
  if (live && !o.keepSource) steps.push('remove-source');

  const memory = inspect.HostConfig['Memory'];
  return {
    ok: true,
    plan: {
      name,
      from: source.host,
      to: target.name,
      sourceId: inspect.Id,
      sourceState: inspect.State?.Status ?? 'unknown',
      sourceMode: live ? 'live' : 'recorded',
      recordedAt: live ? null : source.recordedAt,
      pool: pool?.name ?? null,
      network,
      ip,
      image: { id: inspect.Image, ref, action: imageAction },
      networkAction,
      localData: data,
      droppedNetworks: dropped,
      gate: gateOf(inspect, o),
      memoryBytes: typeof memory === 'number' ? memory : 0,
      steps,
      body: createBody(inspect, network, ip),
      source: inspect,
      blockers,
      warnings,
      options: o,
    },
  };
}
