import { describe, expect, it } from 'vitest';
import { writeRefused } from '../../src/state/file/durable-file.js';
import { StateError } from '../../src/state/types.js';

// Chaos F13: a full state disk said "unexpected error: ENOSPC: no space left on device, write", naming no file.

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: something, write`), { code });

describe('a write the device refuses', () => {
  it('is a StateError naming the file, the cause and what to do', () => {
    const err = writeRefused(errno('ENOSPC'), '/var/lib/dockpit/ledger.json');
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).message).toBe('state /var/lib/dockpit/ledger.json: cannot write: no space left on its device (ENOSPC); make room there, then run the command again');
    expect((writeRefused(errno('EROFS'), '/s/audit.log') as Error).message).toContain('its file system is read-only (EROFS)');
    expect((writeRefused(errno('EDQUOT'), '/s/x') as Error).message).toContain('over its disk quota (EDQUOT)');
  });

  it('leaves any other error as it is', () => {
    const other = errno('EACCES');
    expect(writeRefused(other, '/s/x')).toBe(other);
    expect(writeRefused('a string', '/s/x')).toBe('a string');
  });
});
