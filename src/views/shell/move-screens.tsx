import { EvacuatePreviewScreen, MovePreviewScreen } from '../MovePreviewScreen.js';
import { MoveProgressScreen } from '../MoveProgressScreen.js';
import { MoveTargetsScreen } from '../MoveTargetsScreen.js';
import { useFleet } from '../store-context.js';
import type { ScreenDef } from './screen-def.js';
import type { ScreenProps } from './shell.js';

// Issue 6: the migration's target picker, its preview, an evacuation's preview, and the progress of the run.

export const moveTargetsDef: ScreenDef<'moveTargets'> = {
  title: (r) => `migrate ${r.name} from ${r.host}: target`,
  Body: ({ route, top, height, width, onLines, shell }) => (
    <MoveTargetsScreen loaded={shell.moves.loadedFor(shell.moves.getTargets(), route)} cursor={top.cursor} height={height} width={width} onLines={onLines} />
  ),
  keys: { open: (shell) => shell.moves.open() },
};

export const movePreviewDef: ScreenDef<'movePreview'> = {
  title: (r) => `migrate ${r.name} ${r.host} → ${r.to}: preview`,
  Body: ({ route, top, height, width, onLines, shell }) => (
    <MovePreviewScreen loaded={shell.moves.loadedFor(shell.moves.getPreview(), route)} leaveData={route.leaveData} scroll={top.cursor} height={height} width={width} onLines={onLines} />
  ),
  keys: { open: (shell) => shell.moves.open(), leaveData: (shell) => shell.moves.toggleLeaveData() },
};

function EvacuateBody({ route, top, height, width, onLines, shell }: ScreenProps<Extract<ScreenProps['route'], { kind: 'evacuate' }>>) {
  const hostState = useFleet((s) => s.hosts[route.host]?.state ?? 'unknown');
  return <EvacuatePreviewScreen loaded={shell.moves.loadedFor(shell.moves.getEvacuation(), route)} leaveData={route.leaveData} hostState={hostState} scroll={top.cursor} height={height} width={width} onLines={onLines} />;
}

export const evacuateDef: ScreenDef<'evacuate'> = {
  title: (r) => `evacuate ${r.host}: preview`,
  Body: EvacuateBody,
  keys: { open: (shell) => shell.moves.open(), leaveData: (shell) => shell.moves.toggleLeaveData() },
};

export const moveRunDef: ScreenDef<'moveRun'> = {
  title: () => 'migration',
  Body: ({ top, height, width, onLines, shell }) => <MoveProgressScreen scroll={top.cursor} height={height} width={width} onLines={onLines} canCancel={shell.can('cancelRun')} />,
  keys: { cancelRun: (shell) => void shell.moves.cancel() },
};
