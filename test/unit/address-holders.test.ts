import { describe, expect, it } from 'vitest';
import type { Container } from '../../src/engine/types.js';
import { holderText, otherHolders } from '../../src/pool/address-holders.js';

const c = (host: string, id: string, name: string, ip: string, state: Container['state'] = 'running'): Container => ({
  host, id, name, image: 'busybox', state, status: '', bizline: null, tier: null, ips: { biz: ip }, labels: {}, created: 0,
});

describe('otherHolders (issue 13, item 4)', () => {
  it('finds running holders of the address on the network on every host, never the run itself', () => {
    const v = otherHolders(
      [
        { host: 'h1', containers: [c('h1', 'aaa', 'web', '10.88.0.5'), c('h1', 'bbb', 'old', '10.88.0.5', 'exited')] },
        { host: 'h2', containers: [c('h2', 'ccc', 'hand', '10.88.0.5'), c('h2', 'ddd', 'other', '10.88.0.6')] },
        { host: 'h3', error: 'TIMEOUT: no answer in 2000 ms' },
      ],
      'biz',
      '10.88.0.5',
      { host: 'h1', id: 'aaa' },
    );
    expect(v.others).toEqual([{ host: 'h2', id: 'ccc', name: 'hand' }]);
    expect(v.unseen).toEqual([{ host: 'h3', error: 'TIMEOUT: no answer in 2000 ms' }]);
  });

  it('the same id on another host is another container; another network is not the address', () => {
    const v = otherHolders([{ host: 'h2', containers: [c('h2', 'aaa', 'web', '10.88.0.5'), { ...c('h2', 'eee', 'x', ''), ips: { other: '10.88.0.5' } }] }], 'biz', '10.88.0.5', { host: 'h1', id: 'aaa' });
    expect(v.others.map(holderText)).toEqual(['h2/web (aaa)']);
  });
});
