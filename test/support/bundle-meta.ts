import fs from 'node:fs';
import path from 'node:path';

// dist/ is an esbuild bundle (scripts/bundle.mjs): which chunk holds what is in its metafile, dist/bundle-meta.json.

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** The cockpit's code: Ink, React and its reconciler, yoga (the bundle's synchronous shim of it), src/views. */
export const UI_INPUT = /(^|\/)node_modules\/(ink|react|react-reconciler|yoga-layout)\/|^src\/views\/|^yoga-sync:/;

/** Absolute paths of the bundle's JavaScript files that hold an input matching `input`. */
export function chunksHolding(input: RegExp): string[] {
  const file = path.resolve('dist/bundle-meta.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (dist/ is an esbuild bundle since issue 16)`);
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as Metafile;
  return Object.entries(meta.outputs)
    .filter(([out, o]) => out.endsWith('.js') && Object.keys(o.inputs).some((i) => input.test(i)))
    .map(([out]) => path.resolve(out));
}
