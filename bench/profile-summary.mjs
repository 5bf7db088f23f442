// Summarises a V8 .cpuprofile (node --cpu-prof) over a time window: where the main thread's time goes, by
// category and by function. A sample is attributed to the first frame, from the leaf up, that belongs to a
// known part (React, Ink, dockpit's engine, ...): Node's own HTTP parser or timers then count for whoever
// called them only when no category claims the leaf itself.
//
// Frames in a bundle (dist/dockpit.cjs, issue 16) are mapped back to their sources through the
// bundle's .map files, so that they count for their package or dockpit folder as they did before bundling.
//
//   node bench/profile-summary.mjs FILE.cpuprofile [--from US --to US]   (process.hrtime µs, as the bench records)
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The part a frame belongs to, by its script URL and name; null for frames that say nothing by themselves. */
function partOf(frame) {
  const url = frame.url ?? '';
  const fn = frame.functionName;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8/native (program)';
  if (/node_modules\/(react-reconciler|react|scheduler)\//.test(url)) return 'React';
  if (/node_modules\/yoga-layout/.test(url)) return 'Ink layout (yoga)';
  if (/node_modules\/(ink|cli-truncate|wrap-ansi|string-width|slice-ansi|ansi-|strip-ansi|widest-line|emoji-regex|get-east-asian-width|log-update|cli-boxes)/.test(url)) return 'Ink output (layout, text width, diff)';
  if (/node_modules\/(docker-modem|dockerode|debug)\//.test(url)) return 'docker client (dockerode, docker-modem)';
  if (/node_modules\/zustand/.test(url)) return 'zustand';
  if (/node_modules\//.test(url)) return `other package: ${/node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)[1]}`;
  if (/\/(dist|src)\/engine\//.test(url)) return 'dockpit engine';
  if (/\/(dist|src)\/store\//.test(url)) return 'dockpit store';
  if (/\/(dist|src)\/(views|render)\//.test(url)) return 'dockpit views';
  if (/\/(dist|src)\/(app|state|cli)\//.test(url)) return 'dockpit app/state';
  if (/\/(dist|src)\//.test(url)) return 'dockpit other';
  if (/^node:(_http|http|internal\/http|net|internal\/stream_base|internal\/streams|stream)/.test(url) || /^node:internal\/(url|querystring)|^node:(url|querystring)/.test(url)) return null;
  return null;
}

/** Node's own code, named by module, for samples no category claims. */
function nodePart(frame) {
  const url = frame.url ?? '';
  if (/^node:(_http|http|internal\/http)/.test(url) || frame.functionName === 'parserOnHeadersComplete' || frame.functionName === 'parserOnBody') return 'Node HTTP (client, parser)';
  if (/^node:(net|internal\/stream_base|dns|internal\/net)/.test(url)) return 'Node sockets';
  if (/^node:internal\/modules\//.test(url) || /^(compileSourceTextModule|wrapSafe|compileForInternalLoader)$/.test(frame.functionName)) return 'Node module loading (read, resolve, compile)';
  if (/^node:internal\/timers|^node:timers/.test(url)) return 'Node timers';
  if (/^node:(internal\/streams|stream)/.test(url)) return 'Node streams';
  if (/^node:internal\/process\/task_queues/.test(url)) return 'Node microtasks';
  if (url.startsWith('node:')) return 'Node other';
  if (frame.functionName === 'JSON.parse' || frame.functionName === 'parse') return 'JSON';
  return 'native/builtin';
}

/** A bundle's source map, or null for a script without one (read once per script). */
const maps = new Map();
function mapOf(url) {
  if (!maps.has(url)) {
    let map = null;
    try {
      // The launcher compiles the bundle under its plain path (vm.Script), modules come as file: URLs.
      const file = url.startsWith('/') ? url : fileURLToPath(url);
      const mapFile = `${file}.map`;
      if (fs.existsSync(mapFile)) map = { map: new SourceMap(JSON.parse(fs.readFileSync(mapFile, 'utf8'))), dir: path.dirname(mapFile) };
    } catch {
      // not a file URL (node:…, eval'd code): nothing to map
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/** Rewrites each frame of a bundled script to its original source file (in place). */
function unbundle(profile) {
  for (const n of profile.nodes) {
    const f = n.callFrame;
    if (!f.url?.startsWith('file:') || f.lineNumber < 0) continue;
    const m = mapOf(f.url);
    const entry = m?.map.findEntry(f.lineNumber, f.columnNumber);
    if (!entry?.originalSource) continue;
    const original = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(m.dir, entry.originalSource);
    n.callFrame = { ...f, url: pathToFileURL(original).href, lineNumber: entry.originalLine, columnNumber: entry.originalColumn };
  }
}

export function summarise(profile, fromUs = -Infinity, toUs = Infinity) {
  unbundle(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cats = new Map();
  const fns = new Map();
  let t = profile.startTime;
  let total = 0;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs || t > toUs) continue;
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i];
    total += dt;
    const leaf = byId.get(profile.samples[i]);
    let cat = partOf(leaf.callFrame);
    if (cat === 'idle') continue;
    busy += dt;
    if (cat === null) {
      // Node's own code: say what it is, and for whom (the first known caller up the stack).
      let id = parent.get(leaf.id);
      let caller = null;
      while (id !== undefined && caller === null) {
        caller = partOf(byId.get(id).callFrame);
        id = parent.get(id);
      }
      cat = `${nodePart(leaf.callFrame)}${caller ? ` ← ${caller}` : ''}`;
    }
    cats.set(cat, (cats.get(cat) ?? 0) + dt);
    const f = leaf.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${(f.url ?? '').replace(/^.*\/(node_modules|dist|src)\//, '$1/')}:${f.lineNumber + 1}`;
    fns.set(name, (fns.get(name) ?? 0) + dt);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { windowMs: total / 1000, busyMs: busy / 1000, busyPercent: total ? (busy / total) * 100 : NaN, categories: sorted(cats), functions: sorted(fns) };
}

export function formatSummary(s, top = 25) {
  const pct = (us) => `${((us / 1000 / s.windowMs) * 100).toFixed(2)} %`;
  const lines = [`window ${(s.windowMs / 1000).toFixed(1)} s; main thread busy ${s.busyPercent.toFixed(2)} % of a core`, 'by category (share of a core):'];
  for (const [c, us] of s.categories) lines.push(`  ${pct(us).padStart(8)}  ${c}`);
  lines.push(`top ${top} functions (self):`);
  for (const [f, us] of s.functions.slice(0, top)) lines.push(`  ${pct(us).padStart(8)}  ${f}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string' } } });
  for (const file of positionals) {
    const p = JSON.parse(fs.readFileSync(file, 'utf8'));
    console.log(`${file}\n${formatSummary(summarise(p, Number(values.from ?? -Infinity), Number(values.to ?? Infinity)), Number(values.top ?? 25))}\n`);
  }
}
