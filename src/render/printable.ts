import { stripVTControlCharacters } from 'node:util';

// Text from a container (env, labels, health output, log lines) can hold escape sequences, tabs or other
// control characters; drawn as-is they move Ink's cursor and tear the frame. One terminal line out.

const TAB = '    ';

/** Removes terminal escape sequences, expands tabs, and shows any other control character as '?'. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return stripVTControlCharacters(text).replace(/\t/g, TAB).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
