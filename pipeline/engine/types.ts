import type { FolderListing } from '../cache/listing.ts';
import type { CacheStore, OutputRecord } from '../cache/store.ts';
import type { ToolName } from '../contracts/tools.ts';
import type { WorkerContract } from '../contracts/workers.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import type { PathSegment } from '../recipe/locate.ts';
import type { PythonEnv } from '../tools/python.ts';

export type StageStatus = 'passed' | 'cached' | 'skipped' | 'failed' | 'disabled';

/** A stage whose outputs exist for this run (it ran, or came from the cache). */
export const succeeded = (status: StageStatus | undefined): boolean => status === 'passed' || status === 'cached';

/** What a finished (run or cached) stage hands to the stages after it. */
export interface StageResult {
  id: string;
  status: StageStatus;
  key?: string;
  /** absolute folder holding the outputs in the run dir */
  dir?: string;
  outputs: Record<string, OutputRecord>;
  data: Record<string, unknown>;
  /** Why it is disabled (the root cause, said again for the stages that read it) or skipped. */
  reason?: string;
}

/** An input file of a stage: a user file (hashed from disk) or an upstream output (hash already known). A user file
 *  named by a recipe field carries that field, so a missing one is reported at its line before anything runs.
 *  Upstream outputs are the only dependencies between stages: a stage runs after, and is disabled or skipped with,
 *  the stages whose outputs it reads. */
export type FileInput = { path: string; field?: PathSegment[] } | { stage: string; output: string };

export interface StageInputs {
  /** The slice of the recipe this stage reads (and nothing else). */
  recipe: unknown;
  files: Record<string, FileInput>;
  /** Tool names whose versions can change the output (python, torch, onnx, onnxruntime, ...). */
  tools: readonly ToolName[];
  /** Versions of tools outside the Python env (e.g. hb_mapper through its toolchain), probed by the stage. */
  toolVersions?: Record<string, string>;
}

export interface PlanContext {
  loaded: LoadedRecipe;
}

export interface RunContext {
  loaded: LoadedRecipe;
  /** Empty folder to write outputs into; moved into the cache and the run dir on success. */
  workDir: string;
  /** Resolved input files (absolute paths). */
  files: Record<string, string>;
  upstream: Record<string, StageResult>;
  python: PythonEnv;
  signal: AbortSignal;
  logFile: string;
  progress(message: string, done?: number, total?: number): void;
  warn(message: string): void;
  /** Record a command line for the manifest. */
  command(cmd: string): void;
  /** A folder's listing, the same one its input hash was computed from (cache/listing.ts); what it left out is
   *  warned about once per run. */
  listing(path: string): Promise<FolderListing>;
}

export interface StageRunResult {
  /** output name -> path relative to workDir */
  outputs: Record<string, string>;
  data: Record<string, unknown>;
  /** Set when this particular result must not be reused (e.g. timings taken on a busy machine): why. */
  doNotCache?: string;
}

/** What a stage needs of a machine, declared for schedulers (a Ray task asks for the largest need of its stages). */
export interface StageResources {
  cpus?: number;
  memoryMb?: number;
  /** Custom resources only some nodes offer, e.g. {hb_mapper: 1} where the Horizon toolchain lives. */
  custom?: Record<string, number>;
}

export interface Stage {
  id: string;
  /** Bump when the stage's code changes its outputs. */
  version: number;
  /** The Python worker it runs, by its contract (declared beside the stage). */
  worker?: WorkerContract;
  title: string;
  /** A live board cannot be keyed, so it is never cached; nor is what is cheaper to rebuild than to key. */
  cacheable: boolean;
  /** Default: 1 CPU, 1 GiB. */
  resources?: StageResources;
  /** Said in the plan when cacheable is false. */
  uncachedBecause?: string;
  /** Recipe fields this stage cannot run without, with why: reported (file:line) before anything runs, and only
   *  when the stage will run (`--until params` needs no calibration dataset). */
  requires?(loaded: LoadedRecipe): { field: PathSegment[]; message: string }[];
  /** A reason when the recipe turns this stage off (e.g. simplify.tool: none). */
  disabledBecause?(loaded: LoadedRecipe): string | undefined;
  /** What a plan says of a cached result besides "cached" (e.g. which node names did not resolve). */
  describe?(data: Record<string, unknown>): string;
  inputs(ctx: PlanContext): StageInputs | Promise<StageInputs>;
  run(ctx: RunContext): Promise<StageRunResult>;
}

export interface EngineOptions {
  outDir: string;
  cache: CacheStore;
  until?: string;
  force: readonly string[];
  signal: AbortSignal;
}
