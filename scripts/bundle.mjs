// `npm run build` after tsc: dist/cli.js becomes one ESM module graph (no package resolution at run
// time). Every dynamic import() in src/ is a split point: the cockpit (Ink, React, src/views) is its
// own chunk, loaded only by `dockpit` with no command. dist/bundle-meta.json says which chunk holds
// what (test/integration/single-executable.test.ts and the watch test check headless commands with it).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { commonOptions, root } from './build-options.mjs';

const dist = path.join(root, 'dist');
const chunks = path.join(dist, 'chunks');
const started = Date.now();
const result = await esbuild.build({
  ...commonOptions(),
  outdir: dist,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // A separate map, never read at start (no --enable-source-maps cost).
  sourcemap: 'linked',
  metafile: true,
  // CommonJS dependencies (dockerode, ssh2, …) call require() for Node's builtins and read
  // __dirname (for files they never open in dockpit's use: pageant.exe, buildkit protos).
  banner: {
    js: [
      "import { createRequire as __dockpitCreateRequire } from 'node:module';",
      "import { fileURLToPath as __dockpitFileURLToPath } from 'node:url';",
      "const require = __dockpitCreateRequire(import.meta.url);",
      "const __filename = __dockpitFileURLToPath(import.meta.url);",
      "import { dirname as __dockpitDirname } from 'node:path';",
      "const __dirname = __dockpitDirname(__filename);",
    ].join('\n'),
  },
});
fs.writeFileSync(path.join(dist, 'bundle-meta.json'), JSON.stringify(result.metafile));
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
// Chunks of earlier builds go once they are older than any dockpit still running from them
// (the tree is shared: a cockpit started before this build may still import its UI chunk).
const current = new Set(Object.keys(result.metafile.outputs).map((o) => path.resolve(root, o)));
for (const f of fs.readdirSync(chunks)) {
  const file = path.join(chunks, f);
  if (!current.has(file) && Date.now() - fs.statSync(file).mtimeMs > 3_600_000) fs.rmSync(file, { force: true });
}
console.log(`bundle: dist/cli.js and ${fs.readdirSync(chunks).filter((f) => current.has(path.join(chunks, f))).length} files in dist/chunks in ${Date.now() - started} ms`);
