import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunFlags } from '../commands/run.ts';
import { ClusterEvent, type ClusterTask, rayRunWorker } from '../contracts/cluster.ts';
import { recordInterrupted } from '../engine/manifest.ts';
import { ensured, InterruptedError, StageFailedError } from '../errors.ts';
import { PROJECT_ROOT } from '../paths.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import { selectStages } from '../stages/index.ts';
import { LOCK_FILE, liveOwner } from '../tools/lockfile.ts';
import type { PythonEnv } from '../tools/python.ts';
import { readOutcome } from './outcome.ts';
import { type BatchProgress, BoardEvent } from './progress.ts';
import { taskResources } from './resources.ts';
import type { BatchTask, TaskOutcome } from './task.ts';

/** The worker that drives the tasks on Ray (scripts/src/zooforge/workers/ray_run.py). */
const DRIVER = rayRunWorker.name;

/** Ray retries a task whose worker or node died this often; a stage failure is never retried. */
const MAX_RETRIES = 3;
/** A retried task's run waits this long for the folder lock its lost attempt held (a lost node's lock goes stale
 *  after its heartbeat stops: engine/lock.ts). */
const LOCK_WAIT_S = 120;

/** After a cancel, wait (up to STOP_WAIT_MS) until no task's run holds its folder's lock: a run SIGTERMed by a
 *  cancelled task is still writing its `interrupted` manifest when the driver returns, and it may be on another node. */
const STOP_WAIT_MS = 30_000;
async function runsStopped(outs: string[]): Promise<void> {
  const deadline = Date.now() + STOP_WAIT_MS;
  while (outs.some((o) => liveOwner(join(o, LOCK_FILE))) && Date.now() < deadline) await sleep(250);
  // a run Ray had to kill (past the grace, on a busy machine) could not record its end: it was interrupted all the same
  for (const out of outs) await recordInterrupted(out);
}

/** The command line a node runs for one task: this checkout's CLI, never through a shell. */
export function taskArgv(t: BatchTask, f: RunFlags, cache: string): string[] {
  return [
    process.execPath,
    join(PROJECT_ROOT, 'bin', 'zooforge.js'),
    'run',
    t.recipe,
    '--out',
    t.out,
    '--cache',
    cache,
    '--json',
    ...(f.until ? ['--until', f.until] : []),
    ...f.force.flatMap((s) => ['--force', s]),
    ...[...f.set, ...t.set].flatMap((s) => ['--set', s]),
  ];
}

/** The tasks on Ray (scripts/src/zooforge/workers/ray_run.py drives them): each a whole `zooforge run` on some node, with the
 *  resources its stages declare. `address` undefined: a private local instance, started and stopped for the batch.
 *  Run folders and the cache must be on storage every node sees (README, "Running on a Ray cluster"). */
export async function runRay(
  tasks: { task: BatchTask; loaded: LoadedRecipe }[],
  f: RunFlags,
  address: string | undefined,
  cache: string,
  python: PythonEnv,
  logDir: string,
  progress: BatchProgress,
): Promise<TaskOutcome[]> {
  const since = Date.now();
  mkdirSync(logDir, { recursive: true });
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const logFile = join(logDir, 'ray.log');
  writeFileSync(
    logFile,
    `# zooforge on Ray: ${tasks.length} task(s), address ${address ?? 'local (started for this run)'}\n`,
  );
  const outcome = outcomeReader(tasks, since);
  const ended = new Map<string, TaskOutcome>();
  try {
    const out = await python.runWorker(
      rayRunWorker,
      {
        address: address ?? null,
        local_cpus: cpus().length,
        max_retries: MAX_RETRIES,
        tasks: clusterTasks(tasks, f, cache),
      },
      {
        workDir: logDir,
        logFile,
        signal: controller.signal,
        killGraceMs: 40_000, // the driver cancels its tasks, which record their runs
        warn: (message) => process.stderr.write(`warning: ray: ${message}\n`),
        event: (payload) => onClusterEvent(payload, progress, (o) => ended.set(o.name, o), outcome),
      },
    );
    return out.tasks.map((r) => {
      const o = outcome(r.name, r.status, r.attempts, { code: r.exit_code, node: r.node, error: r.error });
      if (!ended.has(r.name)) progress.end(o); // cancelled before it started
      return o;
    });
  } catch (err) {
    if (err instanceof InterruptedError || controller.signal.aborted) {
      await runsStopped(tasks.map((t) => t.task.out));
      throw new InterruptedError('interrupted: the remaining Ray tasks were cancelled');
    }
    throw driverFailure(err, logFile);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What the Ray driver runs: one `zooforge run` command line per task, with the environment it passes on. */
function clusterTasks(tasks: { task: BatchTask; loaded: LoadedRecipe }[], f: RunFlags, cache: string): ClusterTask[] {
  const passEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => /^ZOOFORGE_|^CI$/.test(k) && v !== undefined),
  ) as Record<string, string>;
  return tasks.map(({ task, loaded }) => ({
    name: task.name,
    argv: taskArgv(task, f, cache),
    cwd: process.cwd(),
    env: { ...passEnv, ZOOFORGE_LOCK_WAIT_S: String(LOCK_WAIT_S) },
    resources: taskResources(selectStages(f.until, f.force), loaded),
  }));
}

type OutcomeOf = (
  name: string,
  status: Parameters<typeof readOutcome>[0]['status'],
  attempts: number,
  extra?: { code?: number | null; node?: string | null; error?: string | null },
) => TaskOutcome;

/** A task's outcome from what the driver reported and what its run folder holds. */
function outcomeReader(tasks: { task: BatchTask }[], since: number): OutcomeOf {
  return (name, status, attempts, extra = {}) =>
    readOutcome(
      {
        name,
        out: ensured(
          tasks.find((x) => x.task.name === name),
          `task ${name}`,
        ).task.out,
        status,
        code: extra.code ?? null,
        attempts,
        node: extra.node ?? undefined,
        error: extra.error ?? undefined,
      },
      since,
    );
}

/** One event of the driver: the cluster it reached, a task starting, a task's own progress, a task ending. */
function onClusterEvent(
  payload: unknown,
  progress: BatchProgress,
  record: (o: TaskOutcome) => void,
  outcome: OutcomeOf,
): void {
  const e = ClusterEvent.safeParse(payload);
  if (!e.success) return;
  const ev = e.data;
  if (ev.type === 'cluster') process.stderr.write(`ray: ${ev.address}, ${ev.nodes} node(s), ${ev.cpus} CPU(s)\n`);
  else if (ev.type === 'task-start') progress.start(ev.task, `${ev.node} (pid ${ev.pid})`, ev.attempt);
  else if (ev.type === 'task-event') {
    const engine = BoardEvent.safeParse(ev.event);
    if (engine.success) progress.event(ev.task, engine.data);
  } else {
    const o = outcome(ev.task, ev.status, ev.attempts, { error: ev.error });
    record(o);
    progress.end(o);
  }
}

/** The driver's own message (e.g. it cannot reach the cluster) once, and where its full output is. */
function driverFailure(err: unknown, logFile: string): unknown {
  if (!(err instanceof StageFailedError)) return err;
  return new StageFailedError(
    err.message.replace(new RegExp(`^${DRIVER} worker exited \\d+: `), 'ray: '),
    `the Ray driver's log: ${logFile}`,
  );
}
