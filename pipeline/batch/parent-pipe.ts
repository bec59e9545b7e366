import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';

/** A run started by a Ray task (ZOOFORGE_PARENT_FD, scripts/src/zooforge/protocol/ray_task.py start_watched) stops like on SIGTERM once that task's
 *  worker is gone: an orphan run must not keep its folder's lock from the task's retry. The worker hands the run the
 *  read end of a pipe whose write end only it holds, so its death shows as end-of-file, even if it died before the
 *  run got here (a new parent pid, polled, missed a worker that died in the run's first moments). */
export function watchParent(stop: () => void): () => void {
  // "<fd>:<inode>": only the pipe the worker made, beyond stdio. A value inherited from elsewhere must neither stop an
  // unrelated run nor make it read one of Node's own descriptors (its signal pipe, say): the inode will not match.
  const given = /^([1-9]\d*):([1-9]\d*)$/.exec(process.env.ZOOFORGE_PARENT_FD ?? '');
  const fd = Number(given?.[1]);
  if (!given || fd < 3) return () => undefined;
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFIFO() || st.ino !== BigInt(given[2])) return () => undefined;
  } catch {
    return () => undefined;
  }
  const parent = new Socket({ fd, readable: true, writable: false });
  parent.on('end', stop);
  parent.on('error', stop);
  parent.resume(); // nothing is ever written: flowing, it sees the end
  parent.unref();
  return () => parent.destroy();
}
