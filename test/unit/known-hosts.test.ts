import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  fingerprint,
  hostLookupName,
  keyTypeOf,
  parseKnownHosts,
  verifyHostKey,
} from '../../src/engine/known-hosts.js';

// The engine layer needs no React (style.md): fail loudly if anything pulls it in.
vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

let dir: string;
/** Two real ed25519 keys and one rsa key made by ssh-keygen: [type, base64 blob, ssh-keygen -lf fingerprint]. */
let ed1: { b64: string; blob: Buffer; fp: string };
let ed2: { b64: string; blob: Buffer; fp: string };
let rsa: { b64: string; blob: Buffer; fp: string };

function keygen(name: string, type: string): { b64: string; blob: Buffer; fp: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', name, '-f', file]);
  const pub = fs.readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
  const fp = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).trim().split(/\s+/)[1]!;
  return { b64: pub[1]!, blob: Buffer.from(pub[1]!, 'base64'), fp };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-kh-'));
  ed1 = keygen('ed1', 'ed25519');
  ed2 = keygen('ed2', 'ed25519');
  rsa = keygen('rsa', 'rsa');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A hashed known_hosts host field, as `ssh-keygen -H` / HashKnownHosts writes it. */
function hashed(name: string, salt = crypto.randomBytes(20)): string {
  const hash = crypto.createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

describe('fingerprint and key type', () => {
  it('fingerprint() equals what ssh-keygen -lf prints', () => {
    expect(ed1.fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprint(ed1.blob)).toBe(ed1.fp);
    expect(fingerprint(rsa.blob)).toBe(rsa.fp);
    expect(fingerprint(ed1.blob)).not.toBe(fingerprint(ed2.blob));
  });

  it('keyTypeOf() reads the type from the blob', () => {
    expect(keyTypeOf(ed1.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(rsa.blob)).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('unknown');
  });
});

describe('hostLookupName', () => {
  it('is the bare host on 22 and [host]:port otherwise', () => {
    expect(hostLookupName('web1', 22)).toBe('web1');
    expect(hostLookupName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });
});

describe('parseKnownHosts', () => {
  it('reads patterns, key type, key and marker; skips comments, blanks and short lines', () => {
    const entries = parseKnownHosts(
      [
        '# a comment',
        '',
        `web1,10.0.0.1 ssh-ed25519 ${ed1.b64} comment here`,
        `@revoked * ssh-ed25519 ${ed2.b64}`,
        'broken-line ssh-ed25519',
      ].join('\n'),
    );
    expect(entries).toEqual([
      { patterns: ['web1', '10.0.0.1'], keyType: 'ssh-ed25519', key: ed1.blob, marker: null },
      { patterns: ['*'], keyType: 'ssh-ed25519', key: ed2.blob, marker: '@revoked' },
    ]);
  });
});

describe('verifyHostKey', () => {
  it('plain match', () => {
    const entries = parseKnownHosts(`other ssh-ed25519 ${ed2.b64}\nweb1,10.0.0.1 ssh-ed25519 ${ed1.b64}\n`);
    expect(verifyHostKey(entries, 'web1', ed1.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, '10.0.0.1', ed1.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'WEB1', ed1.blob)).toEqual({ ok: true });
  });

  it('[host]:port for a non-22 port; the bare name does not cover another port', () => {
    const entries = parseKnownHosts(`[10.0.0.5]:2222 ssh-ed25519 ${ed1.b64}\n10.0.0.6 ssh-ed25519 ${ed1.b64}\n`);
    expect(verifyHostKey(entries, hostLookupName('10.0.0.5', 2222), ed1.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, hostLookupName('10.0.0.5', 22), ed1.blob)).toEqual({
      ok: false,
      reason: 'unknown',
      fingerprint: ed1.fp,
      keyType: 'ssh-ed25519',
    });
    expect(verifyHostKey(entries, hostLookupName('10.0.0.6', 2222), ed1.blob)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('hashed |1|salt|hash entries, for port 22 and [host]:port', () => {
    const entries = parseKnownHosts(
      `${hashed('web1')} ssh-ed25519 ${ed1.b64}\n${hashed('[web2]:2200')} ssh-ed25519 ${ed2.b64}\n`,
    );
    expect(verifyHostKey(entries, 'web1', ed1.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, '[web2]:2200', ed2.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'web2', ed2.blob)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(verifyHostKey(entries, 'web3', ed1.blob)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('hashed entries written by ssh-keygen -H', () => {
    const file = path.join(dir, 'known_hosts_hashed');
    fs.writeFileSync(file, `db1.example ssh-ed25519 ${ed1.b64}\n[db2.example]:2022 ssh-rsa ${rsa.b64}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('db1.example');
    const entries = parseKnownHosts(text);
    expect(entries.every((e) => e.patterns[0]!.startsWith('|1|'))).toBe(true);
    expect(verifyHostKey(entries, 'db1.example', ed1.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, '[db2.example]:2022', rsa.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'db2.example', rsa.blob)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('wildcards * and ?', () => {
    const entries = parseKnownHosts(`*.prod.lan ssh-ed25519 ${ed1.b64}\nweb? ssh-ed25519 ${ed2.b64}\n`);
    expect(verifyHostKey(entries, 'a.prod.lan', ed1.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'prod.lan', ed1.blob)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(verifyHostKey(entries, 'aprodxlan', ed1.blob)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(verifyHostKey(entries, 'web7', ed2.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'web17', ed2.blob)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('negation excludes a host the wildcard would match', () => {
    const entries = parseKnownHosts(`*.lan,!bastion.lan ssh-ed25519 ${ed1.b64}\n`);
    expect(verifyHostKey(entries, 'web.lan', ed1.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'bastion.lan', ed1.blob)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('a different key of the same type is "changed"; of another type "unknown"', () => {
    const entries = parseKnownHosts(`web1 ssh-ed25519 ${ed1.b64}\n`);
    expect(verifyHostKey(entries, 'web1', ed2.blob)).toEqual({
      ok: false,
      reason: 'changed',
      fingerprint: ed2.fp,
      keyType: 'ssh-ed25519',
    });
    expect(verifyHostKey(entries, 'web1', rsa.blob)).toEqual({
      ok: false,
      reason: 'unknown',
      fingerprint: rsa.fp,
      keyType: 'ssh-rsa',
    });
  });

  it('a host with several keys accepts any of them', () => {
    const entries = parseKnownHosts(`web1 ssh-ed25519 ${ed1.b64}\nweb1 ssh-rsa ${rsa.b64}\n`);
    expect(verifyHostKey(entries, 'web1', rsa.blob)).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'web1', ed1.blob)).toEqual({ ok: true });
  });

  it('@revoked wins over a plain entry of the same key', () => {
    const entries = parseKnownHosts(`web1 ssh-ed25519 ${ed1.b64}\n@revoked * ssh-ed25519 ${ed1.b64}\n`);
    expect(verifyHostKey(entries, 'web1', ed1.blob)).toEqual({
      ok: false,
      reason: 'revoked',
      fingerprint: ed1.fp,
      keyType: 'ssh-ed25519',
    });
  });

  it('@cert-authority lines do not vouch for a plain key', () => {
    const entries = parseKnownHosts(`@cert-authority * ssh-ed25519 ${ed1.b64}\n`);
    expect(verifyHostKey(entries, 'web1', ed1.blob)).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('regex characters in a pattern are literal', () => {
    const entries = parseKnownHosts(`10.0.0.1 ssh-ed25519 ${ed1.b64}\n`);
    expect(verifyHostKey(entries, '10x0y0z1', ed1.blob)).toMatchObject({ ok: false, reason: 'unknown' });
  });
});
