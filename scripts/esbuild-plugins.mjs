// esbuild plugins of the bundle (dist/dockpit.cjs, also the single executable's).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

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
      let text = fs.readFileSync(args.path, 'utf8');
      for (const [from, to] of edits) {
        if (!text.includes(from)) throw new Error(`${args.path}: "${from}" not found (Ink changed?)`);
        text = text.replace(from, to);
      }
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
      const text = fs.readFileSync(args.path, 'utf8');
      const eager = "debug('Sending: %s', util.inspect(options, {";
      if (!text.includes(eager)) throw new Error(`${args.path}: the eager debug line is gone (docker-modem changed?): update modemLazyDebug`);
      return { contents: text.replace(eager, `debug.enabled && ${eager}`), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};
