/** Quoting for command lines that pass through a shell: ssh hands its remote command to the board's login shell
 *  as one string, and the commands zooforge suggests are pasted into the user's. Everything goes through shQuote. */

/** One argument, quoted for a POSIX shell: plain words stay as they are, anything else in single quotes. */
export function shQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** argv -> one shell command line that runs exactly that argv. */
export function shCommand(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}
