import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PYTHON_ROOT } from '../paths.ts';
import type { Recipe } from '../recipe/schema.ts';

/** The weights' hosts and the fix to name, shared with the export worker (zooforge/model/build_model.py reads the same file). */
const WEIGHTS = JSON.parse(readFileSync(join(PYTHON_ROOT, 'zooforge', 'model', 'weight_hosts.json'), 'utf8')) as {
  hosts: { timm: string; torchvision: string };
  fix: string;
};

const cacheHome = (): string => process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
/** huggingface_hub's cache (timm's weights): HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub. */
const hubCache = (): string =>
  process.env.HF_HUB_CACHE || join(process.env.HF_HOME || join(cacheHome(), 'huggingface'), 'hub');
/** torch.hub's checkpoints (torchvision's weights, timm's older ones): TORCH_HOME, else ~/.cache/torch. */
const torchCheckpoints = (): string => join(process.env.TORCH_HOME || join(cacheHome(), 'torch'), 'hub', 'checkpoints');

const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

/** Whether the weights may already be on this machine. Generous on purpose: the worker loads them and knows for sure;
 *  this only spares an offline machine the seconds of starting torch when they certainly are not. */
function maybeCached(library: 'timm' | 'torchvision', name: string): boolean {
  const checkpoint = entries(torchCheckpoints()).some((f) => f.includes(name));
  if (library === 'torchvision') return checkpoint;
  const repo = `models--timm--${name}`;
  return checkpoint || entries(hubCache()).some((d) => d === repo || d.startsWith(`${repo}.`));
}

/** Why no connection to the host (or the HTTPS proxy in between) opens within `timeoutMs`; undefined if one does. */
function unreachable(host: string, timeoutMs = 2000): Promise<string | undefined> {
  const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;
  const via = proxy ? new URL(proxy.includes('://') ? proxy : `http://${proxy}`) : undefined;
  const address = via?.hostname ? { host: via.hostname, port: Number(via.port) || 443 } : { host, port: 443 };
  return new Promise((resolve) => {
    const socket = connect(address);
    const done = (why: string | undefined): void => {
      socket.destroy();
      resolve(why && `${address.host}:${address.port} ${why}`);
    };
    socket.setTimeout(timeoutMs, () => done('timed out'));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(err.message));
  });
}

/** Before the export worker starts (importing torch and timm takes seconds): pretrained weights that are in no local
 *  cache, with their hub unreachable, are said at once, with the fix. Undefined when they may be obtainable. */
export async function unobtainableWeights(model: Recipe['model']): Promise<string | undefined> {
  if (!model.pretrained || model.checkpoint) return undefined;
  const library = 'timm' in model.source ? 'timm' : 'torchvision' in model.source ? 'torchvision' : undefined;
  if (!library) return undefined;
  const name = 'timm' in model.source ? model.source.timm : (model.source as { torchvision: string }).torchvision;
  if (maybeCached(library, name)) return undefined;
  const offline = await unreachable(WEIGHTS.hosts[library]);
  return (
    offline &&
    `pretrained weights for ${name} are not in the local cache and no model hub answers (${offline}): ${WEIGHTS.fix}.`
  );
}
