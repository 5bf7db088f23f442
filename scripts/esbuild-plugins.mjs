// esbuild plugins of the bundle (dist/dockpit.cjs, also the single executable's).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * `from` replaced by `to` in a dependency's file, for the plugin named `plugin`. Where the text is not there any
 * more (the package changed), the build stops rather than ship the file unedited.
 */
function edit(plugin, file, text, from, to) {
  if (!text.includes(from)) throw new Error(`${file}: "${from.slice(0, 60)}" not found (the package changed?): update ${plugin}`);
  return text.replace(from, to);
}

/**
 * Native addons are never bundled and never loaded: ssh2 tries `cpu-features` and its own
 * `sshcrypto.node` inside try/catch and falls back to JavaScript (issue 16: nothing may need a
 * compiler or a .node file on the jump host). The stub throws where the require happens, which is
 * inside those try blocks. `debug` (under docker-modem) tries `supports-color`, which is not installed:
 * the same stub spares a lookup through node_modules at run time and the executable's warning about a
 * require() of something not built in.
 */
export const nativeStubs = {
  name: 'native-stubs',
  setup(build) {
    build.onResolve({ filter: /^(cpu-features|supports-color)$|\.node$/ }, (args) => ({ path: args.path, namespace: 'native-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'native-stub' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path}: not in the dockpit bundle`)});`,
      loader: 'js',
    }));
  },
};

/**
 * yoga-layout (Ink's layout engine) loads its wasm with a top-level await, which a CJS bundle
 * cannot hold and which would make the UI chunk async. The emscripten loader takes an
 * `instantiateWasm` hook: compiling the module synchronously there initialises the runtime
 * before the loader returns, so `yoga-layout` becomes an ordinary synchronous module (its
 * cost is paid when the UI is loaded, never by headless commands).
 */
export const yogaSync = {
  name: 'yoga-sync',
  setup(build) {
    // yoga-layout's exports hide package.json: its directory from the public `load` entry (dist/src/load.js).
    const pkgDir = path.resolve(path.dirname(require.resolve('yoga-layout/load')), '../..');
    const binary = path.join(pkgDir, 'dist/binaries/yoga-wasm-base64-esm.js');
    build.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: 'shim', namespace: 'yoga-sync' }));
    build.onResolve({ filter: /^dockpit-yoga-loader$/ }, () => ({ path: 'loader', namespace: 'yoga-sync' }));
    const read = () => {
      const text = fs.readFileSync(binary, 'utf8');
      // The data URI itself, not the loader's startsWith() test of the same prefix.
      const m = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]{1000,})"/.exec(text);
      if (!m) throw new Error(`${binary}: no embedded wasm found (yoga-layout changed?)`);
      const start = m.index + m[0].length - 1 - m[1].length;
      return { text, start, end: start + m[1].length };
    };
    build.onLoad({ filter: /^loader$/, namespace: 'yoga-sync' }, () => {
      // The wasm moves out of the emscripten file (which keeps an empty data URI, so that it
      // never looks for a file) into the shim: one copy of it in the bundle.
      const { text, start, end } = read();
      return { contents: `${text.slice(0, start)}${text.slice(end)}`, loader: 'js', resolveDir: pkgDir };
    });
    build.onLoad({ filter: /^shim$/, namespace: 'yoga-sync' }, () => {
      const { text, start, end } = read();
      const contents = `
import loadYogaImpl from 'dockpit-yoga-loader';
import wrapAssembly from ${JSON.stringify(path.join(pkgDir, 'dist/src/wrapAssembly.js'))};
export * from ${JSON.stringify(path.join(pkgDir, 'dist/src/generated/YGEnums.js'))};
const wasm = Buffer.from(${JSON.stringify(text.slice(start, end))}, 'base64');
const lib = {
  instantiateWasm(imports, done) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), imports);
    done(instance);
    return instance.exports;
  },
};
loadYogaImpl(lib);
if (!lib.calledRun) throw new Error('yoga-layout did not initialise synchronously');
const Yoga = wrapAssembly(lib);
export default Yoga;
`;
      return { contents, loader: 'js', resolveDir: pkgDir };
    });
  },
};

/**
 * etcd3 reads its .proto files next to its own module at load time (`${__dirname}/../proto`),
 * which a bundle has no more: the same definitions are parsed here, at build time, and handed to
 * proto-loader's fromJSON with the options etcd3 uses.
 */
export const etcdProtos = {
  name: 'etcd-protos',
  setup(build) {
    build.onLoad({ filter: /[\\/]etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      const call = '(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`,';
      if (!text.includes(call)) throw new Error(`${args.path}: etcd3 no longer loads its protos as expected`);
      const etcdRequire = createRequire(args.path);
      const protobuf = etcdRequire(etcdRequire.resolve('protobufjs', { paths: [etcdRequire.resolve('@grpc/proto-loader')] }));
      const root = new protobuf.Root();
      root.loadSync(path.join(path.dirname(args.path), '../proto/rpc.proto'), { keepCase: true });
      const json = JSON.stringify(root.toJSON());
      return { contents: text.replace(call, `(0, proto_loader_1.fromJSON)(${json},`), loader: 'js' };
    });
  },
};

/**
 * Ink's reconciler awaits, at its top level, the React devtools and its own package.json when DEV=true: a
 * CommonJS bundle can hold no top-level await, and neither is shipped. The devtools import fails the way Ink
 * already reports (a warning), and the package.json read gives way to a constant.
 */
export const inkWithoutDevtools = {
  name: 'ink-without-devtools',
  setup(build) {
    build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
      const edits = [
        ["await import('./devtools.js');", "throw Object.assign(new Error('react-devtools-core is not in the dockpit executable'), { code: 'ERR_MODULE_NOT_FOUND' });"],
        ['? await loadPackageJson()', "? { name: 'ink', version: undefined }"],
      ];
      const text = edits.reduce((t, [from, to]) => edit('inkWithoutDevtools', args.path, t, from, to), fs.readFileSync(args.path, 'utf8'));
      return { contents: text, loader: 'js' };
    });
  },
};

/**
 * dockerode requires its buildkit session module when it loads (grpc-js, and protobufjs through
 * buildkit.js): 0.8 MB compiled on every command for image builds dockpit never makes. Both become a
 * function that says so if it is ever called (issue 16: fast start; measured by start-bench).
 */
export const noBuildkit = {
  name: 'no-buildkit',
  setup(build) {
    build.onLoad({ filter: /[\\/]dockerode[\\/]lib[\\/](session|buildkit)\.js$/ }, () => ({
      contents: "module.exports = function () { throw new Error('dockerode: image builds (buildkit) are not in the dockpit bundle'); };",
      loader: 'js',
    }));
  },
};

/**
 * react, react-reconciler and scheduler choose their build by NODE_ENV when they load, so a bundle
 * would carry both (the reconciler's development build alone is 1 MB). The bundle takes production's.
 */
export const reactProduction = {
  name: 'react-production',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/](react|react-reconciler|scheduler)[\\/][a-z-]*\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      const m = /if \(process\.env\.NODE_ENV === 'production'\) \{\s*module\.exports = require\('([^']+)'\);\s*\} else \{\s*module\.exports = require\('([^']+)'\);\s*\}/.exec(text);
      if (!m) return undefined;
      return { contents: `module.exports = require(${JSON.stringify(m[1])});`, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * docker-modem formats every request's options for its debug log (`util.inspect` with showHidden and
 * unbounded depth, AbortSignal and agent included) before `debug` decides it is off: at 200 hosts about
 * 200 ms of a cold launch's CPU, a fifth of the requests' own cost (issue 16, measured with --cpu-prof).
 * The call is made only when the `modem` debug namespace is on. A docker-modem whose line changed fails
 * the build here, not silently.
 */
export const modemLazyDebug = {
  name: 'modem-lazy-debug',
  setup(build) {
    build.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, (args) => {
      const eager = "debug('Sending: %s', util.inspect(options, {";
      const text = edit('modemLazyDebug', args.path, fs.readFileSync(args.path, 'utf8'), eager, `debug.enabled && ${eager}`);
      return { contents: text, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/** `const name = new Intl.Segmenter(args);` made on its first use: ICU's break rules load in 15–35 ms. */
function lazySegmenter(file, text) {
  const m = /const (\w+) = new Intl\.Segmenter\(([^)]*)\);/.exec(text);
  if (!m) throw new Error(`${file}: no top-level Intl.Segmenter found (the package changed?): update terminalTextFastPaths`);
  const [whole, name, args] = m;
  return text.replace(whole, `let ${name}Made;\nconst ${name} = { segment: (text) => (${name}Made ??= new Intl.Segmenter(${args})).segment(text) };`);
}

/** Each top-level `const name = /…\p{…}…/flags;` built on its first use (V8 builds \p{RGI_Emoji}'s sets eagerly). */
function lazyPropertyRegexes(file, text) {
  const found = [...text.matchAll(/^const (\w+) = (\/.*\\p\{.*\/[a-z]*);$/gm)];
  if (found.length === 0) throw new Error(`${file}: no Unicode property regex found (the package changed?): update terminalTextFastPaths`);
  for (const [whole, name, literal] of found) {
    text = text.replace(whole, '').replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}Made()`);
    text = `let ${name}Built;\nconst ${name}Made = () => (${name}Built ??= ${literal});\n${text}`;
  }
  return text;
}

/**
 * The characters that are always a grapheme of their own and one column wide (as string-width measures with
 * its default, ambiguous characters narrow): printable ASCII, Latin, Greek, Cyrillic, punctuation, arrows,
 * box drawing, shapes and most symbols. A regex character class's body, without the ESC that ansi-tokenize
 * also takes. `test/unit/text-fast-paths.test.ts` checks every one of them against string-width and
 * Intl.Segmenter, so a Node whose Unicode data disagrees fails there, not on screen.
 */
export const SINGLE_NARROW = [
  '\\x20-\\x7e\\xa0-\\xac\\xae-\\u02ff\\u0370-\\u0482\\u048a-\\u052f\\u1e00-\\u1fff',
  '\\u2010-\\u2027\\u2030-\\u205e\\u2070-\\u20cf\\u2100-\\u2319\\u231c-\\u2328\\u232b-\\u23e8\\u23ed-\\u23ef\\u23f1-\\u23f2',
  '\\u23f4-\\u25fc\\u25ff-\\u2613\\u2616-\\u262f\\u2638-\\u2647\\u2654-\\u267e\\u2680-\\u2689\\u2690-\\u2692\\u2694-\\u26a0',
  '\\u26a2-\\u26a9\\u26ac-\\u26bc\\u26bf-\\u26c3\\u26c6-\\u26cd\\u26cf-\\u26d3\\u26d5-\\u26e9\\u26eb-\\u26f1\\u26f4\\u26f6-\\u26f9',
  '\\u26fb-\\u26fc\\u26fe-\\u2704\\u2706-\\u2709\\u270c-\\u2727\\u2729-\\u274b\\u274d\\u274f-\\u2752\\u2756\\u2758-\\u2794',
  '\\u2798-\\u27af\\u27b1-\\u27be',
].join('');

/**
 * Ink's output pass measures and tokenises every line it writes by grapheme (`Intl.Segmenter`), then turns
 * each cell of the screen back into text, working out the ANSI codes between every two cells. At 200 hosts
 * the cockpit's first frame spent most of its 110–130 ms there, and loading Ink built two segmenters and
 * \p{RGI_Emoji}'s sets for 20–45 ms before any text was measured (issue 16, `--cpu-prof` of a launch).
 * The same results, sooner:
 * - a line of SINGLE_NARROW characters (and ESC, for ansi-tokenize) is split into its characters, and
 *   measured by its length, without a segmenter: the cockpit's text nearly always is;
 * - the segmenters and the Unicode property regexes are made when first used;
 * - two cells with the same styles need no codes between them (upstream's `isSameStyle`, in
 *   @alcalzone/ansi-tokenize 0.3.0, which Ink 6 does not take: 0.3 adds a token kind Ink does not know);
 * - wrap-ansi's own string-width (7) is the one Ink measures with (8: the same call and options), so text is
 *   wrapped and measured by one rule, and one copy is loaded.
 * `test/unit/text-fast-paths.test.ts` checks the edited modules against the packages' own on the same text.
 */
export const terminalTextFastPaths = {
  name: 'terminal-text-fast-paths',
  setup(build) {
    const sep = '[\\\\/]';
    const stringWidth8 = require.resolve('string-width');
    build.onResolve({ filter: /^string-width$/ }, (args) => (/[\\/]node_modules[\\/]wrap-ansi[\\/]/.test(args.importer) ? { path: stringWidth8 } : undefined));
    build.onLoad({ filter: new RegExp(`${sep}node_modules${sep}string-width${sep}index\\.js$`) }, (args) => {
      let text = lazyPropertyRegexes(args.path, lazySegmenter(args.path, fs.readFileSync(args.path, 'utf8')));
      text = edit('terminalTextFastPaths', args.path, text, '\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n',
        `\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n\n\tif (ambiguousIsNarrow && /^[${SINGLE_NARROW}]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n`);
      return { contents: text, loader: 'js' };
    });
    build.onLoad({ filter: new RegExp(`${sep}slice-ansi${sep}tokenize-ansi\\.js$`) }, (args) => ({
      contents: lazySegmenter(args.path, fs.readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
    build.onLoad({ filter: new RegExp(`${sep}@alcalzone${sep}ansi-tokenize${sep}build${sep}tokenize\\.js$`) }, (args) => {
      let text = lazySegmenter(args.path, fs.readFileSync(args.path, 'utf8'));
      text = edit('terminalTextFastPaths', args.path, text, 'of segmenter.segment(str)) {', 'of segmentsOf(str)) {');
      text += `
function segmentsOf(str) {
    if (!/^[\\x1b${SINGLE_NARROW}]*$/.test(str)) return segmenter.segment(str);
    const chars = new Array(str.length);
    for (let index = 0; index < str.length; index++) chars[index] = { segment: str[index], index };
    return chars;
}
`;
      return { contents: text, loader: 'js' };
    });
    build.onLoad({ filter: new RegExp(`${sep}@alcalzone${sep}ansi-tokenize${sep}build${sep}styledChars\\.js$`) }, (args) => {
      let text = fs.readFileSync(args.path, 'utf8');
      text = edit('terminalTextFastPaths', args.path, text, '        else {\n            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));', '        else if (!isSameStyle(chars[i - 1].styles, char.styles)) {\n            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));');
      text += `
function isSameStyle(from, to) {
    if (from === to) return true;
    if (from.length !== to.length) return false;
    for (let i = 0; i < from.length; i++) {
        if (from[i].code !== to[i].code || from[i].endCode !== to[i].endCode) return false;
    }
    return true;
}
`;
      return { contents: text, loader: 'js' };
    });
  },
};
