import { createIpReportSelector } from '../../store/ip-report.js';
import type { RulesConfig } from '../rules-config.js';
import type { RuleKey } from '../types.js';
import { containerDied } from './container-died.js';
import { engineSlow } from './engine-slow.js';
import { hostDown } from './host-down.js';
import { ipConflictRule } from './ip-conflict.js';
import { lineDegraded } from './line-degraded.js';
import { liveRestoreOff } from './live-restore-off.js';
import { oomKilled } from './oom-killed.js';
import { containerCpu, containerMemory, lineCpu, lineMemory } from './resource-use.js';
import { restartLoop } from './restart-loop.js';
import type { Rule } from './rule.js';
import { runFailed } from './run-failed.js';
import { unhealthy } from './unhealthy.js';

export type RuleSet = { [K in RuleKey]: Rule<RulesConfig[K]> };

/** The built-in rules by key. A fresh set per evaluator: the IP rule keeps its own memoized report. */
export function builtInRules(): RuleSet {
  return {
    hostDown,
    engineSlow,
    containerDied,
    restartLoop,
    oomKilled,
    unhealthy,
    lineDegraded,
    ipConflict: ipConflictRule(createIpReportSelector()),
    liveRestoreOff,
    runFailed,
    containerCpu,
    containerMemory,
    lineCpu,
    lineMemory,
  };
}
