import { describe, expect, it } from 'vitest';
import { shapeDiff, shapeOf } from '../support/json-shape.js';

// The conformance test of the hollow engine is only as strict as this comparison: it must see a missing
// key, an extra key, a changed type and a null where an object was, at any depth.

const real = {
  Id: 'abc',
  State: { Status: 'running', Pid: 12, Running: true },
  Names: ['/web'],
  Ports: [],
  HostConfig: { Links: null, ConsoleSize: [0, 0] },
  DriverStatus: [['Backing Filesystem', 'extfs'], ['userxattr', 'false']],
};

describe('shapeDiff', () => {
  it('finds no difference between values of the same shape', () => {
    const other = {
      Id: 'def',
      State: { Status: 'exited', Pid: 0, Running: false },
      Names: ['/a', '/b'],
      Ports: [{ PrivatePort: 80 }],
      HostConfig: { Links: null, ConsoleSize: [24, 80] },
      DriverStatus: [['x', 'y']],
    };
    expect(shapeDiff(shapeOf(real), shapeOf(other))).toEqual([]);
  });

  it('names a missing key, an unexpected key and a changed type with their paths', () => {
    const other = {
      Id: 'abc',
      State: { Status: 'running', Pid: '12', Running: true, Extra: 1 },
      Names: ['/web'],
      Ports: [],
      HostConfig: { ConsoleSize: [0, 0] },
      DriverStatus: [['a', 'b']],
    };
    expect(shapeDiff(shapeOf(real), shapeOf(other))).toEqual([
      '$.State.Pid: expected number, got string',
      '$.State.Extra: unexpected',
      '$.HostConfig.Links: missing',
    ]);
  });

  it('tells null from an object or an array, and compares the items of lists', () => {
    expect(shapeDiff(shapeOf({ Links: null }), shapeOf({ Links: {} }))).toEqual(['$.Links: expected null, got object']);
    expect(shapeDiff(shapeOf({ Warnings: ['w'] }), shapeOf({ Warnings: null }))).toEqual(['$.Warnings: expected array of string, got null']);
    expect(shapeDiff(shapeOf({ Names: ['/a'] }), shapeOf({ Names: [1] }))).toEqual(['$.Names[]: expected string, got number']);
    expect(shapeDiff(shapeOf([{ a: 1 }]), shapeOf([{ a: 1 }, { b: 1 }]))).toHaveLength(1);
  });

  it('lets an empty list match any list (no items, no item shape)', () => {
    expect(shapeDiff(shapeOf({ Ports: [] }), shapeOf({ Ports: [{ PrivatePort: 80 }] }))).toEqual([]);
  });
});
