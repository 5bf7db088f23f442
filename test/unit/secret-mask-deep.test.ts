import { describe, expect, it } from 'vitest';
import { hasMaskedEntry, MASK, maskSecretsDeep, unmaskEnv } from '../../src/secrets/secret-env.js';

// Issue 17, item 3: journals and the audit log get every env list masked, at any depth; a resume gets
// the real values back by key.

describe('maskSecretsDeep', () => {
  it('masks every Env/env list at any depth, leaves the rest (and the input) as it is', () => {
    const record = {
      kind: 'mig.start',
      moves: [{ name: 'db', body: { Env: ['DB_PASSWORD=s3cret', 'PORT=5432'], Cmd: ['DB_PASSWORD=not-env'] }, source: { Config: { Env: ['API_KEY=k', 'EMPTY_TOKEN='] } } }],
      details: { env: ['AUTH=x'] },
    };
    const copy = structuredClone(record);
    const masked = maskSecretsDeep(record);
    expect(masked).toEqual({
      kind: 'mig.start',
      moves: [{ name: 'db', body: { Env: [`DB_PASSWORD=${MASK}`, 'PORT=5432'], Cmd: ['DB_PASSWORD=not-env'] }, source: { Config: { Env: [`API_KEY=${MASK}`, 'EMPTY_TOKEN='] } } }],
      details: { env: [`AUTH=${MASK}`] },
    });
    expect(record).toEqual(copy);
    const plain = { kind: 'run.start', env: ['A=1'], n: 3 };
    expect(maskSecretsDeep(plain)).toBe(plain);
  });

  it('unmaskEnv puts the real values back by key; a key it cannot find is null', () => {
    expect(hasMaskedEntry([`DB_PASSWORD=${MASK}`])).toBe(true);
    expect(hasMaskedEntry(['DB_PASSWORD=x', `NOTE=${MASK}`])).toBe(false);
    expect(unmaskEnv([`DB_PASSWORD=${MASK}`, 'PORT=1'], ['PORT=2', 'DB_PASSWORD=s3=cret'])).toEqual(['DB_PASSWORD=s3=cret', 'PORT=1']);
    expect(unmaskEnv([`DB_PASSWORD=${MASK}`], ['OTHER=1'])).toBeNull();
  });
});
