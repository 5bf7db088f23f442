import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import { detailLines, formatNanos, formatTime, shellQuote } from '../../src/render/detail-lines.js';
import { printable } from '../../src/render/printable.js';

// The fixture is `GET /containers/{id}/json` of dockerd 20.10 (API 1.41, the fleet's engine) for:
//   docker run -d --name shop-api --label dockpit.bizline=shop --label dockpit.tier=1 --label dockpit.test=1 \
//     --label team=core -e DB_PASSWORD=hunter2 -e api_token=tok-123 -e PLAIN=visible -e EMPTY_SECRET= \
//     -e GREETING=a=b --restart on-failure:3 --cpus 1.5 --cpu-shares 512 -m 64m --memory-swap 128m \
//     --health-cmd 'wget -q -O - http://127.0.0.1:8080/' --health-interval 1s --health-timeout 2s \
//     --health-retries 3 --network biz --ip 10.88.1.20 -p 18080:8080 -v shop-data:/data \
//     dockpit/busybox:latest sh -c 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'
//   docker network connect bridge shop-api
const fixture = (): ContainerInspect =>
  JSON.parse(fs.readFileSync(new URL('./fixtures/inspect-shop-api.json', import.meta.url), 'utf8')) as ContainerInspect;

const HEAD = [
  'host         h1',
  'name         shop-api',
  'id           3f1c9a0e7b2d',
  'image        dockpit/busybox:latest (5b0d59026729)',
  "command      sh -c 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'",
  'state        running · pid 48211',
  'health       healthy · failing streak 0',
  'check        wget -q -O - http://127.0.0.1:8080/ (every 1s, timeout 2s, 3 retries)',
  'last check   2024-05-14 09:12:39 UTC · exit 0',
  '  ok',
  'restart      on-failure, at most 3 retries',
  'restarts     0',
  'created      2024-05-14 09:12:03 UTC',
  'started      2024-05-14 09:12:04 UTC',
  'finished     -',
];

const MIDDLE = [
  '',
  'networks',
  '  biz        10.88.1.20/16 static  gw 10.88.0.1  mac 02:42:0a:58:01:14',
  '  bridge     172.17.0.3/16  gw 172.17.0.1  mac 02:42:ac:11:00:03',
  '',
  'ports',
  '  8080/tcp   → 0.0.0.0:18080, [::]:18080',
  '',
  'mounts',
  '  volume     shop-data → /data (rw)',
  '',
  'resources',
  '  cpus       1.5',
  '  cpu shares 512',
  '  cpu quota  -',
  '  memory     64MiB, memory+swap 128MiB',
  '',
  'labels (4)',
  '  dockpit.bizline=shop',
  '  dockpit.test=1',
  '  dockpit.tier=1',
  '  team=core',
  '',
];

describe('detailLines', () => {
  it('renders a real inspect, secret env values masked', () => {
    expect(detailLines('h1', fixture(), false)).toEqual([
      ...HEAD,
      ...MIDDLE,
      'env (5, 2 secret values masked)',
      '  DB_PASSWORD=••••••',
      '  api_token=••••••',
      '  PLAIN=visible',
      '  EMPTY_SECRET=',
      '  GREETING=a=b',
    ]);
  });

  it('shows the secret values when revealed', () => {
    expect(detailLines('h1', fixture(), true).slice(-6)).toEqual([
      'env (5, 2 secret values shown)',
      '  DB_PASSWORD=hunter2',
      '  api_token=tok-123',
      '  PLAIN=visible',
      '  EMPTY_SECRET=',
      '  GREETING=a=b',
    ]);
  });

  it('renders a stopped, OOM-killed container with no limits, health, ports or mounts', () => {
    const c = fixture();
    c.State = { ...c.State, Status: 'exited', Running: false, Pid: 0, ExitCode: 137, OOMKilled: true, FinishedAt: '2024-05-14T10:00:00.5Z', Health: undefined };
    c.Config = { ...c.Config, Healthcheck: undefined, ExposedPorts: null, Entrypoint: ['/docker-entrypoint.sh'], Cmd: ["it's"], Env: null, Labels: null };
    c.HostConfig = { ...c.HostConfig, RestartPolicy: { Name: '', MaximumRetryCount: 0 }, NanoCpus: 0, CpuShares: 0, Memory: 0, MemorySwap: 0, PortBindings: {} };
    c.RestartCount = 4;
    c.Mounts = [];
    c.NetworkSettings = { Ports: {}, Networks: {} };
    const lines = detailLines('h2', c, false);
    expect(lines.slice(4, 12)).toEqual([
      "command      /docker-entrypoint.sh 'it'\\''s'",
      'state        exited · exit code 137 · OOM killed',
      'health       no healthcheck',
      'restart      no',
      'restarts     4',
      'created      2024-05-14 09:12:03 UTC',
      'started      2024-05-14 09:12:04 UTC',
      'finished     2024-05-14 10:00:00 UTC',
    ]);
    expect(lines.slice(12)).toEqual([
      '', 'networks', '  (none)', '', 'ports', '  (none)', '', 'mounts', '  (none)', '',
      'resources', '  cpus       unlimited', '  cpu shares default', '  cpu quota  -', '  memory     unlimited', '',
      'labels (0)', '  (none)', '', 'env (0)', '  (none)',
    ]);
  });

  it('shows a CPU quota, unlimited swap, unpublished and stopped-container ports, a read-only bind', () => {
    const c = fixture();
    c.HostConfig = { ...c.HostConfig, CpuQuota: 50_000, CpuPeriod: 0, MemorySwap: -1, PortBindings: { '53/udp': [{ HostIp: '10.0.0.1', HostPort: '5353' }] } };
    c.Config = { ...c.Config, ExposedPorts: { '8080/tcp': {}, '53/udp': {}, '9000/tcp': {} } };
    c.NetworkSettings = { ...c.NetworkSettings, Ports: { '8080/tcp': null } };
    c.Mounts = [{ Type: 'bind', Source: '/srv/conf', Destination: '/etc/shop', Mode: 'ro', RW: false }];
    const lines = detailLines('h1', c, false);
    const section = (name: string) => lines.slice(lines.indexOf(name) + 1, lines.indexOf('', lines.indexOf(name)));
    expect(section('ports')).toEqual(['  53/udp     → 10.0.0.1:5353', '  8080/tcp   not published', '  9000/tcp   not published']);
    expect(section('mounts')).toEqual(['  bind       /srv/conf → /etc/shop (ro)']);
    expect(section('resources')).toEqual([
      '  cpus       1.5',
      '  cpu shares 512',
      '  cpu quota  50000µs per 100000µs (0.5 cpus)',
      '  memory     64MiB, swap unlimited',
    ]);
  });

  it('shows a failing health check with its multi-line output, cut after 5 lines', () => {
    const c = fixture();
    const output = 'wget: server returned error\r\nline 2\n\tline 3\nline 4\nline 5\nline 6\nline 7\n';
    c.State.Health = { Status: 'unhealthy', FailingStreak: 4, Log: [{ Start: '2024-05-14T09:13:00Z', End: '2024-05-14T09:13:01Z', ExitCode: 1, Output: output }] };
    c.Config.Healthcheck = { Test: ['CMD', '/bin/check', 'a b'], Interval: 0, Timeout: 0, Retries: 0 };
    const lines = detailLines('h1', c, false);
    expect(lines.slice(6, 16)).toEqual([
      'health       unhealthy · failing streak 4',
      "check        /bin/check 'a b'",
      'last check   2024-05-14 09:13:01 UTC · exit 1',
      '  wget: server returned error',
      '  line 2',
      '      line 3',
      '  line 4',
      '  line 5',
      '  … 2 more lines',
      'restart      on-failure, at most 3 retries',
    ]);
  });

  it('says when health checks are disabled or not run yet, and when the check printed nothing', () => {
    const c = fixture();
    c.Config.Healthcheck = { Test: ['NONE'] };
    c.State.Health = undefined;
    expect(detailLines('h1', c, false)[6]).toBe('health       disabled');
    c.Config.Healthcheck = { Test: ['CMD-SHELL', 'true'], Interval: 1_500_000_000 };
    expect(detailLines('h1', c, false).slice(6, 8)).toEqual(['health       not checked yet', 'check        true (every 1.5s)']);
    c.State.Health = { Status: 'starting', FailingStreak: 0, Log: [{ Start: '2024-05-14T09:13:00Z', End: '', ExitCode: -1, Output: '' }] };
    expect(detailLines('h1', c, false).slice(6, 10)).toEqual([
      'health       starting · failing streak 0',
      'check        true (every 1.5s)',
      'last check   2024-05-14 09:13:00 UTC · exit -1',
      '  (no output)',
    ]);
  });

  it('never lets control characters or escape sequences through', () => {
    const c = fixture();
    c.Config.Labels = { note: 'red \u001b[31malert\u001b[0m\u0007 bell' };
    c.Config.Env = ['MULTI=line1\nline2'];
    const lines = detailLines('h1', c, false);
    expect(lines).toContain('  note=red alert bell');
    expect(lines).toContain('  MULTI=line1?line2');
    expect(lines.every((l) => !/[\u0000-\u001f\u007f]/.test(l))).toBe(true);
  });
});

describe('detail formatting helpers', () => {
  it('quotes shell arguments only when needed', () => {
    for (const a of ['ls', '-la', '/a/b', 'k=v', 'x,y', 'user@host:80']) expect(shellQuote(a)).toBe(a);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
  });

  it('formats engine times and durations', () => {
    expect(formatTime('0001-01-01T00:00:00Z')).toBe('-');
    expect(formatTime('')).toBe('-');
    expect(formatTime('2024-05-14T09:12:03.418233047Z')).toBe('2024-05-14 09:12:03 UTC');
    expect(formatTime('2024-05-14T11:12:03+02:00')).toBe('2024-05-14 09:12:03 UTC');
    expect(formatTime('garbage')).toBe('garbage');
    expect(formatNanos(1_000_000_000)).toBe('1s');
    expect(formatNanos(90_000_000_000)).toBe('90s');
    expect(formatNanos(250_000_000)).toBe('250ms');
  });

  it('printable expands tabs and replaces control characters', () => {
    expect(printable('a\tb')).toBe('a    b');
    expect(printable('\u001b[1mbold\u001b[22m')).toBe('bold');
    expect(printable('x\u0000y\u009bz')).toBe('x?y?z');
  });
});

describe('a stopped container keeps its static address on screen', () => {
  it('shows the configured IPv4 address when the engine reports none', () => {
    const c = fixture();
    c.NetworkSettings.Networks.biz!.IPAddress = '';
    c.NetworkSettings.Networks.biz!.Gateway = '';
    expect(detailLines('h1', c, false)).toContain('  biz        10.88.1.20 static, not running  gw -  mac 02:42:0a:58:01:14');
  });
});
