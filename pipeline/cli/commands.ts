import { UserInputError } from '../errors.ts';
import type { OptionName } from './options.ts';
import { RUN_OPTIONS } from './options.ts';

/** What a command gets: parsed option values and the positional arguments after its name. */
export interface Invocation {
  name: string;
  args: string[];
  values: {
    until?: string;
    force: string[];
    out?: string;
    cache?: string;
    'purge-cache': boolean;
    set: string[];
    json: boolean;
    plain: boolean;
    'max-drop'?: string;
    format?: string;
    vary: string[];
    jobs: string;
    ray?: string;
    all: boolean;
  };
}

export interface Command {
  usage: string;
  summary: string;
  /** The longer explanation in `zooforge <command> --help`. */
  about: string;
  options: readonly OptionName[];
  /** Where a shared option means something else for this command (import's --out names a file, not a run folder). */
  optionHelp?: Partial<Record<OptionName, { arg?: string; help: string }>>;
  /** Loads the command's modules only when it runs (start-up stays cheap). */
  run(inv: Invocation): Promise<number>;
}

/** Run flags for commands that run the pipeline; the recipe is their first argument. */
async function runFlags(inv: Invocation) {
  const recipe = inv.args[0];
  if (!recipe)
    throw new UserInputError(`${inv.name}: name a recipe, e.g. zooforge ${inv.name} yaml/fashion_resnext.yaml`);
  const v = inv.values;
  const flags: import('../commands/run.ts').RunFlags = {
    recipe,
    until: v.until,
    force: v.force,
    out: v.out,
    cache: v.cache,
    set: v.set,
    json: v.json,
    plain: v.plain,
  };
  return flags;
}

/** Every command, in the order --help lists them. */
export const COMMANDS: Record<string, Command> = {
  run: {
    usage: 'run <recipe.yaml> [options]',
    summary: 'run the pipeline (cached stages are reused), write manifest.json and reports',
    about:
      'Runs the stages in order ({stages}).\nEach stage is cached by the content of what it reads (recipe slice, input files, tool versions);\nchange one quantization setting and only the stages that depend on it re-run.',
    options: RUN_OPTIONS,
    run: async (inv) => (await import('../commands/run.ts')).runCommand(await runFlags(inv)),
  },
  plan: {
    usage: 'plan <recipe.yaml> [options]',
    summary: 'say, per stage, whether it is cached or why it would run; runs nothing',
    about: 'Prints, per stage, "cached (key ...)" or "runs because <input> changed". Runs and writes nothing.',
    options: RUN_OPTIONS,
    run: async (inv) => (await import('../commands/run.ts')).planCommand(await runFlags(inv)),
  },
  clean: {
    usage: 'clean <recipe.yaml> [--out DIR] [--purge-cache [--cache DIR]]',
    summary: 'delete the run folder (--purge-cache: also the whole stage cache)',
    about: "Deletes the recipe's run folder. With --purge-cache, also deletes every cached stage result.",
    options: ['out', 'purge-cache', 'cache'],
    run: async ({ args, values: v }) =>
      (await import('../commands/clean.ts')).cleanCommand(args[0], v.out, v['purge-cache'], v.cache),
  },
  params: {
    usage: 'params <model.onnx> [--json]',
    summary: 'count parameters of an ONNX file (fast; payloads are never read)',
    about:
      'Counts parameters: the elements of every graph initializer (shared ones once), by scanning the protobuf\nwithout reading tensor payloads. Also: Constant-node tensors (separately), external-data initializers,\na breakdown by consuming op type, and the largest tensors.\n--json prints {"total": N, "initializers": K, ...}.',
    options: ['json'],
    run: async ({ args, values: v }) => (await import('../commands/params.ts')).paramsCommand(args[0], v.json),
  },
  compare: {
    usage: 'compare <run-dir>... [--format md|csv|json]',
    summary: 'one table across runs: model, n, params, float/int8 Top-1, drop, flips, p, latency, what differs',
    about:
      'One row per run folder: model, images evaluated, parameters, backend and calibration method, float and int8\nTop-1, the drop, flips both ways, McNemar p, int8 latency (1 thread, host or board), and the recipe fields whose\nvalues differ between the runs. Sorted by int8 Top-1, highest first. A folder without report/report.json is\nskipped with a warning. Example: zooforge compare runs/fashion_resnext/sweep/* --format csv > sweep.csv',
    options: ['format', 'json'],
    run: async ({ args, values: v }) => (await import('../commands/compare.ts')).compareCommand(args, v.json, v.format),
  },
  sensitivity: {
    usage: 'sensitivity <recipe.yaml> [run options]',
    summary: 'rank quantized nodes by what they cost: Top-1 with only that node int8, cosine, SQNR',
    about:
      'For every quantized node (ort backend): Top-1, output cosine and SQNR on a validation subset when only that\nnode is quantized ("single"), next to its cumulative cosine in the fully quantized model ("entire"), ranked.\nBounded by sensitivity.subset (images) and sensitivity.budget_s (seconds). Also a section of the report.',
    options: RUN_OPTIONS,
    run: async (inv) => (await import('../commands/analysis.ts')).sensitivityCommand(await runFlags(inv)),
  },
  tune: {
    usage: 'tune <recipe.yaml> --max-drop POINTS [run options]',
    summary: 'fewest sensitive nodes at higher precision so Top-1 drops <= POINTS',
    about:
      'Greedy: moves the most sensitive nodes (see sensitivity) to higher precision — float for the ort backend,\nnode_info int16 for X5/Ultra, run_on_cpu for X3 — until the Top-1 drop on the validation subset is within\nPOINTS, then confirms on the full evaluation set. Writes <recipe>.tuned.yaml beside the recipe and prints the\ntrade-off table (nodes changed, drop, host latency). If the budget cannot be met it says so and keeps the best.\nThe variant holds every --set given (it reproduces alone: the confirmation runs the file without them).\nExit 0 when the confirmed drop is within POINTS, 3 when it is not.',
    options: ['max-drop', ...RUN_OPTIONS],
    run: async (inv) =>
      (await import('../commands/analysis.ts')).tuneCommand(await runFlags(inv), inv.values['max-drop']),
  },
  sweep: {
    usage: 'sweep <recipe.yaml> --vary K=a,b [--vary ...] [--jobs N | --ray [ADDRESS]] [--json]',
    summary: 'run every combination (shared cache) and compare them',
    about:
      'Runs every combination of the --vary values (each a --set) into runs/<recipe>/sweep/<variant>/, sharing the\nstage cache: a stage common to several variants runs once (whichever gets there first; the others wait for\nits cache entry). --jobs N runs N variants at once here; --ray runs each variant as a Ray task (a local Ray\ninstance for the run, or the cluster at ADDRESS; run folders and cache on storage every node sees). Progress\nshows each variant\'s stages and the tasks done/running/failed. Ends with the compare table sorted by\nquantized Top-1; with --json the last line is {"rows": [...], "tasks": [...]}.\nExample: zooforge sweep yaml/fashion_resnext.yaml --vary quantize.calibration_type=default,kl,max --vary quantize.per_channel=true,false --jobs 2',
    options: ['vary', 'jobs', 'ray', ...RUN_OPTIONS],
    run: async (inv) =>
      (await import('../commands/sweep.ts')).sweepCommand(
        await runFlags(inv),
        inv.values.vary,
        Number(inv.values.jobs),
        inv.values.ray,
      ),
  },
  'mapper-config': {
    usage: 'mapper-config <recipe.yaml> [--set K=V]',
    summary: "print the hb_mapper makertbin YAML for a recipe (validated with the toolchain's rules)",
    about:
      "Prints the hb_mapper makertbin YAML that the horizon backend writes for this recipe: hb_mapper's groups from\nthe recipe (and quantize.hb_config), mean_value = 255*mean and scale_value = 1/(255*std) from the\npreprocessing record unless the recipe sets them. Checked first with the toolchain's own rules (legal\ninput_type_train -> input_type_rt pairs, even H/W for nv12, input_layout_rt for non-nv12, per-channel counts,\nmax_percentile, optimize_level, core_num per march, no int16 on bernoulli2, balance_factor). Exit 2 on a problem.",
    options: ['set'],
    run: async ({ args, values: v }) => (await import('../commands/horizon.ts')).mapperConfigCommand(args[0], v.set),
  },
  import: {
    usage: 'import <hb_mapper.yaml> [--out recipe.yaml [--force]]',
    summary: 'turn an hb_mapper YAML into a recipe (--out FILE to write it)',
    about:
      "Prints (or writes) a recipe whose generated config is equivalent to the given one (same fields and values after\nhb_mapper's own normalization). Paths are rewritten relative to the recipe's folder.\n--out FILE writes the recipe there; an existing FILE is refused (exit 2) unless --force.",
    options: ['out', 'force'],
    optionHelp: {
      out: { arg: 'FILE', help: 'write the recipe to FILE (default: print it)' },
      force: { help: 'replace an existing --out FILE' },
    },
    run: async ({ args, values: v }) =>
      (await import('../commands/horizon.ts')).importCommand(args[0], v.out, v.force.length > 0),
  },
  'parse-log': {
    usage: 'parse-log <log> [--json]',
    summary: 'read an hb_mapper makertbin log or an hrt_model_exec model_info/perf log',
    about:
      'hb_mapper makertbin logs (X3 2021, X5 2024 and X5 2025 formats): tool versions, the calibration method chosen\n("Select ... method"), the per-node table, the output similarity table and the static "FPS=..., latency = ... us"\nline. An unknown format warns and keeps what it could read.\nhrt_model_exec logs (as the zoo ships them beside the .bin): the model name, runtime versions, every input and\noutput with its name, valid shape, tensor type and layout, and perf results when present.',
    options: ['json'],
    run: async ({ args, values: v }) => (await import('../commands/horizon.ts')).parseLogCommand(args[0], v.json),
  },
  zoo: {
    usage:
      'zoo list | new <Model> [--out recipe.yaml] | run <Model...|--all> [--jobs N | --ray [ADDRESS]] [run options]',
    summary: 'the RDK X5 classification zoo: list its models, write a recipe for one, or run many',
    about:
      "zoo list: every model of the zoo catalog (zoo/catalog.json) with its public source, published parameters,\nfloat/quantized Top-1 and board FPS. zoo new <Model>: writes yaml/<model>.yaml (or --out), a complete recipe: the\ntimm/torchvision source, the zoo's input size, reparameterization, the zoo's hb_mapper groups (node_info/int16\nincluded) and the zoo's figures as a reference: block that the report shows beside this run's.\nExample: zooforge zoo new RepVGG_A0 && zooforge run yaml/repvgg_a0.yaml --until params --set model.pretrained=false\nzoo run <Model...> (or --all): writes each model's recipe into runs/zoo/<Model>/recipe.yaml (--out DIR for\nanother folder) and runs it into runs/zoo/<Model>/run, sharing one cache, --jobs N at once or as Ray tasks\n(--ray, as for sweep); --set and --until apply to every model. Ends with each model's figures beside the zoo's.\nExample: zooforge zoo run ConvNeXt_atto RepVGG_A0 --ray --until params --set model.pretrained=false",
    options: ['out', 'json', 'all', 'jobs', 'ray', 'until', 'force', 'cache', 'set', 'plain'],
    optionHelp: {
      out: {
        arg: 'PATH',
        help: 'zoo new: the recipe file to write (default yaml/<model>.yaml); zoo run: the folder for every model (default runs/zoo/)',
      },
      force: {
        arg: '[STAGE]',
        help: 'zoo new: replace an existing --out file; zoo run: re-run STAGE even when cached (repeatable)',
      },
    },
    run: async ({ args, values: v }) => {
      const zoo = await import('../commands/zoo.ts');
      if (args[0] === 'list') return zoo.zooListCommand(v.json);
      if (args[0] === 'new') return zoo.zooNewCommand(args[1], v.out, v.force.length > 0);
      if (args[0] === 'run') {
        return (await import('../commands/zoo-run.ts')).zooRunCommand(
          args.slice(1),
          v.all,
          { until: v.until, force: v.force, out: v.out, cache: v.cache, set: v.set, json: v.json, plain: v.plain },
          Number(v.jobs),
          v.ray,
        );
      }
      throw new UserInputError(
        `zoo: expected list, new or run, got ${args[0] ?? 'nothing'}. Run 'zooforge zoo --help'.`,
      );
    },
  },
  setup: {
    usage: 'setup',
    summary: "build the workers' Python environment (Debian packages, a venv with the pinned packages)",
    about:
      "Installs what the Python workers need: missing Debian packages (python3-torch, python3-torchvision, python3-numpy,\npython3-venv, dataset-fashion-mnist, chromium; apt-get, through sudo when not root) and a venv (--system-site-packages, Debian's torch)\nwith the pinned packages of scripts/requirements.txt. Where: $ZOOFORGE_VENV, else .venv/ in a checkout, else\n$XDG_DATA_HOME/zooforge/venv (~/.local/share/zooforge/venv). Idempotent: run again, it checks and returns.",
    options: [],
    run: async () => (await import('../commands/setup.ts')).setupCommand(),
  },
  doctor: {
    usage: 'doctor [--cache DIR] [--json]',
    summary: 'say what this installation has and lacks: Python and its packages, Ray, the cache, data, hb_mapper',
    about:
      "One line per check: the Python the workers would use (and its torch, onnxruntime, onnx, onnxsim, timm), Ray,\nthe stage cache (where, writable, how many results), the demo's Fashion-MNIST files, hb_mapper or docker.\nExit 0 when a run can start, 1 when something it needs is missing ('zooforge setup' builds the Python part).",
    options: ['cache', 'json'],
    run: async ({ values: v }) => (await import('../commands/doctor.ts')).doctorCommand(v.json, v.cache),
  },
  schema: {
    usage: 'schema',
    summary: 'print the recipe JSON Schema (yaml/recipe.schema.json is generated from it)',
    about: 'Prints the JSON Schema of recipes (generated from the zod schema).',
    options: [],
    run: async () => (await import('../commands/schema.ts')).schemaCommand(),
  },
};
