import { completionSources } from './completion-sources.js';
import { completeWords, FILES_DIRECTIVE } from './completion-words.js';

/**
 * `dockpit __complete WORD…` (hidden): the candidates for the last word, one a line, for the completion
 * scripts (completion-scripts.ts). Runs on every Tab, so it loads only args.ts's tables and the YAML parser,
 * contacts nothing, and never fails: whatever goes wrong, it prints nothing and exits 0, leaving the
 * operator's prompt as it was.
 */
export function complete(words: readonly string[], write: (text: string) => void): number {
  try {
    const found = completeWords(words, completionSources(words));
    const text = found.kind === 'files' ? FILES_DIRECTIVE : found.words.filter((w) => !w.includes('\n')).join('\n');
    if (text !== '') write(`${text}\n`);
  } catch {
    // A completion that cannot be computed offers nothing.
  }
  return 0;
}
