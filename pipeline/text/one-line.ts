/** Control characters (newlines, carriage returns, terminal escape codes) and Unicode line or paragraph separators.
 *  YAML, Markdown and terminals all read some of them as structure. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this file's job
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Whether the text holds a character oneLine would escape. */
export function hasControl(text: string): boolean {
  return text.search(CONTROL) >= 0;
}

/** A name taken from a file, a file name or the command line, made safe to put on one line of anything zooforge
 *  writes or prints: a comment, a heading, a terminal line. Each control character becomes a visible \uXXXX escape,
 *  so the text can add no line and no escape sequence where it lands. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for a terminal: its lines kept, but no control character inside a line (a file name holding an escape
 *  sequence would recolour or rewrite the user's terminal). */
export function printable(text: string): string {
  return text.split('\n').map(oneLine).join('\n');
}
