import { execFileSync } from 'node:child_process';
import { CLI } from './fleet.js';

/** The real dockpit binary in a tmux session, driven by send-keys and read by capture-pane. */
export class TmuxSession {
  readonly name = `dockpit-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  /** `prefix`: argv the binary runs under (e.g. another network namespace and hostname: a jump host). */
  constructor(args: string[], size = { columns: 120, rows: 30 }, prefix: readonly string[] = []) {
    // `env -u CI`: with CI set, Ink writes only the final frame (engine-facts.md).
    const cmd = [...prefix, 'env', '-u', 'CI', 'node', CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', String(size.columns), '-y', String(size.rows), cmd]);
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  resize(columns: number, rows: number): void {
    execFileSync('tmux', ['resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows)]);
  }

  alive(): boolean {
    try {
      execFileSync('tmux', ['has-session', '-t', this.name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    if (this.alive()) execFileSync('tmux', ['kill-session', '-t', this.name]);
  }
}
