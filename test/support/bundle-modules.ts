import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// dist/dockpit.cjs is one esbuild bundle (scripts/bundle.mjs): which modules it holds is in its metafile,
// dist/bundle-meta.json; which of them a run evaluates, module-trace.cjs logs.

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The cockpit's code: Ink, React and its reconciler, yoga (the bundle's synchronous shim of it), src/views. */
export const UI_INPUT = /(^|\/)node_modules\/(ink|react|react-reconciler|yoga-layout)\/|^src\/views\/|^yoga-sync:/;

const BUNDLE = path.resolve('dist/dockpit.cjs');

/**
 * The bundle's modules matching `input` that are in its output, and those of them evaluated at its start
 * rather than lazily (no wrapper keyed by their path): module-trace.cjs cannot see those run.
 */
export function bundleModules(input: RegExp): { modules: string[]; eager: string[] } {
  const file = path.resolve('dist/bundle-meta.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (dist/ is an esbuild bundle since issue 16)`);
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as Metafile;
  const out = meta.outputs[path.relative(process.cwd(), BUNDLE)];
  if (!out) throw new Error(`${file}: no output dist/dockpit.cjs`);
  const modules = Object.entries(out.inputs).filter(([i, o]) => o.bytesInOutput > 0 && input.test(i)).map(([i]) => i);
  const code = fs.readFileSync(BUNDLE, 'latin1');
  // esbuild's lazy wrappers are methods keyed by the module's path: `{"src/views/App.tsx"(exports, module) {…`.
  return { modules, eager: modules.filter((m) => !code.includes(`${JSON.stringify(m)}(`)) };
}

/** A run's module log: node arguments and environment that preload module-trace.cjs, and the log's lines once it ran. */
export function moduleTrace(): { nodeArgs: string[]; env: Record<string, string>; read(): { bundle: string[]; modules: string[] }; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-modlog-'));
  const log = path.join(dir, 'modules.log');
  return {
    nodeArgs: ['--require', path.resolve('test/support/module-trace.cjs')],
    env: { DOCKPIT_MODULE_LOG: log },
    read() {
      const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      return { bundle: lines.filter((l) => l.startsWith('bundle ')).map((l) => l.slice(7)), modules: lines.filter((l) => !l.startsWith('bundle ')) };
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
