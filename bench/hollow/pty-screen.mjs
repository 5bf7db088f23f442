// The real dockpit binary in a pseudo-terminal (util-linux `script`), its output watched as it is
// written: a marker's time is when the frame holding it reached the terminal, which is what an operator sees.
// `execAt` is when the shell in the pty was about to exec the program (a line it prints just before, read
// the same way as the frames): a launch counts from there, not from the harness's own start (script, sh,
// stty: 50-100 ms that no operator's launch has).
import { execFileSync, spawn } from 'node:child_process';

export function epochMs() {
  return performance.timeOrigin + performance.now();
}

const EXEC_MARK = 'pty-screen:exec';

export class PtyScreen {
  constructor(args, { rows = 50, cols = 160, env = {} } = {}) {
    const command = `stty rows ${rows} cols ${cols}; echo ${EXEC_MARK}; exec env -u CI ${args.map((a) => `'${a}'`).join(' ')}`;
    this.startedAt = epochMs();
    this.execAt = null;
    this.child = spawn('script', ['-qfc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    this.tail = '';
    this.bytes = 0;
    this.waiters = new Set();
    this.exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdout.on('data', (chunk) => {
      const at = epochMs();
      const text = chunk.toString('utf8');
      if (this.execAt === null && text.includes(EXEC_MARK)) this.execAt = at;
      this.bytes += chunk.length;
      // A marker can straddle two reads: search the end of the previous one too.
      const window = this.tail + text;
      for (const w of this.waiters) {
        const m = w.pattern.exec(window);
        if (m) {
          this.waiters.delete(w);
          w.resolve({ at, match: m });
        }
      }
      this.tail = window.slice(-400);
    });
  }

  /** The dockpit process itself (script's child), for CPU and RSS. */
  pid() {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(this.child.pid)], { encoding: 'utf8' }).trim();
    return Number(out.split(/\s+/)[0]);
  }

  /** Resolves with { at, match } when output matching `pattern` is written, or null after `timeoutMs`. */
  waitFor(pattern, timeoutMs = 10_000) {
    return new Promise((resolve) => {
      const w = { pattern, resolve: (v) => (clearTimeout(timer), resolve(v)) };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        resolve(null);
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  write(keys) {
    this.child.stdin.write(keys);
  }

  async quit() {
    if (this.child.exitCode !== null) return;
    this.write('q');
    const done = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
    if (!done) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
