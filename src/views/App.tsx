import { Box, Text, useApp, useInput } from 'ink';
import { useState } from 'react';
import type { FleetStore } from '../store/fleet-store.js';
import { ContainersTable, useContainerRows } from './ContainersTable.js';
import { fit } from './format.js';
import { HostsTable, useHostRows } from './HostsTable.js';
import { commandFor } from './keymap.js';
import { clampCursor } from './table-layout.js';
import { StatusLine } from './StatusLine.js';
import { StoreContext } from './store-context.js';
import { useTerminalSize } from './use-terminal-size.js';

type Screen = { kind: 'hosts'; cursor: number } | { kind: 'containers'; host?: string; cursor: number };

export interface AppProps {
  store: FleetStore;
  /** Where the hosts came from, shown in the title. */
  source: string;
  initialScreen?: 'hosts' | 'containers';
}

export function App({ store, source, initialScreen = 'hosts' }: AppProps) {
  return (
    <StoreContext.Provider value={store}>
      <Cockpit source={source} initialScreen={initialScreen} />
    </StoreContext.Provider>
  );
}

function title(screen: Screen): string {
  if (screen.kind === 'hosts') return 'hosts';
  return screen.host ? `containers on ${screen.host}` : 'containers';
}

function Cockpit({ source, initialScreen }: { source: string; initialScreen: 'hosts' | 'containers' }) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [stack, setStack] = useState<Screen[]>([{ kind: initialScreen, cursor: 0 }]);
  const screen = stack[stack.length - 1]!;
  const hostRows = useHostRows();
  const containerRows = useContainerRows(screen.kind === 'containers' ? screen.host : undefined);
  const count = screen.kind === 'hosts' ? hostRows.length : containerRows.length;
  const cursor = clampCursor(screen.cursor, count);
  // Never as tall as the terminal: Ink 6 then clears and redraws every frame (engine-facts.md).
  const height = Math.max(3, rows - 1);
  const width = Math.max(20, columns - 1);
  const tableHeight = height - 2;

  const setCursor = (c: number) => setStack((s) => [...s.slice(0, -1), { ...screen, cursor: clampCursor(c, count) }]);

  useInput((input, key) => {
    switch (commandFor(input, key)) {
      case 'down':
        return setCursor(cursor + 1);
      case 'up':
        return setCursor(cursor - 1);
      case 'top':
        return setCursor(0);
      case 'bottom':
        return setCursor(count - 1);
      case 'pageDown':
        return setCursor(cursor + Math.max(1, tableHeight - 1));
      case 'pageUp':
        return setCursor(cursor - Math.max(1, tableHeight - 1));
      case 'open':
        if (screen.kind === 'hosts' && hostRows[cursor]) {
          setStack((s) => [...s, { kind: 'containers', host: hostRows[cursor]!.name, cursor: 0 }]);
        }
        return;
      case 'back':
        if (stack.length > 1) setStack((s) => s.slice(0, -1));
        return;
      case 'quit':
        return exit();
      default:
        return;
    }
  });

  const heading = `dockpit · ${title(screen)} (${count})`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color="cyan">
        {fit(`${heading}  ${source}`, width)}
      </Text>
      {screen.kind === 'hosts' ? (
        <HostsTable rows={hostRows} cursor={cursor} height={tableHeight} width={width} />
      ) : (
        <ContainersTable rows={containerRows} host={screen.host} cursor={cursor} height={tableHeight} width={width} />
      )}
      <StatusLine width={width} />
    </Box>
  );
}
