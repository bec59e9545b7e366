import { STAGE_ORDER } from '../stages/order.ts';
import { COMMANDS, type Command } from './commands.ts';
import { EXIT_CODE_HELP } from './exit-codes.ts';
import { OPTIONS, type OptionName } from './options.ts';

const WIDTH = 110;

/** Word-wrap `text` to WIDTH, every line after the first indented by `indent` spaces. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

const fill = (text: string): string => text.replaceAll('{stages}', STAGE_ORDER.join(', '));

function table(rows: [string, string][], indent = 2): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows
    .map(([left, right]) => `${' '.repeat(indent)}${left.padEnd(width)}${wrap(fill(right), indent + width)}`)
    .join('\n');
}

/** One row per option; a command's own wording (optionHelp) replaces the shared one, with its own argument name. */
function optionRows(names: readonly OptionName[], own: Command['optionHelp'] = {}): [string, string][] {
  return names.map((name) => {
    const o = OPTIONS[name] as { arg?: string; help: string };
    const mine = own[name];
    const arg = mine ? mine.arg : o.arg;
    return [`--${name}${arg ? ` ${arg}` : ''}`, mine?.help ?? o.help];
  });
}

export const exitCodes = (): string =>
  `Exit codes:\n${table(EXIT_CODE_HELP.map(([code, text]) => [String(code), text]))}`;

export function mainHelp(): string {
  return [
    'zooforge — regenerate, quantize and evaluate edge models from one recipe.',
    'Usage: zooforge <command> [options]',
    `Commands:\n${table(Object.values(COMMANDS).map((c) => [c.usage.replace(/ (\[|--).*$/, ''), c.summary]))}`,
    "Run 'zooforge <command> --help' for a command's options.\nExample: zooforge run yaml/fashion_resnext.yaml",
    exitCodes(),
    `Environment:\n${table(ENVIRONMENT_HELP)}`,
  ].join('\n\n');
}

/** Where zooforge keeps things, and the variables that move them (paths.ts reads them). */
const ENVIRONMENT_HELP: [string, string][] = [
  ['ZOOFORGE_CACHE', 'stage cache (default $XDG_CACHE_HOME/zooforge, i.e. ~/.cache/zooforge; --cache overrides)'],
  ['ZOOFORGE_PYTHON', "the workers' Python (default: the venv zooforge setup builds)"],
  [
    'ZOOFORGE_VENV',
    'where zooforge setup builds that venv (default .venv/ in a checkout, else $XDG_DATA_HOME/zooforge/venv)',
  ],
];

export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return [
    `Usage: zooforge ${c.usage}`,
    fill(c.about),
    ...(c.options.length ? [`Options:\n${table(optionRows(c.options, c.optionHelp))}`] : []),
    exitCodes(),
  ].join('\n\n');
}
