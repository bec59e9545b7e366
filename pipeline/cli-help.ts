export const EXIT_CODES = `Exit codes:
  0    success
  1    a stage failed (its log tail is printed; logs/<stage>.log in the run dir has all of it),
       or an input file is damaged (e.g. a truncated .onnx)
  2    bad recipe, bad arguments, or a missing/unusable input (every problem is listed with file:line:col)
  70   internal error in zooforge (please report it with the printed stack)
  130  interrupted (Ctrl-C); nothing half-written is left behind`;

const RUN_FLAGS = `  --until STAGE   stop after STAGE (export, simplify, params, calibration, quantize, mapper_config, horizon, board,
                  evaluate,
 hb_evaluate, perf, sensitivity, tune, report)
  --force STAGE   re-run STAGE even when cached (repeatable)
  --out DIR       run folder (default runs/<recipe file name>/)
  --cache DIR     stage cache (default $ZOOFORGE_CACHE or .zooforge/cache)
  --set K=V       override a recipe field, e.g. --set quantize.calibration_type=kl (repeatable);
                  values are YAML ({a: 1}, [x, y]); K=null removes the field (back to its default)
  --json          NDJSON events on stdout instead of the progress view
  --plain         plain progress lines even on a terminal (also when CI is set or stderr is not a TTY)`;

export const HELP: Record<string, string> = {
  main: `zooforge — regenerate, quantize and evaluate edge models from one recipe.

Usage: zooforge <command> [options]

Commands:
  run <recipe>             run the pipeline (cached stages are reused), write manifest.json and reports
  plan <recipe>            say, per stage, whether it is cached or why it would run; runs nothing
  clean <recipe>           delete the run folder (--purge-cache: also the whole stage cache)
  params <model.onnx>      count parameters of an ONNX file (fast; payloads are never read)
  compare <run-dir>...     one table across runs: float/quant Top-1, drop, flips, p-value
  sensitivity <recipe>     rank quantized nodes by what they cost: Top-1 with only that node int8, cosine, SQNR
  tune <recipe> --max-drop P   fewest sensitive nodes at higher precision so Top-1 drops <= P points
  sweep <recipe> --vary K=a,b  run every combination (shared cache) and compare them
  mapper-config <recipe>   print the hb_mapper makertbin YAML for a recipe (validated with the toolchain's rules)
  import <hb.yaml>         turn an hb_mapper YAML into a recipe (--out FILE to write it)
  parse-log <log>          read an hb_mapper makertbin log: versions, calibration choice, node/output tables
  schema                   print the recipe JSON Schema (yaml/recipe.schema.json is generated from it)

Run 'zooforge <command> --help' for a command's options.
Example: zooforge run yaml/fashion_resnext.yaml

${EXIT_CODES}`,
  run: `Usage: zooforge run <recipe.yaml> [options]

Runs export -> simplify -> params -> calibration -> quantize -> evaluate -> perf -> report.
Each stage is cached by the content of what it reads (recipe slice, input files, tool versions);
change one quantization setting and only the stages that depend on it re-run.

Options:
${RUN_FLAGS}

${EXIT_CODES}`,
  plan: `Usage: zooforge plan <recipe.yaml> [options]

Prints, per stage, "cached (key ...)" or "runs because <input> changed". Runs and writes nothing.

Options:
${RUN_FLAGS}`,
  clean: `Usage: zooforge clean <recipe.yaml> [--out DIR] [--purge-cache [--cache DIR]]

Deletes the recipe's run folder. With --purge-cache, also deletes every cached stage result.`,
  params: `Usage: zooforge params <model.onnx> [--json]

Counts parameters: the elements of every graph initializer (shared ones once), by scanning the protobuf
without reading tensor payloads. Also: Constant-node tensors (separately), external-data initializers,
a breakdown by consuming op type, and the largest tensors.
--json prints {"total": N, "initializers": K, ...}.

${EXIT_CODES}`,
  compare: `Usage: zooforge compare <run-dir>... [--json]

One table across runs: variant, backend, calibration method, float/quant Top-1, drop, flips, McNemar p.`,
  sensitivity: `Usage: zooforge sensitivity <recipe.yaml> [run options]

For every quantized node (ort backend): Top-1, output cosine and SQNR on a validation subset when only that
node is quantized ("single"), next to its cumulative cosine in the fully quantized model ("entire"), ranked.
Bounded by sensitivity.subset (images) and sensitivity.budget_s (seconds). Also a section of the report.`,
  tune: `Usage: zooforge tune <recipe.yaml> --max-drop POINTS [run options]

Greedy: moves the most sensitive nodes (see sensitivity) to higher precision — float for the ort backend,
node_info int16 for X5/Ultra, run_on_cpu for X3 — until the Top-1 drop on the validation subset is within
POINTS, then confirms on the full evaluation set. Writes <recipe>.tuned.yaml beside the recipe and prints the
trade-off table (nodes changed, drop, host latency). If the budget cannot be met it says so and keeps the best.`,
  sweep: `Usage: zooforge sweep <recipe.yaml> --vary KEY=v1,v2 [--vary ...] [--jobs N] [--json]

Runs every combination of the --vary values (each a --set) into runs/<recipe>/sweep/<variant>/, sharing the
stage cache so export, simplify and calibration run once. Ends with the compare table sorted by quantized
Top-1; with --json the last line is {"rows": [...]}.
Example: zooforge sweep yaml/fashion_resnext.yaml --vary quantize.calibration_type=default,kl,max --vary quantize.per_channel=true,false --jobs 2`,
  'mapper-config': `Usage: zooforge mapper-config <recipe.yaml> [--set K=V]

Prints the hb_mapper makertbin YAML that the horizon backend writes for this recipe: hb_mapper's groups from
the recipe (and quantize.hb_config), mean_value = 255*mean and scale_value = 1/(255*std) from the
preprocessing record unless the recipe sets them. Checked first with the toolchain's own rules (legal
input_type_train -> input_type_rt pairs, even H/W for nv12, input_layout_rt for non-nv12, per-channel counts,
max_percentile, optimize_level, core_num per march, no int16 on bernoulli2, balance_factor). Exit 2 on a problem.`,
  import: `Usage: zooforge import <hb_mapper.yaml> [--out recipe.yaml]

Prints (or writes) a recipe whose generated config is equivalent to the given one (same fields and values after
hb_mapper's own normalization). Paths are rewritten relative to the recipe's folder.`,
  'parse-log': `Usage: zooforge parse-log <hb_mapper_makertbin.log> [--json]

Reads the X3 2021, X5 2024 and X5 2025 log formats: tool versions, the calibration method chosen ("Select ...
method"), the per-node table, the output similarity table and the static "FPS=..., latency = ... us" line.
An unknown format warns and keeps what it could read.`,
  schema: `Usage: zooforge schema

Prints the JSON Schema of recipes (generated from the zod schema).`,
};
