import type { ParseArgsConfig } from 'node:util';

/** Every command-line option, once: parseArgs reads the first fields, help text the rest. */
export const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false, help: 'this help (also: zooforge <command> --help)' },
  version: { type: 'boolean', default: false, help: 'print the version' },
  until: { type: 'string', arg: 'STAGE', help: 'stop after STAGE ({stages})' },
  force: {
    type: 'string',
    multiple: true,
    default: [] as string[],
    arg: 'STAGE',
    help: 're-run STAGE even when cached (repeatable)',
  },
  out: { type: 'string', arg: 'DIR', help: 'run folder (default runs/<recipe file name>/)' },
  cache: {
    type: 'string',
    arg: 'DIR',
    help: 'stage cache (default $ZOOFORGE_CACHE, else $XDG_CACHE_HOME/zooforge, i.e. ~/.cache/zooforge)',
  },
  'purge-cache': { type: 'boolean', default: false, help: 'also delete every cached stage result' },
  set: {
    type: 'string',
    multiple: true,
    default: [] as string[],
    arg: 'K=V',
    help: 'override a recipe field, e.g. --set quantize.calibration_type=kl (repeatable); values are YAML ({a: 1}, [x, y]); K=null removes the field (back to its default)',
  },
  json: {
    type: 'boolean',
    default: false,
    help: 'machine-readable output (run: NDJSON events on stdout instead of the progress view)',
  },
  plain: {
    type: 'boolean',
    default: false,
    help: 'plain progress lines even on a terminal (also when CI is set or stderr is not a TTY)',
  },
  format: { type: 'string', arg: 'md|csv|json', help: 'table format (default md; --json is json)' },
  'max-drop': { type: 'string', arg: 'POINTS', help: 'largest acceptable Top-1 drop, in points' },
  vary: {
    type: 'string',
    multiple: true,
    default: [] as string[],
    arg: 'K=a,b',
    help: 'values to sweep for one recipe field (repeatable)',
  },
  jobs: { type: 'string', default: '1', arg: 'N', help: 'tasks (variants, models) run at once on this machine' },
  ray: {
    type: 'string',
    arg: '[ADDRESS]',
    help: 'run each task on Ray: alone, a local Ray instance started and stopped for the run; or an address: auto (the running cluster), host:6379, ray://host:10001',
  },
  all: { type: 'boolean', default: false, help: 'every model of the catalog with a public source' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The table without its help fields, as node:util parseArgs wants it. */
export function parseArgsOptions(): { [K in OptionName]: Omit<(typeof OPTIONS)[K], 'help' | 'arg'> } {
  return Object.fromEntries(
    Object.entries(OPTIONS).map(([name, o]) => {
      const { help: _help, arg: _arg, ...spec } = o as typeof o & { arg?: string };
      return [name, spec];
    }),
  ) as { [K in OptionName]: Omit<(typeof OPTIONS)[K], 'help' | 'arg'> } satisfies ParseArgsConfig['options'];
}

/** `--force` of `import` and `zoo new` is a switch (replace an existing --out file), not a stage name.
 *  `--ray` may stand alone: parseArgs needs a value, so a bare one (next word missing, an option, or not an address)
 *  becomes `--ray=local`. An address is auto, local, ray://..., or host:port. */
export function optionalValues(argv: string[]): string[] {
  const isAddress = (s: string | undefined): boolean =>
    s !== undefined && /^(auto|local|ray:\/\/\S+|[\w.-]+:\d+)$/.test(s);
  const command = argv.find((a) => !a.startsWith('-'));
  const forceIsSwitch = command === 'import' || (command === 'zoo' && argv.includes('new'));
  return argv.flatMap((a, i) =>
    a === '--ray' && !isAddress(argv[i + 1])
      ? ['--ray=local']
      : a === '--force' && forceIsSwitch
        ? ['--force=replace']
        : [a],
  );
}

/** The options every pipeline-running command takes. */
export const RUN_OPTIONS: readonly OptionName[] = ['until', 'force', 'out', 'cache', 'set', 'json', 'plain'];
