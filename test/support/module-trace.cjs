'use strict';
// Preloaded (`node --require` this) by the tests and benches that check which of the bundle's modules a
// command evaluates (issue 16: headless commands never evaluate UI code). dist/dockpit.cjs is one file, so
// which files were read says nothing: its lazily evaluated modules are esbuild's __esm / __commonJS wrappers,
// keyed by their source path (node_modules/ink/build/index.js, src/views/App.tsx). The launcher's vm.Script is
// given the bundle with each wrapper's first run logged to DOCKPIT_MODULE_LOG (the code cache left out: it
// is for the source as built).
const fs = require('node:fs');
const vm = require('node:vm');

const log = process.env.DOCKPIT_MODULE_LOG;
if (!log) throw new Error('module-trace.cjs: DOCKPIT_MODULE_LOG (the log file) is not set');
// esbuild's helpers run a wrapper by its one key: there the key is logged.
const HOOKS = ['fn[__getOwnPropNames(fn)[0]]', 'cb[__getOwnPropNames(cb)[0]]'];

globalThis.__dockpitTrace = (key) => {
  fs.appendFileSync(log, `${key}\n`);
  return key;
};

const Script = vm.Script;
vm.Script = class TracedScript extends Script {
  constructor(code, options) {
    if (options && typeof options.filename === 'string' && /dockpit\.cjs$|dockpit-linux-x64$/.test(options.filename)) {
      for (const hook of HOOKS) {
        // A bundle whose helpers changed would log nothing and pass every "loads no UI" check: refused instead.
        if (!code.includes(hook)) throw new Error(`module-trace.cjs: esbuild's helper "${hook}" is not in ${options.filename}`);
        code = code.split(hook).join(hook.replace(/^(\w+)\[(.*)\]$/, '$1[__dockpitTrace($2)]'));
      }
      fs.appendFileSync(log, `bundle ${options.filename}\n`);
      options = { ...options, cachedData: undefined };
    }
    super(code, options);
  }
};
