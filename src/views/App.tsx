import { Box, Text, useApp, useInput } from 'ink';
import { useContext, useState } from 'react';
import type { FleetStore } from '../store/fleet-store.js';
import { ContainersTable, useContainerRows } from './ContainersTable.js';
import { fit } from './format.js';
import { HostsTable, useHostRows } from './HostsTable.js';
import { commandFor } from './keymap.js';
import { navigate, type Screen } from './navigation.js';
import { clampCursor } from './table-layout.js';
import { StatusLine } from './StatusLine.js';
import { StoreContext } from './store-context.js';
import { useTerminalSize } from './use-terminal-size.js';


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
  const store = useContext(StoreContext)!;
  const count = screen.kind === 'hosts' ? hostRows.length : containerRows.length;
  const cursor = clampCursor(screen.cursor, count);
  // Never as tall as the terminal: Ink 6 then clears and redraws every frame (engine-facts.md).
  const height = Math.max(3, rows - 1);
  const width = Math.max(20, columns - 1);
  const tableHeight = height - 2;

  useInput((input, key) => {
    // Several keys can arrive in one read ("jj"); each counts.
    const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
    for (const one of presses) {
      const command = commandFor(one, key);
      if (command === 'quit') return exit();
      if (command) setStack((s) => navigate(s, command, store.getState(), Math.max(1, tableHeight - 1)));
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
