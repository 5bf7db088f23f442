import { COMMAND_OPTIONS, OPTIONS, SECOND_WORDS, SUBCOMMANDS, TARGETS, type CommandName, type OptionName } from './args.js';

// Shell completion (issue 16, item 3): what may come next on a dockpit command line. Commands, subcommands
// and options come from the tables parseCli checks against (args.ts), so a new command or option completes
// the day it parses. The names a value may take come from the config and the state (completion-sources.ts).

/** What a value on the command line names. */
export type ValueKind = 'host' | 'hosts' | 'line' | 'plan' | 'pool' | 'plan-run' | 'migration-run' | 'shell' | 'restart' | 'file';

/** Where the names come from; each is read only when the word being completed needs it. */
export interface CompletionSources {
  hosts(): string[];
  lines(): string[];
  pools(): string[];
  plans(): string[];
  /** Run ids of plan runs ('runs') or migrations ('migrations'). */
  runs(journal: 'runs' | 'migrations'): string[];
}

/** What `__complete` prints instead of candidates when the shell should complete a path itself. */
export const FILES_DIRECTIVE = ':files';

/** The candidates, or "files": let the shell complete a path. */
export type Completion = { kind: 'words'; words: string[] } | { kind: 'files' };

/** Options every command takes besides its own. */
const GLOBAL_OPTIONS = ['config', 'help'] as const;
/** Options only the cockpit's line (no command yet) takes. */
const TOP_OPTIONS = ['version'] as const;

type AnyOption = keyof typeof OPTIONS;

/** What an option's value names; an option that is absent here takes free text (a duration, an address …). */
function optionValue(option: AnyOption, command: CommandName | null): ValueKind | null {
  switch (option) {
    case 'config':
      return 'file';
    case 'host':
    case 'from':
    case 'fenced':
      return 'host';
    case 'to':
      // migrate --to H; evacuate --to H,H; state copy --to etcd://…|PATH.
      return command === 'evacuate' ? 'hosts' : command === 'state-copy' ? 'file' : 'host';
    case 'bizline':
    case 'line':
      return 'line';
    case 'plan':
      return 'plan';
    case 'pool':
      return 'pool';
    case 'restart':
      return 'restart';
    default:
      return null;
  }
}

/** What a command's one positional argument names (TARGETS says which commands take one). */
const TARGET_VALUES: Partial<Record<CommandName, ValueKind>> = {
  'plan-show': 'plan',
  'plan-apply': 'plan',
  'plan-restore': 'plan-run',
  'plan-resume': 'plan-run',
  'plan-status': 'plan-run',
  'plan-abandon': 'plan-run',
  'migration-resume': 'migration-run',
  'migration-status': 'migration-run',
  'migration-abandon': 'migration-run',
  evacuate: 'host',
  completion: 'shell',
};

const SHORT: Record<string, AnyOption> = Object.fromEntries(
  Object.entries(OPTIONS).flatMap(([name, o]) => ('short' in o ? [[o.short, name as AnyOption]] : [])),
);

const isOption = (name: string): name is AnyOption => Object.prototype.hasOwnProperty.call(OPTIONS, name);
const takesValue = (name: AnyOption) => OPTIONS[name].type === 'string';

/** Commands written as one word (the others are `GROUP WORD`), and the groups: what may follow `dockpit`. */
function firstWords(): string[] {
  const grouped = new Set([...Object.values(SUBCOMMANDS), ...Object.values(SECOND_WORDS)].flatMap((g) => Object.values(g)));
  const single = (Object.keys(COMMAND_OPTIONS) as CommandName[]).filter((c) => c !== 'tui' && !grouped.has(c));
  return [...single, ...Object.keys(SUBCOMMANDS)].sort();
}

interface Scan {
  positionals: string[];
  seen: Set<AnyOption>;
  /** The option whose value is the word being completed, if any. */
  valueOf: AnyOption | null;
  /** Past `run`'s IMAGE or a `--`: the words are not dockpit's. */
  verbatim: boolean;
}

/** Reads the words before the one being completed. */
function scan(before: readonly string[]): Scan {
  const s: Scan = { positionals: [], seen: new Set(), valueOf: null, verbatim: false };
  for (const w of before) {
    if (s.verbatim) break;
    if (s.valueOf !== null) {
      // bash splits `--config=FILE` at the "=" (COMP_WORDBREAKS): the value is the word after it.
      if (w !== '=') s.valueOf = null;
      continue;
    }
    if (w === '--') {
      s.verbatim = true;
    } else if (w.startsWith('--')) {
      const [name, value] = [w.slice(2).split('=')[0]!, w.includes('=') ? w.slice(w.indexOf('=') + 1) : undefined];
      if (!isOption(name)) continue;
      s.seen.add(name);
      if (takesValue(name) && value === undefined) s.valueOf = name;
    } else if (w.startsWith('-') && w.length > 1) {
      const name = SHORT[w.slice(1, 2)];
      if (!name) continue;
      s.seen.add(name);
      if (takesValue(name) && w.length === 2) s.valueOf = name;
    } else {
      s.positionals.push(w);
      // `run … IMAGE [COMMAND…]`: everything after the image is the container's (args.ts runImageIndex).
      if (s.positionals[0] === 'run' && s.positionals.length > 1) s.verbatim = true;
    }
  }
  return s;
}

/** The command the positionals name, how many words it took, and where we are if it is not complete. */
function commandOf(positionals: readonly string[]): { command: CommandName; used: number } | { at: 'first' } | { at: 'sub'; group: string } | null {
  const [first, second] = positionals;
  if (first === undefined) return { at: 'first' };
  const group = SUBCOMMANDS[first];
  if (group) {
    if (second === undefined) return { at: 'sub', group: first };
    const named = group[second];
    return named ? { command: named, used: 2 } : null;
  }
  const named = second === undefined ? undefined : SECOND_WORDS[first]?.[second];
  if (named !== undefined) return { command: named, used: 2 };
  return first !== 'tui' && first in COMMAND_OPTIONS ? { command: first as CommandName, used: 1 } : null;
}

function valuesOf(kind: ValueKind, current: string, sources: CompletionSources): Completion {
  const words = (list: string[]): Completion => ({ kind: 'words', words: list });
  switch (kind) {
    case 'file':
      return { kind: 'files' };
    case 'host':
      return words(sources.hosts());
    case 'hosts': {
      // A comma-separated list: complete its last item, keeping the ones before.
      const cut = current.lastIndexOf(',') + 1;
      const given = new Set(current.slice(0, cut).split(',').filter((h) => h !== ''));
      return words(sources.hosts().filter((h) => !given.has(h)).map((h) => `${current.slice(0, cut)}${h}`));
    }
    case 'line':
      return words(sources.lines());
    case 'plan':
      return words(sources.plans());
    case 'pool':
      return words(sources.pools());
    case 'plan-run':
      return words(sources.runs('runs'));
    case 'migration-run':
      return words(sources.runs('migrations'));
    case 'shell':
      return words(['bash', 'zsh']);
    case 'restart':
      return words(['no', 'always', 'unless-stopped', 'on-failure']);
  }
}

function candidates(words: readonly string[], sources: CompletionSources): Completion {
  const current = words.at(-1) ?? '';
  const s = scan(words.slice(0, -1));
  const none: Completion = { kind: 'words', words: [] };
  if (s.verbatim) return none;
  const at = commandOf(s.positionals);
  if (at === null) return none;
  const command = 'command' in at ? at.command : null;
  if (s.valueOf !== null) {
    const kind = optionValue(s.valueOf, command);
    return kind === null ? none : valuesOf(kind, current, sources);
  }
  const inline = /^--([^=]+)=(.*)$/.exec(current);
  if (inline && isOption(inline[1]!) && takesValue(inline[1])) {
    // `--host=h…` as one word (zsh, or bash with "=" out of COMP_WORDBREAKS): the value after the "=".
    const kind = optionValue(inline[1], command);
    if (kind === null) return none;
    const found = valuesOf(kind, inline[2]!, sources);
    return found.kind === 'files' ? found : { kind: 'words', words: found.words.map((w) => `--${inline[1]}=${w}`) };
  }
  if (current.startsWith('-')) {
    const own: readonly (OptionName | (typeof GLOBAL_OPTIONS)[number] | (typeof TOP_OPTIONS)[number])[] =
      command === null ? [...COMMAND_OPTIONS.tui, ...TOP_OPTIONS] : COMMAND_OPTIONS[command];
    const options = [...own, ...GLOBAL_OPTIONS].filter((o) => !s.seen.has(o) || ('multiple' in OPTIONS[o] && OPTIONS[o].multiple));
    return { kind: 'words', words: options.map((o) => `--${o}`) };
  }
  if ('at' in at) return { kind: 'words', words: at.at === 'first' ? firstWords() : Object.keys(SUBCOMMANDS[at.group]!) };
  const rest = s.positionals.length - at.used;
  // `audit` may be followed by `verify` (SECOND_WORDS).
  const seconds = at.used === 1 && rest === 0 ? Object.keys(SECOND_WORDS[at.command] ?? {}) : [];
  if (seconds.length > 0) return { kind: 'words', words: seconds };
  const kind = TARGET_VALUES[at.command];
  if (rest === 0 && TARGETS[at.command] !== undefined && kind !== undefined) return valuesOf(kind, current, sources);
  return none;
}

/**
 * The candidates for the last of `words` (the words after `dockpit`; the last is the one being completed,
 * "" when the cursor is after a space), those that start with it, sorted, each once.
 */
export function completeWords(words: readonly string[], sources: CompletionSources): Completion {
  const found = candidates(words.length === 0 ? [''] : words, sources);
  if (found.kind === 'files') return found;
  const current = words.at(-1) ?? '';
  return { kind: 'words', words: [...new Set(found.words.filter((w) => w.startsWith(current)))].sort() };
}
