// `npm run chaos`: the runner is TypeScript (test/chaos/main.ts, which shares the fleet helpers of the
// tests); esbuild bundles it into node_modules/.cache (packages stay external, resolved from the repo),
// then it runs in this process with the arguments after `--`.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'node_modules/.cache/dockpit-chaos/main.mjs');
await esbuild.build({
  entryPoints: [path.join(root, 'test/chaos/main.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
process.chdir(root);
await import(pathToFileURL(out).href);
