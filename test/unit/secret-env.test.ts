import { describe, expect, it } from 'vitest';
import { isSecretKey, MASK, maskEnv, maskEnvEntry, maskInspect, SECRET_KEY_PARTS } from '../../src/render/secret-env.js';

describe('secret env', () => {
  it('lists the key parts that mark a secret, in one place', () => {
    expect(SECRET_KEY_PARTS).toEqual(['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'KEY', 'CREDENTIAL', 'PRIVATE', 'AUTH']);
    expect(MASK).toBe('••••••');
  });

  it('recognises secret keys case-insensitively, anywhere in the key', () => {
    for (const k of ['DB_PASSWORD', 'mysql_passwd', 'ClientSecret', 'GITHUB_TOKEN', 'api_key', 'AWS_CREDENTIALS', 'PRIVATE_PEM', 'BASIC_AUTH', 'authorization']) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['PATH', 'HOME', 'PLAIN', 'LANG', 'PASS', 'TOKYO']) expect(isSecretKey(k), k).toBe(false);
  });

  it('masks the value only, keeps values of other keys, and leaves odd entries alone', () => {
    expect(maskEnvEntry('DB_PASSWORD=hunter2')).toBe('DB_PASSWORD=••••••');
    expect(maskEnvEntry('api_token=a=b=c')).toBe('api_token=••••••');
    expect(maskEnvEntry('PLAIN=visible')).toBe('PLAIN=visible');
    expect(maskEnvEntry('EMPTY_SECRET=')).toBe('EMPTY_SECRET='); // nothing to hide: "unset" is worth seeing
    expect(maskEnvEntry('SECRET_WITHOUT_VALUE')).toBe('SECRET_WITHOUT_VALUE');
    expect(maskEnvEntry('=TOKEN')).toBe('=TOKEN');
    expect(maskEnv(null)).toBeNull();
    expect(maskEnv(['A=1', 'MY_KEY=2'])).toEqual(['A=1', 'MY_KEY=••••••']);
  });

  it('masks a whole inspect without touching the input or any other field', () => {
    const inspect = { Id: 'x', Config: { Env: ['TOKEN=t', 'A=1'], Labels: { TOKEN: 'label values are not env' } }, HostConfig: { Memory: 1 } };
    const copy = structuredClone(inspect);
    const masked = maskInspect(inspect);
    expect(masked).toEqual({ ...copy, Config: { ...copy.Config, Env: ['TOKEN=••••••', 'A=1'] } });
    expect(inspect).toEqual(copy);
    expect(maskInspect({ Config: { Env: null } })).toEqual({ Config: { Env: null } });
  });
});
