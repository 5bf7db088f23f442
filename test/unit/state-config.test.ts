import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';

// Issue 11: `state:` names files or etcd; a bad one is a config error with file:line (exit 2), contacting nothing.

let dir: string;
let file: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-state-config-'));
  file = path.join(dir, 'dockpit.yaml');
  for (const name of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, name), `${name}\n`);
  fs.writeFileSync(path.join(dir, 'etcd.pass'), 's3cret\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HOSTS = ['hosts:', '  - name: a', '    url: unix:///var/run/docker.sock'];
const config = (...state: string[]) => parseConfig(`${[...HOSTS, ...state].join('\n')}\n`, file);
const configError = (...state: string[]) => thrown(() => config(...state), ConfigError, 'parseConfig accepted the config');

describe('state: valid', () => {
  it('no state: files in the system-wide default folder', () => {
    const cfg = config();
    expect(cfg.state).toBeUndefined();
    expect(path.isAbsolute(cfg.stateDir)).toBe(true);
  });

  it('a folder, relative to the config file', () => {
    const cfg = config('state: st');
    expect(cfg.state).toBeUndefined();
    expect(cfg.stateDir).toBe(path.join(dir, 'st'));
  });

  it('etcd:// with several members and a prefix', () => {
    expect(config('state: etcd://10.0.0.1:2379,etcd2:2379/team/dockpit').state).toEqual({
      kind: 'etcd',
      endpoints: ['http://10.0.0.1:2379', 'http://etcd2:2379'],
      prefix: '/team/dockpit/',
      tls: null,
      auth: null,
      leaseTtlSec: 15,
      callTimeoutMs: 3000,
      retention: { journalsMs: 30 * 86_400_000, auditMs: 180 * 86_400_000 },
    });
  });

  it('etcd:// without a prefix takes /dockpit/', () => {
    expect(config('state: etcd://10.0.0.1:2379').state).toMatchObject({ prefix: '/dockpit/' });
  });

  it('a block with TLS, a password file, a lease TTL and retention', () => {
    const cfg = config(
      'state:',
      '  etcd:',
      '    endpoints: [https://10.0.0.1:2379, https://10.0.0.2:2379/]',
      '    prefix: /dp',
      '    tls: { ca: ca.pem, cert: cert.pem, key: key.pem }',
      '    user: dockpit',
      '    passwordFile: etcd.pass',
      '    leaseTtl: 5',
      '  retention: { journals: 7d, audit: 12h }',
    );
    expect(cfg.state).toEqual({
      kind: 'etcd',
      endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
      prefix: '/dp/',
      tls: { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') },
      auth: { username: 'dockpit', password: 's3cret' },
      leaseTtlSec: 5,
      callTimeoutMs: 3000,
      retention: { journalsMs: 7 * 86_400_000, auditMs: 12 * 3_600_000 },
    });
  });

  it('a block with a folder and retention', () => {
    const cfg = config('state:', '  dir: st2', '  retention: { audit: 30d }');
    expect(cfg.state).toEqual({ kind: 'file', dir: path.join(dir, 'st2'), retention: { journalsMs: 30 * 86_400_000, auditMs: 30 * 86_400_000 } });
    expect(cfg.stateDir).toBe(path.join(dir, 'st2'));
  });
});

describe('state: bad input names the line and the field', () => {
  it.each([
    [['state: etcd://'], ':4: state: etcd://: expected at least one host:port'],
    [['state: etcd://10.0.0.1/dockpit'], ':4: state: etcd://: "10.0.0.1" is not host:port'],
    [['state: etcd://10.0.0.1:2379/a b'], ':4: state: etcd://: prefix "/a b" may hold'],
    [['state: http://10.0.0.1:2379'], ':4: state: expected a folder or etcd://'],
    [['state:', '  etcd:', '    endpoints: [10.0.0.1:2379]'], ':6: state.etcd.endpoints[0]: expected an endpoint'],
    [['state:', '  etcd:', '    endpoints: []'], ':6: state.etcd.endpoints: expected at least one endpoint'],
    [['state:', '  etcd:', '    endpoints: [http://a:2379]', '    prefix: /x/../y'], ':7: state.etcd.prefix: expected a key prefix without'],
    [['state:', '  etcd:', '    endpoints: [https://a:2379]', '    tls: { ca: nope.pem }'], ':7: state.etcd.tls.ca: cannot read'],
    [['state:', '  etcd:', '    endpoints: [http://a:2379]', '    tls: { ca: ca.pem }'], ':6: state.etcd.endpoints: tls is set but an endpoint is http://'],
    [['state:', '  etcd:', '    endpoints: [https://a:2379]', '    tls: { ca: ca.pem, cert: cert.pem }'], ':7: state.etcd.tls: a client certificate needs both'],
    [['state:', '  etcd:', '    endpoints: [http://a:2379]', '    user: dockpit'], ':7: state.etcd.user: a user needs a password'],
    [['state:', '  etcd:', '    endpoints: [http://a:2379]', '    leaseTtl: 1'], ':7: state.etcd.leaseTtl: expected at least 2'],
    [['state:', '  etcd:', '    endpoints: [http://a:2379]', '    endpoint: x'], ':7: state.etcd: unknown field "endpoint"'],
    [['state:', '  dir: /x', '  etcd:', '    endpoints: [http://a:2379]'], ':5: state.dir: give either dir (files) or etcd'],
    [['state:', '  retention: { journals: 3 weeks }'], ':5: state.retention.journals: expected a duration'],
  ])('%j', (lines, expected) => {
    const err = configError(...lines);
    expect(err.toString()).toContain(`${file}${expected}`);
  });
});
