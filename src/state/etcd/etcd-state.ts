import type { EtcdStateConfig } from '../../config/types.js';
import { StateError, type Operator, type StateStore } from '../types.js';

// Placeholder until the etcd backend lands (issue 11).
export function etcdState(config: EtcdStateConfig, _opts: { operator: Operator; now?: () => Date }): StateStore {
  throw new StateError(`etcd state ${config.endpoints.join(',')}: not implemented yet`);
}
