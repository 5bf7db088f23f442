import type { Scenario } from '../scenario.js';
import { f1 } from './f1-engine-killed.js';
import { f10 } from './f10-dead-name.js';
import { f11 } from './f11-hand-address.js';
import { f12 } from './f12-clock-skew.js';
import { f13 } from './f13-state-disk-full.js';
import { f14 } from './f14-refused-host.js';
import { f2 } from './f2-ssh-cut.js';
import { f3 } from './f3-engine-frozen.js';
import { f4 } from './f4-dockpit-killed.js';
import { f5 } from './f5-events-lost.js';
import { f6 } from './f6-operators-race.js';
import { f7 } from './f7-dead-engine-evacuate.js';
import { f8 } from './f8-fenced-host-returns.js';
import { f9 } from './f9-image-missing.js';

/** The scenarios implemented, in the order (F1 … F14); the others are listed in the README's table. */
export const SCENARIOS: readonly Scenario[] = [f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14];
