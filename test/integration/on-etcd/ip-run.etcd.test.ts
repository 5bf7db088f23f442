// ../ip-run.test.ts again, with its state on the fleet's etcd (issue 11: every state-touching test on both backends).
import '../../support/use-etcd-state.js';
import '../ip-run.test.js';
import { checkRanOnEtcd } from '../../support/state-backend.js';

checkRanOnEtcd();
