import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { cleanCommand } from './commands/clean.ts';
import { compareCommand } from './commands/compare.ts';
import { sensitivityCommand, tuneCommand } from './commands/analysis.ts';
import { importCommand, mapperConfigCommand, parseLogCommand } from './commands/horizon.ts';
import { sweepCommand } from './commands/sweep.ts';
import { paramsCommand } from './commands/params.ts';
import { planCommand, runCommand, type RunFlags } from './commands/run.ts';
import { environmentError, ExitCode, isKnownError, UserInputError } from './errors.ts';
import { HELP } from './cli-help.ts';
import { RecipeSchema } from './recipe/schema.ts';
import { VERSION } from './version.ts';

const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
  until: { type: 'string' },
  force: { type: 'string', multiple: true, default: [] as string[] },
  out: { type: 'string' },
  cache: { type: 'string' },
  'purge-cache': { type: 'boolean', default: false },
  set: { type: 'string', multiple: true, default: [] as string[] },
  json: { type: 'boolean', default: false },
  plain: { type: 'boolean', default: false },
  'max-drop': { type: 'string' },
  vary: { type: 'string', multiple: true, default: [] as string[] },
  jobs: { type: 'string', default: '1' },
} satisfies ParseArgsConfig['options'];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserInputError(`${(err as Error).message}\nRun 'zooforge --help' for usage.`);
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (v.version) return void process.stdout.write(`${VERSION}\n`), 0;
  if (!command || (v.help && !HELP[command])) return void process.stdout.write(`${HELP.main}\n`), command ? 0 : v.help ? 0 : ExitCode.badInput;
  if (v.help) return void process.stdout.write(`${HELP[command]}\n`), 0;
  const runFlags = (): RunFlags => {
    if (!rest[0]) throw new UserInputError(`${command}: name a recipe, e.g. zooforge ${command} yaml/fashion_resnext.yaml`);
    return { recipe: rest[0], until: v.until, force: v.force, out: v.out, cache: v.cache, set: v.set, json: v.json, plain: v.plain };
  };
  switch (command) {
    case 'run': return runCommand(runFlags());
    case 'plan': return planCommand(runFlags());
    case 'clean': return cleanCommand(rest[0], v.out, v['purge-cache'], v.cache);
    case 'params': return paramsCommand(rest[0], v.json);
    case 'compare': return compareCommand(rest, v.json);
    case 'sensitivity': return sensitivityCommand(runFlags());
    case 'tune': return tuneCommand(runFlags(), v['max-drop']);
    case 'sweep': return sweepCommand(runFlags(), v.vary, Number(v.jobs));
    case 'mapper-config': return mapperConfigCommand(rest[0], v.set);
    case 'import': return importCommand(rest[0], v.out);
    case 'parse-log': return parseLogCommand(rest[0], v.json);
    case 'schema': return void process.stdout.write(`${JSON.stringify(z.toJSONSchema(RecipeSchema, { io: 'input' }), null, 2)}\n`), 0;
    default: throw new UserInputError(`unknown command ${command}. Run 'zooforge --help'.`);
  }
}

/** The only place that calls process.exit. */
export async function cli(argv: string[]): Promise<never> {
  let code: number;
  try {
    code = await dispatch(argv);
  } catch (caught) {
    const err = environmentError(caught) ?? caught;
    if (isKnownError(err)) {
      process.stderr.write(`zooforge: ${err.message}\n`);
      if ('detail' in err && err.detail) process.stderr.write(`${err.detail}\n`);
      code = err.exitCode;
    } else {
      process.stderr.write(`zooforge: internal error — please report it at the project's issue tracker with this output:\n${(err as Error)?.stack ?? String(err)}\n`);
      code = ExitCode.internal;
    }
  }
  process.exit(code);
}
