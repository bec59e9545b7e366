import { parseArgs } from 'node:util';
import { ExitCode, environmentError, isKnownError, UserInputError } from '../errors.ts';
import { printable } from '../text/one-line.ts';
import { didYouMean } from '../text/suggest.ts';
import { VERSION } from '../version.ts';
import { COMMANDS, type Invocation } from './commands.ts';
import { commandHelp, mainHelp } from './help.ts';
import { OPTIONS, optionalValues, parseArgsOptions } from './options.ts';

function parse(argv: string[]) {
  try {
    return parseArgs({ args: optionalValues(argv), options: parseArgsOptions(), allowPositionals: true, strict: true });
  } catch (err) {
    const unknown = /Unknown option '--([^']+)'/.exec((err as Error).message)?.[1];
    const hint = unknown ? didYouMean(unknown, Object.keys(OPTIONS), (o) => `--${o}`) : '';
    throw new UserInputError(`${(err as Error).message}${hint}\nRun 'zooforge --help' for usage.`);
  }
}

function say(text: string, code: number): number {
  process.stdout.write(`${text}\n`);
  return code;
}

async function dispatch(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [name, ...args] = positionals;
  if (values.version) return say(VERSION, ExitCode.ok);
  if (!name) return say(mainHelp(), values.help ? ExitCode.ok : ExitCode.badInput);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command)
    throw new UserInputError(
      `unknown command ${name}${didYouMean(name, Object.keys(COMMANDS))}. Run 'zooforge --help'.`,
    );
  if (values.help) return say(commandHelp(name), ExitCode.ok);
  return command.run({ name, args, values: values as Invocation['values'] });
}

/** The only place that calls process.exit. */
export async function cli(argv: string[]): Promise<never> {
  let code: number;
  try {
    code = await dispatch(argv);
  } catch (caught) {
    const err = environmentError(caught) ?? caught;
    if (isKnownError(err)) {
      process.stderr.write(`zooforge: ${printable(err.message)}\n`);
      if ('detail' in err && err.detail) process.stderr.write(`${printable(err.detail)}\n`);
      code = err.exitCode;
    } else {
      process.stderr.write(
        `zooforge: internal error — please report it at the project's issue tracker with this output:\n${(err as Error)?.stack ?? String(err)}\n`,
      );
      code = ExitCode.internal;
    }
  }
  process.exit(code);
}
