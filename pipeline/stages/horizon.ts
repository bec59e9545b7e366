import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MapperSummary } from '../contracts/horizon.ts';
import type { RunContext, Stage } from '../engine/types.ts';
import { ensured, StageFailedError } from '../errors.ts';
import { parseMapperLog } from '../horizon/log-parser.ts';
import { toolchainFor, toolchainVersions } from '../horizon/toolchain.ts';
import { runLogged } from '../tools/run-logged.ts';
import { floatModel, readOutput } from './common.ts';

const probed = new Map<string, Promise<Record<string, string>>>();

/** Run one toolchain command in the work dir; its output goes to the stage log and its last line to progress. */
async function runTool(ctx: RunContext, tool: string, args: string[]): Promise<number> {
  const tc = toolchainFor(ctx.loaded.recipe.quantize);
  const [cmd, ...rest] = tc.argv(ctx.workDir, tool, args);
  const r = await runLogged(cmd, rest, {
    cwd: ctx.workDir,
    logFile: ctx.logFile,
    signal: ctx.signal,
    command: ctx.command,
    onLine: (line) => {
      if (line.trim()) ctx.progress(`${tool} ${args[0]}: ${line.replace(/^.*line No: \d+ /, '').slice(0, 100)}`);
      return false; // a progress line is still log text, kept in the tail
    },
  });
  if (r.notFound) {
    throw new StageFailedError(
      `${cmd} not found (${tc.describe}): install the OpenExplorer toolchain, ` +
        'or set quantize.toolchain.docker_image (e.g. openexplorer/ai_toolchain_ubuntu_20_x5_cpu:v1.2.8) or quantize.toolchain.command',
    );
  }
  return r.exitCode ?? 1;
}

/** Backend horizon: hb_mapper checker + makertbin on the recipe's generated config; collects the .bin and ONNX artefacts. */
export const horizonStage: Stage = {
  id: 'horizon',
  version: 1,
  title: 'Build .bin (hb_mapper)',
  resources: { memoryMb: 8192, custom: { hb_mapper: 1 } },
  cacheable: true,
  disabledBecause: ({ recipe }) =>
    recipe.quantize.backend !== 'horizon' ? `quantize.backend is ${recipe.quantize.backend}, not horizon` : undefined,

  async inputs({ loaded }) {
    const tc = toolchainFor(loaded.recipe.quantize);
    if (!probed.has(tc.describe)) probed.set(tc.describe, toolchainVersions(tc, process.cwd()));
    return {
      recipe: {}, // everything it reads from the recipe is in config.yaml, keyed by content
      files: {
        model: floatModel(loaded),
        config: { stage: 'mapper_config', output: 'config' },
        mapper: { stage: 'mapper_config', output: 'summary' },
        // calibration_type skip: hb_mapper calibrates on random data, there is no calibration set to read
        ...(['skip', 'load'].includes(loaded.recipe.quantize.calibration_type)
          ? {}
          : { calibration: { stage: 'calibration', output: 'hb_calibration' } }),
      },
      tools: [],
      toolVersions: await ensured(probed.get(tc.describe), 'toolchain probe'),
    };
  },
  async run(ctx) {
    const m = await readOutput(ctx.files.mapper, MapperSummary);
    await cp(ctx.files.model, join(ctx.workDir, 'model.onnx'));
    if (ctx.files.calibration)
      await cp(ctx.files.calibration, join(ctx.workDir, m.calibration_dir), { recursive: true });
    await cp(ctx.files.config, join(ctx.workDir, 'config.yaml'));
    const march = m.march;
    if (
      (await runTool(ctx, 'hb_mapper', [
        'checker',
        '--model-type',
        'onnx',
        '--march',
        march,
        '--model',
        'model.onnx',
      ])) !== 0
    ) {
      throw new StageFailedError(`hb_mapper checker failed on model.onnx (march ${march}); see the stage log`);
    }
    const code = await runTool(ctx, 'hb_mapper', ['makertbin', '--config', 'config.yaml', '--model-type', 'onnx']);
    const logPath = join(ctx.workDir, 'hb_mapper_makertbin.log');
    const log = existsSync(logPath) ? parseMapperLog(await readFile(logPath, 'utf8')) : undefined;
    if (code !== 0) {
      throw new StageFailedError(
        `hb_mapper makertbin exited ${code}${log?.errors[0] ? `: ${log.errors[0]}` : ''} (config: ${join(ctx.workDir, 'config.yaml')})`,
        log?.errors.join('\n'),
      );
    }
    const wd = m.working_dir;
    const prefix = m.output_model_file_prefix;
    const outputs: Record<string, string> = {
      config: 'config.yaml',
      log: 'hb_mapper_makertbin.log',
      bin: `${wd}/${prefix}.bin`,
    };
    for (const kind of ['original_float', 'optimized_float', 'calibrated', 'quantized'])
      outputs[`${kind}_onnx`] = `${wd}/${prefix}_${kind}_model.onnx`;
    for (const [name, rel] of Object.entries(outputs))
      if (!existsSync(join(ctx.workDir, rel)))
        throw new StageFailedError(`hb_mapper makertbin succeeded but did not write ${rel} (${name})`);
    // The X3 2021 log has no DataType column: CPU nodes run float, BPU nodes int8.
    const nodes = (log?.nodes ?? []).flatMap((n) =>
      typeof n.cosine === 'number' && Number.isFinite(n.cosine)
        ? [
            {
              node: n.node,
              type: n.type,
              cosine: n.cosine,
              threshold: n.threshold,
              dtype: n.dtype ?? (n.on === 'CPU' ? 'float' : 'int8'),
            },
          ]
        : [],
    );
    await writeFile(join(ctx.workDir, 'nodes.json'), JSON.stringify(nodes, null, 2));
    outputs.nodes = 'nodes.json';
    return {
      outputs,
      data: {
        versions: log?.versions,
        calibration_method: log?.calibration_method,
        output_similarity: log?.outputs,
        static_perf: log?.perf,
        node_count: log?.nodes.length,
        warnings: log?.warnings,
      },
    };
  },
};
