// `dockpit run`'s option values: the parsing is the placement service's (the cockpit's form parses the same
// fields the same way), in src/app/run-spec.ts.
export { containerCreateBody, MIN_MEMORY_BYTES, parseCpus, parseEnv, parseMemory, parseRestart, parseRunSpec } from '../app/run-spec.js';
export type { RestartPolicy, RunArgs, RunSpec } from '../app/run-spec.js';
