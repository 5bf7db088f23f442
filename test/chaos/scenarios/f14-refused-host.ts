import fs from 'node:fs';
import path from 'node:path';
import { lanPoolYaml } from '../../support/configs.js';
import { docker, dockerTls, FLEET_CONFIG } from '../../support/fleet.js';
import { auditCovers, CHANGING, noSecrets, type EngineEvent, type Violation } from '../invariants.js';
import { auditByStem } from '../migrate-fixture.js';
import { secretOf } from '../plan-fixture.js';
import { noStackTrace, Outputs } from '../run-fixture.js';
import type { Scenario } from '../scenario.js';
import { auditEntries, cli, now, stateTexts, type Ran } from '../truth.js';

// F14: one host of the whole fleet (dockpit-tls.yaml: h1-h3 and t1) made untrustworthy in the config at a
// seeded pick: the ssh host's key changed in known_hosts, or for t1 a wrong CA, no client certificate, or
// its second address that its certificate does not name; then a seeded operation across the fleet (ps, a
// plan that stops one container per host, or a migration to or away from it). The faulty host is refused
// with its own clear error and shown down, nothing at all changes on it, the other hosts' work completes
// (a plan says it is partial), every change is audited, no secret and no stack trace reach the user.

const P = 'cz14-';
const LINE = 'chaos14';
const FAULTS = ['host-key', 'wrong-ca', 'no-client-cert', 'other-name'] as const;
type Fault = (typeof FAULTS)[number];
const OPS = ['ps', 'plan', 'migrate'] as const;
/** What the refusal says, by fault (src/engine/ssh-tunnel.ts, tls-errors.ts). */
const SAYS: Record<Fault, string> = {
  'host-key': 'does not match',
  'wrong-ca': 'not trusted by the configured CA',
  'no-client-cert': 'requires a client certificate',
  'other-name': 'certificate is for',
};

/** The docker CLI on any host of the fleet, t1 included (over TLS with the right certificates). */
const on = (host: string, ...args: string[]): Promise<string> => (host === 't1' ? dockerTls(...args) : docker(host, ...args));

/** This scenario's containers on `host`: `name state` lines, sorted. */
async function states(host: string): Promise<string[]> {
  const out = await on(host, 'ps', '-a', '--filter', `name=^${P}`, '--format', '{{.Names}} {{.State}}');
  return out ? out.split('\n').sort() : [];
}

/** The container events of `host` between two past moments (exact timeNano, as truth.ts reads them). */
async function eventsOn(host: string, since: number, until: number): Promise<EngineEvent[]> {
  const out = await on(host, 'events', '--since', since.toFixed(3), '--until', until.toFixed(3), '--filter', 'type=container', '--format', '{{json .}}');
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const e = JSON.parse(l) as { Action: string; Actor: { Attributes: Record<string, string> } };
      return { host, name: e.Actor.Attributes.name ?? '', action: e.Action.split(':')[0]!, signal: e.Actor.Attributes.signal ?? null, timeNano: /"timeNano":(\d+)/.exec(l)?.[1] ?? '0' };
    })
    .filter((e) => e.name.startsWith(P));
}

async function removeEverywhere(hosts: readonly string[]): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      const ids = await on(h, 'ps', '-aq', '--filter', `name=^${P}`);
      if (ids) await on(h, 'rm', '-f', ...ids.split('\n'));
    }),
  );
}

/** dockpit-tls.yaml with `fault` put in; throws when the text to change is not there (the fleet's files changed). */
function faultyHosts(ctx: { tmp: string; fleet: { knownHosts: string; tlsHost: { config: string; url: string; otherNameUrl: string; ca: string; otherCa: string; cert: string; key: string } } }, fault: Fault, sshHost: string): string {
  const t1 = ctx.fleet.tlsHost;
  const text = fs.readFileSync(t1.config, 'utf8').replace(/^state: .*\n/m, '');
  const swap = (from: string, to: string): string => {
    if (!text.includes(from)) throw new Error(`F14: ${t1.config} has no "${from}" to change`);
    return text.replace(from, to);
  };
  const tlsLine = `tls: { ca: ${t1.ca}, cert: ${t1.cert}, key: ${t1.key} }`;
  if (fault === 'wrong-ca') return swap(tlsLine, `tls: { ca: ${t1.otherCa}, cert: ${t1.cert}, key: ${t1.key} }`);
  if (fault === 'no-client-cert') return swap(tlsLine, `tls: { ca: ${t1.ca} }`);
  if (fault === 'other-name') return swap(`url: ${t1.url}`, `url: ${t1.otherNameUrl}`);
  // A changed host key: the ssh host's line in a copy of known_hosts carries another host's key.
  const sshAddr = new RegExp(`- name: ${sshHost}\\n\\s+url: ssh://[^@]+@([^:]+):`).exec(text)?.[1];
  const lines = fs.readFileSync(ctx.fleet.knownHosts, 'utf8').split('\n');
  const mine = lines.findIndex((l) => l.startsWith(`${sshAddr} `));
  const other = lines.find((l, i) => i !== mine && l.includes(' ssh-'));
  if (!sshAddr || mine < 0 || !other) throw new Error(`F14: no entry for ${sshHost} (${sshAddr}) and another in ${ctx.fleet.knownHosts}`);
  lines[mine] = `${sshAddr} ${other.split(' ').slice(1).join(' ')}`;
  const copy = path.join(ctx.tmp, 'known_hosts');
  fs.writeFileSync(copy, lines.join('\n'));
  return text.split(`knownHosts: ${ctx.fleet.knownHosts}`).join(`knownHosts: ${copy}`);
}

export const f14: Scenario = {
  id: 'F14',
  title: 'a changed host key, a wrong CA, no client certificate or another name, while ps / a plan / a migration runs across the fleet',
  async run(ctx) {
    const sshHost = /- name: (\S+)\n\s+url: ssh:\/\//.exec(fs.readFileSync(FLEET_CONFIG, 'utf8'))?.[1];
    if (!sshHost) throw new Error('F14: no host of the fleet is reached over ssh:// in dockpit.yaml');
    const all = [...ctx.fleet.hosts.map((h) => h.name), 't1'];
    const fault = FAULTS[Math.floor(ctx.random() * FAULTS.length)]!;
    const op = OPS[Math.floor(ctx.random() * OPS.length)]!;
    const faulty = fault === 'host-key' ? sshHost : 't1';
    const good = all.filter((h) => h !== faulty);
    const from = good[Math.floor(ctx.random() * good.length)]!;
    const rest = all.filter((h) => h !== from);
    const to = rest[Math.floor(ctx.random() * rest.length)]!;
    const chose = `${fault} on ${faulty}, ${op}${op === 'migrate' ? ` ${from} → ${to}` : ''}`;
    const secret = secretOf(ctx.seed);
    const out = new Outputs();
    const stateDir = path.join(ctx.tmp, 'state');
    const config = path.join(ctx.tmp, 'dockpit.yaml');
    fs.writeFileSync(
      config,
      `${faultyHosts(ctx, fault, sshHost)}\nstate: ${stateDir}\n${lanPoolYaml({ [LINE]: { range: '10.88.74.0/28', tier: 3 } })}plans:
  - name: chaos14
    guards: { maxDownPerLine: 1, stopTimeout: 1, actionTimeout: 15 }
    steps:
      - select: { lines: [${LINE}], names: ["${P}*"] }
        action: stop
`,
    );
    const violations: Violation[] = [];
    const bad = (invariant: string, text: string) => violations.push({ invariant, text });
    const name = (h: string) => `${P}${h}`;
    await removeEverywhere(all);
    try {
      await Promise.all(all.map((h) => on(h, 'run', '-d', '--stop-timeout', '1', '--name', name(h), '--label', `dockpit.bizline=${LINE}`, '--label', 'dockpit.tier=3', '-e', `DB_PASSWORD=${secret}`, ctx.fleet.image, 'sleep', '86400')));
      const before = new Map(await Promise.all(all.map(async (h) => [h, await states(h)] as const)));
      const t0 = now();

      // Shown down, with its own reason, the others up.
      const hostsRan = out.keep('hosts', await cli(['hosts', '--json', '--config', config]));
      const shown = JSON.parse(hostsRan.stdout || '[]') as Array<{ name: string; state: string; error: string | null }>;
      for (const h of all) {
        const s = shown.find((x) => x.name === h);
        if (h === faulty && (s?.state !== 'down' || !s.error?.includes(SAYS[fault]) || s.error.includes('\n'))) bad('refused and shown down', `hosts: ${h} is ${s?.state ?? 'missing'} (${s?.error ?? 'no error'}), expected down saying "${SAYS[fault]}"`);
        if (h !== faulty && s?.state !== 'up') bad('others work', `hosts: ${h} is ${s?.state ?? 'missing'} (${s?.error ?? ''})`);
      }

      let r: Ran;
      if (op === 'ps') {
        r = out.keep('ps', await cli(['ps', '--config', config]));
        const listed = good.filter((h) => new RegExp(`^${h}\\s+${name(h)}\\s`, 'm').test(r.stdout));
        if (r.code !== 0 || listed.length !== good.length) bad('others work', `ps: exit ${r.code}, lists ${listed.join(', ') || 'none'} of ${good.join(', ')}`);
        if (r.stdout.includes(name(faulty))) bad('refused and shown down', `ps lists ${name(faulty)} of the refused ${faulty}`);
        if (!r.stderr.split('\n').some((l) => l.includes(`host ${faulty} is down`) && l.includes(SAYS[fault]))) bad('clear error', `ps: no warning that ${faulty} is down saying "${SAYS[fault]}": ${r.stderr.trim().split('\n')[0] ?? ''}`);
      } else if (op === 'plan') {
        r = out.keep('plan apply', await cli(['plan', 'apply', 'chaos14', '--yes', '--json', '--config', config]));
        let j: { status?: string; unseen?: string[]; error?: string } = {};
        try {
          j = JSON.parse(r.stdout) as typeof j;
        } catch {
          bad('others work', `plan apply: exit ${r.code}, not JSON: ${r.stderr.trim().split('\n')[0]}`);
        }
        if (j.status !== undefined && (j.status !== 'partial' || !j.unseen?.includes(faulty))) bad('partial and says so', `plan apply: status ${j.status}, unseen ${JSON.stringify(j.unseen)} (${j.error ?? ''}), expected partial naming ${faulty}`);
      } else {
        r = out.keep('migrate', await cli(['migrate', name(from), '--to', to, '--yes', '--json', '--gate-seconds', '1', '--config', config]));
        const j = ((): { status?: string; error?: string } => {
          try {
            return JSON.parse(r.stdout) as { status?: string; error?: string };
          } catch {
            return {};
          }
        })();
        const said = `${j.error ?? ''} ${r.stderr}`;
        if (to === faulty && (r.code === 0 || !said.includes(faulty))) bad('refused and shown down', `migrate to the refused ${faulty}: exit ${r.code}, status ${j.status}: ${said.trim().split('\n')[0]}`);
        if (to !== faulty && (r.code !== 0 || j.status !== 'done')) bad('others work', `migrate ${from} → ${to}: exit ${r.code}, status ${j.status}: ${said.trim().split('\n')[0]}`);
      }
      ctx.log(`${op}: exit ${r.code ?? r.signal} in ${(r.ms / 1000).toFixed(1)} s: ${(r.stdout.match(/"(status|error)": "[^"]*"/g) ?? []).join(' ')} ${r.stderr.trim().split('\n')[0] ?? ''}`);
      const t1 = now();

      // Nothing at all changed on the refused host; the others did their part, each once.
      const after = new Map(await Promise.all(all.map(async (h) => [h, await states(h)] as const)));
      const evs = (await Promise.all(all.map((h) => eventsOn(h, t0, t1 + 0.05)))).flat();
      const changedOn = (h: string) => evs.filter((e) => e.host === h && CHANGING.has(e.action));
      if (changedOn(faulty).length > 0 || JSON.stringify(after.get(faulty)) !== JSON.stringify(before.get(faulty))) {
        bad('nothing changed on it', `${faulty}: ${changedOn(faulty).map((e) => `${e.action} ${e.name}`).join(', ') || 'no event'}; ${JSON.stringify(before.get(faulty))} → ${JSON.stringify(after.get(faulty))}`);
      }
      for (const h of good) {
        const stops = evs.filter((e) => e.host === h && e.action === 'stop').length;
        const want = op === 'plan' ? 1 : op === 'migrate' && h === from && to !== faulty ? 1 : 0;
        if (stops !== want) bad('each action once', `${h}: ${stops} × stop, expected ${want}`);
      }
      if (op === 'migrate' && to !== faulty && !(after.get(to) ?? []).includes(`${name(from)} running`)) bad('others work', `${name(from)} is not running on ${to}: ${JSON.stringify(after.get(to))}`);
      const stems = all.map(name);
      violations.push(...auditCovers(evs.filter((e) => CHANGING.has(e.action) || e.action === 'rename').map((e) => `${e.host}/${stems.find((s) => e.name.startsWith(s)) ?? e.name}`), auditByStem(auditEntries(stateDir), stems)));
      violations.push(...noSecrets([...stateTexts(stateDir), ...out.texts], [secret]), ...noStackTrace(out));
      return { violations, chose };
    } finally {
      await removeEverywhere(all);
    }
  },
};
