import { z } from 'zod';
import { worker } from './workers.ts';

/** What one Ray task asks of a node: the largest need of the stages it will run (pipeline/batch/resources.ts). */
export const TaskResources = z
  .object({
    num_cpus: z.number().positive(),
    memory_mb: z.number().int().positive(),
    /** Custom resources a node must offer, e.g. {hb_mapper: 1} for the node where the Horizon toolchain lives. */
    custom: z.record(z.string(), z.number().positive()),
  })
  .strict();
export type TaskResources = z.infer<typeof TaskResources>;

/** One task: a whole `zooforge run` (the staged engine, its cache and run folder on storage every node sees). */
export const ClusterTask = z
  .object({
    name: z.string().min(1),
    /** The command line, never through a shell: [node, bin/zooforge.js, run, recipe, --set, ...]. */
    argv: z.array(z.string()).min(2),
    cwd: z.string(),
    env: z.record(z.string(), z.string()),
    resources: TaskResources,
  })
  .strict();
export type ClusterTask = z.infer<typeof ClusterTask>;

const TaskStatus = z.enum(['passed', 'failed', 'interrupted', 'lost', 'cancelled', 'unschedulable']);

/** The Ray driver (scripts/src/zooforge/workers/ray_run.py). `address` null starts a private local instance for the run and
 *  stops it after; otherwise ray.init(address): `auto`, `host:6379`, or `ray://host:10001`. */
export const rayRunWorker = worker('ray_run', {
  input: z
    .object({
      address: z.string().nullable(),
      /** CPUs of the private local instance (address null). */
      local_cpus: z.number().int().positive(),
      /** Ray's retries of a task whose worker or node died; a stage failure is never retried. */
      max_retries: z.number().int().min(0),
      tasks: z.array(ClusterTask).min(1),
    })
    .strict(),
  output: z
    .object({
      address: z.string(),
      nodes: z.number().int(),
      tasks: z.array(
        z
          .object({
            name: z.string(),
            status: TaskStatus,
            exit_code: z.number().int().nullable(),
            attempts: z.number().int(),
            node: z.string().nullable(),
            error: z.string().nullable(),
          })
          .strict(),
      ),
    })
    .strict(),
});

/** Lines the driver prints with PROTOCOL.event while tasks run: where each attempt started, every engine event
 *  of its `zooforge run --json` (the `event` object), and how it ended. */
export const ClusterEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cluster'), address: z.string(), nodes: z.number(), cpus: z.number() }),
  z.object({ type: z.literal('task-start'), task: z.string(), attempt: z.number(), node: z.string(), pid: z.number() }),
  z.object({ type: z.literal('task-event'), task: z.string(), event: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal('task-end'),
    task: z.string(),
    status: TaskStatus,
    attempts: z.number(),
    error: z.string().nullable(),
  }),
]);
export type ClusterEvent = z.infer<typeof ClusterEvent>;
