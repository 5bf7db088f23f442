import { DetailScreen } from '../DetailScreen.js';
import { LogsScreen } from '../LogsScreen.js';
import { emptyRunForm } from '../run-form.js';
import { RunFormScreen } from '../RunFormScreen.js';
import { containerName, type ScreenDef } from './screen-def.js';
import type { Shell } from './shell.js';
import { migrateFrom } from './table-screens.js';

export const detailDef: ScreenDef<'detail'> = {
  title: (r, s) => `container ${containerName(s, r.host, r.id)} on ${r.host}`,
  Body: ({ route, top, height, width, onLines }) => <DetailScreen host={route.host} id={route.id} scroll={top.cursor} height={height} width={width} onLines={onLines} reveal={top.reveal} />,
  keys: {
    reveal: (shell) => shell.setTop({ reveal: !shell.top().reveal }),
    migrate: (shell, r) => migrateFrom(shell, r),
  },
};

/** The log's cursor is unused while following: pausing starts it at the newest page, where the view is. */
function pause(shell: Shell): void {
  if (shell.top().follow) shell.navigate('bottom');
  shell.setTop({ follow: false });
}

export const logsDef: ScreenDef<'logs'> = {
  title: (r, s) => `log of ${containerName(s, r.host, r.id)} on ${r.host}`,
  Body: ({ route, top, height, width, onLines }) => <LogsScreen host={route.host} id={route.id} scroll={top.cursor} height={height} width={width} onLines={onLines} follow={top.follow} />,
  keys: {
    follow: (shell) => {
      const following = shell.top().follow;
      if (following) shell.navigate('bottom');
      shell.setTop({ follow: !following });
    },
    up: (shell) => {
      pause(shell);
      shell.navigate('up');
    },
    pageUp: (shell) => {
      pause(shell);
      shell.navigate('pageUp');
    },
    bottom: (shell) => {
      shell.setTop({ follow: true });
      shell.navigate('bottom');
    },
  },
};

/** The placement form: its keys are the form's (a mode of the key dispatcher), not the keymap's. */
export const runDef: ScreenDef<'run'> = {
  title: () => 'new container',
  Body: ({ route, height, width, shell }) => <RunFormScreen form={shell.form.getForm() ?? emptyRunForm(route.line)} height={height} width={width} />,
};
