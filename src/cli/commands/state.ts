import { UsageError } from '../../config/config-error.js';
import { initSharedFolder } from '../../state/file/state-folder.js';
import { addGroup, groupId } from '../../state/file/unix-group.js';
import { stateConfigOf } from '../../state/open-state.js';
import { withState } from '../with-state.js';
import type { CommandContext } from './types.js';

// `dockpit state init [--group G]` (issue 11, item 5): as root, the state folder shared by the operators of
// this jump host: owned root:G, mode 2770 (G's members read and write it, and what they create in it is
// G's; others see nothing). Without `state:` in the config that is /var/lib/dockpit.

const DEFAULT_GROUP = 'dockpit';
/** What groupadd accepts (shadow-utils' default rule). */
const GROUP_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export interface StateInitOptions {
  /** The operators' group; null: `dockpit`, created when missing. */
  group: string | null;
}

/** `dockpit state init`: index.ts binds it as `(ctx) => stateInit({ group: ctx.args.group ?? null }, ctx)`. */
export async function stateInit({ group }: StateInitOptions, { config, out }: CommandContext): Promise<number> {
  const sc = stateConfigOf(config);
  if (sc.kind !== 'file') throw new UsageError('state init makes a shared state folder; this config keeps its state on etcd, which needs none');
  const name = group ?? DEFAULT_GROUP;
  if (!GROUP_NAME.test(name)) throw new UsageError(`--group ${name}: expected a group name (lower-case letters, digits, "_" and "-", at most 32)`);
  if (process.getuid?.() !== 0) throw new UsageError(`state init changes ${sc.dir} and the groups of this jump host: run it as root (sudo dockpit state init --group ${name})`);
  let gid = await groupId(name);
  const newGroup = gid === null;
  gid ??= await addGroup(name);
  const { created, adjusted } = await initSharedFolder(sc.dir, gid);
  await withState(config, (state) => state.audit.append({ action: 'state.init', targets: [sc.dir], details: { group: name, gid, newGroup, created, adjusted }, outcome: 'ok' }));
  out(`${sc.dir}: ${created ? 'created, ' : ''}owned root:${name}${newGroup ? ' (a new group)' : ''}, mode 2770${adjusted > 0 ? `; the ${adjusted} files and folders in it are the group's now` : ''}`);
  out(`add each operator to the group: sudo usermod -aG ${name} USER (in effect at their next login)`);
  return 0;
}
