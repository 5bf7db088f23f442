import { isNode, visit, type Document, type LineCounter } from 'yaml';
import { ConfigError } from './config-error.js';
import type { z } from 'zod';

// Where a field of a parsed YAML document is, for `file:line: field: message` errors: the config file and
// the plan files (issue 5) point at their fields the same way.

export type PathKey = string | number;

export function lineOf(doc: Document, counter: LineCounter, at: readonly PathKey[]): number | undefined {
  // Walk up to the nearest node that exists, so a missing field points at its parent.
  for (let n = at.length; n >= 0; n--) {
    const node = doc.getIn(at.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    if (n === 0 && doc.contents?.range) return counter.linePos(doc.contents.range[0]).line;
  }
  return undefined;
}

/** Where a document's fields are: the line of a path (or of its nearest parent there), for file:line. */
export interface LineFinder {
  lineOf(at: readonly PathKey[]): number | undefined;
}

/**
 * The lines of a parsed document, each one asked for kept in `asked` (by JSON path): a config read again
 * unchanged is answered from those (config-cache.ts) without its document.
 */
export function documentLines(doc: Document, counter: LineCounter): LineFinder & { asked: Record<string, number | null> } {
  const asked: Record<string, number | null> = {};
  return {
    asked,
    lineOf(at) {
      const line = lineOf(doc, counter, at);
      asked[JSON.stringify(at)] = line ?? null;
      return line;
    },
  };
}

/** Lines kept from an earlier read of the same text; any other is found in the document, parsed then (`parse`). */
export function keptLines(kept: Readonly<Record<string, number | null>>, parse: () => LineFinder): LineFinder {
  let parsed: LineFinder | null = null;
  return {
    lineOf(at) {
      const line = kept[JSON.stringify(at)];
      if (line !== undefined) return line ?? undefined;
      parsed ??= parse();
      return parsed.lineOf(at);
    },
  };
}

export function fieldName(at: readonly PathKey[]): string {
  return at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || '(top level)';
}

/** A schema failure as the message, the path it is about and the path to point the line at. */
export interface IssueLocation {
  message: string;
  at: PathKey[];
  lineAt: PathKey[];
}

/**
 * The first issue of a failed parse, described. A union (a plan step's action) reports "Invalid input"
 * at the union itself; the branch that got furthest into the value says what is actually wrong.
 */
export function describeIssue(issues: readonly z.core.$ZodIssue[], prefix: readonly PathKey[] = []): IssueLocation {
  // An unknown key first (issue 17, item 6): `hostz:` is a typo of `hosts:`, which is then also missing.
  let issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  let base: PathKey[] = [...prefix];
  while (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.filter((b) => b.length > 0);
    if (branches.length === 0) break;
    const deepest = branches.reduce((best, b) => (b[0]!.path.length > best[0]!.path.length ? b : best));
    if (deepest[0]!.path.length === 0) break;
    base = [...base, ...keys(issue.path)];
    issue = deepest[0]!;
  }
  const at = [...base, ...keys(issue.path)];
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.path;
    const missing = issues
      .filter((i) => i.code === 'invalid_type' && i.input === undefined && i.path.length === unknown.length + 1 && unknown.every((k, n) => i.path[n] === k))
      .map((i) => String(i.path.at(-1)));
    const meant = missing.length === 1 && issue.keys.length === 1 ? ` (did you mean "${missing[0]}"?)` : '';
    const message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${meant}`;
    return { message, at, lineAt: [...at, issue.keys[0]!] };
  }
  return { message: issue.message, at, lineAt: at };
}

function keys(path: readonly PropertyKey[]): PathKey[] {
  return path.filter((k): k is PathKey => typeof k !== 'symbol');
}

/**
 * The document's value. Issue 17, item 6: a YAML alias bomb (aliases of aliases, billions of nodes) is
 * stopped by the parser's own limit (`maxAliasCount`, 100 by default, kept as it is), which throws a
 * ReferenceError: here that is a config error at the first alias, exit 2.
 */
export function documentValue(doc: Document, counter: LineCounter, file: string): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let line: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) line = counter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    throw new ConfigError(`invalid YAML: its aliases expand to too many nodes (${err.message.split('\n')[0]}); write the values out`, file, line);
  }
}
