import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tokenize as originalTokenize, styledCharsFromTokens, styledCharsToString as originalToString } from '@alcalzone/ansi-tokenize';
import { build, type Plugin } from 'esbuild';
import originalSlice from 'slice-ansi';
import originalWidth from 'string-width';
import originalWrap from 'wrap-ansi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/esbuild-plugins.mjs's terminalTextFastPaths (issue 16): the bundle's edited string-width, ansi-tokenize,
// slice-ansi and wrap-ansi give what the packages give, on every character the fast paths take and on mixed text.

interface Edited {
  stringWidth: typeof originalWidth;
  tokenize: typeof originalTokenize;
  styledCharsFromTokens: typeof styledCharsFromTokens;
  styledCharsToString: typeof originalToString;
  sliceAnsi: typeof originalSlice;
  wrapAnsi: typeof originalWrap;
}

const ENTRY = `
export { default as stringWidth } from 'string-width';
export { tokenize, styledCharsFromTokens, styledCharsToString } from '@alcalzone/ansi-tokenize';
export { default as sliceAnsi } from 'slice-ansi';
export { default as wrapAnsi } from 'wrap-ansi';
`;

let dir = '';
let edited: Edited;
let SINGLE_NARROW = '';
// Counts the segmenters the edited modules make: the fast paths must make none for their text.
const made = { segmenters: 0 };

beforeAll(async () => {
  const plugins = (await import(pathToFileURL(path.resolve('scripts/esbuild-plugins.mjs')).href)) as { terminalTextFastPaths: Plugin; SINGLE_NARROW: string };
  SINGLE_NARROW = plugins.SINGLE_NARROW;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-text-'));
  const outfile = path.join(dir, 'text.cjs');
  await build({
    stdin: { contents: ENTRY, resolveDir: path.resolve('.'), loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    plugins: [plugins.terminalTextFastPaths],
    logLevel: 'silent',
    // Intl.Segmenter as the edited modules see it: the real one, counted.
    banner: { js: 'const Intl = { ...globalThis.Intl, Segmenter: class extends globalThis.Intl.Segmenter { constructor(...a) { super(...a); globalThis.__dockpitSegmenters.segmenters++; } } };' },
  });
  (globalThis as { __dockpitSegmenters?: typeof made }).__dockpitSegmenters = made;
  edited = load();
});

/** The edited modules afresh: none of their segmenters made yet. */
function load(): Edited {
  const file = path.join(dir, 'text.cjs');
  const require = createRequire(file);
  delete require.cache[file];
  return require(file) as Edited;
}

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every code point of the class body, e.g. `\x20-\x7e\u2500`. */
function codePoints(classBody: string): number[] {
  const cps: number[] = [];
  const re = /\\(?:x([0-9a-f]{2})|u([0-9a-f]{4}))(?:-\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})))?/gy;
  for (const m of classBody.matchAll(re)) {
    const from = parseInt(m[1] ?? m[2] ?? '', 16);
    const last = m[3] ?? m[4];
    const to = last === undefined ? from : parseInt(last, 16);
    for (let cp = from; cp <= to; cp++) cps.push(cp);
  }
  return cps;
}

/** A seeded generator (mulberry32), so a failure names text that can be made again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OTHER = ['中文', '한국어', '👍', '✅', '⚡', '⚠️', '👨‍👩‍👧', 'e\u0301', '\u200b', '\u00ad', 'ｱ', '\u0903', '\t', '\x9b31m', '🇫🇷'];
const CODES = ['\x1b[1m', '\x1b[2m', '\x1b[22m', '\x1b[31m', '\x1b[39m', '\x1b[0m', '\x1b[38;5;200m', '\x1b[7m', '\x1b[27m', '\x1b]8;;https://x\x07'];

function texts(count: number, seed: number, others: boolean): string[] {
  const next = random(seed);
  const narrow = codePoints(SINGLE_NARROW);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(next() * xs.length)] as T;
  return Array.from({ length: count }, () => {
    let s = '';
    const parts = 1 + Math.floor(next() * 12);
    for (let i = 0; i < parts; i++) {
      const r = next();
      if (r < 0.5) s += String.fromCodePoint(...Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(narrow)));
      else if (r < 0.8) s += pick(CODES);
      else s += others ? pick(OTHER) : 'host-01 up';
    }
    return s;
  });
}

describe('terminal text fast paths (the bundle)', () => {
  it('every character the fast paths take is one column wide and a grapheme of its own', () => {
    const segmenter = new Intl.Segmenter();
    const count = (s: string): number => [...segmenter.segment(s)].length;
    const wrong = codePoints(SINGLE_NARROW)
      .map((cp) => String.fromCodePoint(cp))
      .filter((c) => originalWidth(c) !== 1 || count(`a${c}b`) !== 3 || count(c + c) !== 2);
    expect(wrong.map((c) => c.codePointAt(0)?.toString(16))).toEqual([]);
  });

  it('measures, tokenises, slices and wraps text as the packages do', () => {
    for (const s of [...texts(1500, 16, true), ...texts(500, 17, false)]) {
      expect(edited.stringWidth(s), JSON.stringify(s)).toBe(originalWidth(s));
      expect(edited.stringWidth(s, { ambiguousIsNarrow: false }), JSON.stringify(s)).toBe(originalWidth(s, { ambiguousIsNarrow: false }));
      expect(edited.stringWidth(s, { countAnsiEscapeCodes: true }), JSON.stringify(s)).toBe(originalWidth(s, { countAnsiEscapeCodes: true }));
      const tokens = edited.tokenize(s);
      expect(tokens, JSON.stringify(s)).toEqual(originalTokenize(s));
      expect(edited.tokenize(s, 5), JSON.stringify(s)).toEqual(originalTokenize(s, 5));
      expect(edited.styledCharsToString(edited.styledCharsFromTokens(tokens)), JSON.stringify(s)).toBe(originalToString(styledCharsFromTokens(originalTokenize(s))));
      expect(edited.sliceAnsi(s, 2, 9), JSON.stringify(s)).toBe(originalSlice(s, 2, 9));
    }
  });

  it('wraps as wrap-ansi does, measuring as Ink does', async () => {
    // wrap-ansi measures with string-width 8 in the bundle, as Ink does, and 7 in the package. They differ on some
    // symbols (7 takes ❤ and ☀ as emoji, two columns; terminals and Ink show them in one): compared where they agree.
    const wrapWidth = ((await import(pathToFileURL(path.resolve('node_modules/wrap-ansi/node_modules/string-width/index.js')).href)) as { default: typeof originalWidth }).default;
    const agree = (s: string): boolean => [...s].every((c) => wrapWidth(c) === originalWidth(c));
    const sample = texts(800, 18, false).filter(agree);
    expect(sample.length).toBeGreaterThan(300);
    for (const s of sample) {
      expect(edited.wrapAnsi(s, 7, { hard: true }), JSON.stringify(s)).toBe(originalWrap(s, 7, { hard: true }));
      expect(edited.wrapAnsi(s, 12, { trim: false }), JSON.stringify(s)).toBe(originalWrap(s, 12, { trim: false }));
    }
  });

  it('makes no segmenter for the text the cockpit writes', () => {
    const edited = load();
    const before = made.segmenters;
    const line = '\x1b[1mnews\x1b[22m │ 12/12 up · tier 1 → ▶ ⚠ ✓ ✗ ░▁▂▃█ 10.88.1.59 µs × ’…';
    expect(edited.stringWidth(line)).toBe(originalWidth(line));
    expect(edited.tokenize(line)).toEqual(originalTokenize(line));
    expect(made.segmenters).toBe(before);
    // and one, when it is needed, the first time only
    expect(edited.stringWidth('中文 👍')).toBe(originalWidth('中文 👍'));
    expect(edited.stringWidth('한국어')).toBe(originalWidth('한국어'));
    expect(made.segmenters).toBe(before + 1);
  });
});
