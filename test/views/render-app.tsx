// Helpers for view tests: render the cockpit on a fake terminal of a given size, and wait for frames.
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import type { FleetStore } from '../../src/store/fleet-store.js';
import type { CockpitActions } from '../../src/app/ports.js';
import { App } from '../../src/views/App.js';
import type { Route } from '../../src/views/routes.js';
import { RunEmitter } from './run-emitter.js';

export type Rendered = ReturnType<typeof render>;

export interface Size {
  columns: number;
  rows: number;
}

/**
 * ink-testing-library's Stdout has a `columns` getter (100) on its prototype and no `rows`; the cockpit then
 * assumes 24 rows. Shadow both on the instance and emit 'resize', as a real terminal does.
 */
export function resize(r: Rendered, size: Size): void {
  Object.defineProperty(r.stdout, 'columns', { value: size.columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: size.rows, configurable: true });
  r.stdout.emit('resize');
}

export interface RenderOptions {
  /** Fake engine actions (inspect, logs); without, the app's default (nothing connected). */
  actions?: CockpitActions;
  /** The first screen; the hosts screen unless given; `null` leaves it to <App> (business lines). */
  initialRoute?: Route | null;
  /** `--read-only`. */
  readOnly?: boolean;
}

/** Renders <App> and, when a size is given, waits until a frame of that size has been drawn. */
export async function renderApp(store: FleetStore, size?: Size, options: RenderOptions = {}): Promise<Rendered> {
  const { actions, initialRoute = { kind: 'hosts' }, readOnly } = options;
  const route = initialRoute === null ? {} : { initialRoute };
  // The fakes' runs reach the screens through this store, as the services' do through the coalescer.
  for (const port of [actions?.plans, actions?.migrate]) {
    const emitter = (port as { emitter?: unknown } | undefined)?.emitter;
    if (emitter instanceof RunEmitter) emitter.connect(store);
  }
  const r = render(<App store={store} actions={actions} source="test" {...route} readOnly={readOnly} />);
  await waitForFrame(r, (f) => f.includes('dockpit'));
  // Ink listens for 'resize' from the start; the cockpit's useTerminalSize only once its effect has run.
  await waitForFrame(r, () => r.stdout.listenerCount('resize') >= 2);
  if (size) {
    resize(r, size);
    await waitForFrame(r, (f) => frameLines(f).length === size.rows - 1 || frameLines(f).some((l) => stringWidth(l) > size.columns), 500).catch(() => '');
  }
  await settle();
  return r;
}

/** The frame as plain text lines (no colour codes). */
export function frameLines(frame: string | undefined): string[] {
  return stripVTControlCharacters(frame ?? '').split('\n');
}

export function plain(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lets React finish after a commit: Ink writes the frame at commit, but useInput re-subscribes the new
 * handler in a passive effect afterwards. A key typed at human speed arrives after that.
 */
export function settle(): Promise<void> {
  return sleep(15) as Promise<void>;
}

/** Polls the last frame until the predicate holds; fails with the last frame shown. */
export async function waitForFrame(
  r: Rendered,
  predicate: (frame: string) => boolean,
  timeoutMs = 2000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = plain(r.lastFrame());
    if (predicate(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; last frame:\n${frame}`);
    await sleep(5);
  }
}

/** Writes keys to stdin and waits until a new frame satisfying the predicate has been drawn. */
export async function press(r: Rendered, keys: string, predicate: (frame: string) => boolean = () => true): Promise<string> {
  const before = r.frames.length;
  r.stdin.write(keys);
  const frame = await waitForFrame(r, (f) => r.frames.length > before && predicate(f));
  await settle();
  return plain(r.lastFrame()) === frame ? frame : waitForFrame(r, predicate);
}

/** The line of the frame whose first cell is `name`, split into whitespace-separated cells. */
export function rowCells(frame: string, name: string): string[] {
  const line = frameLines(frame).find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no row "${name}" in frame:\n${frame}`);
  return line.trim().split(/\s+/);
}

/**
 * The rows of the table in the frame, cut at the columns where the header line shows `headers` (the screen's
 * column headers, in order; a column the layout left out is skipped). Each row maps a header to its cell.
 * Robust to empty cells and to values with spaces, unlike splitting on whitespace.
 */
export function tableRows(frame: string, headers: readonly string[]): Array<Record<string, string>> {
  const lines = frameLines(frame);
  const at = lines.findIndex((l) => l.startsWith(headers[0]!));
  if (at < 0) throw new Error(`no header "${headers[0]}" in frame:\n${frame}`);
  const header = lines[at]!;
  const starts: Array<{ name: string; start: number }> = [];
  let pos = 0;
  let next = 0;
  while (pos < header.length) {
    while (header[pos] === ' ') pos++;
    if (pos >= header.length) break;
    // The longest remaining header that starts here and ends at a column gap (a sort mark may follow it).
    let found = -1;
    for (let i = next; i < headers.length; i++) {
      const h = headers[i]!;
      const after = header[pos + h.length];
      if (header.startsWith(h, pos) && (after === undefined || after === ' ' || after === '▲' || after === '▼')) {
        if (found < 0 || h.length > headers[found]!.length) found = i;
      }
    }
    if (found < 0) throw new Error(`header cell at ${pos} is none of ${headers.join(', ')}:\n${header}`);
    starts.push({ name: headers[found]!, start: pos });
    pos += headers[found]!.length;
    if (header[pos] === '▲' || header[pos] === '▼') pos++;
    next = found + 1;
  }
  const rows: Array<Record<string, string>> = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '' || /^hosts \d+\/\d+ up/.test(line)) break;
    const row: Record<string, string> = {};
    starts.forEach((s, i) => {
      row[s.name] = line.slice(s.start, starts[i + 1]?.start ?? undefined).trim();
    });
    rows.push(row);
  }
  return rows;
}

/** The headers of a table screen's columns, in order. */
export function headersOf(screen: { columns: ReadonlyArray<{ header: string }> }): string[] {
  return screen.columns.map((c) => c.header);
}

export const ENTER = '\r';
export const TAB = '\t';
export const ESCAPE = '\u001B';
