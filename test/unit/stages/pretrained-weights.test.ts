import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unobtainableWeights } from '../../../pipeline/stages/pretrained-weights.ts';

const model = (over: Record<string, unknown>) =>
  ({ name: 'm', source: { timm: 'resnet18' }, pretrained: true, kwargs: {}, reparameterize: 'auto', ...over }) as never;

describe('pretrained weights, before the export worker starts', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('asks nothing of the network where no hub weights are wanted', async () => {
    expect(await unobtainableWeights(model({ pretrained: false }))).toBeUndefined();
    expect(await unobtainableWeights(model({ checkpoint: 'w.pt' }))).toBeUndefined();
    expect(await unobtainableWeights(model({ source: { module: 'net.py:f' } }))).toBeUndefined();
  });

  it('leaves weights that may be in the local caches to the worker (timm: the hub cache; torchvision: torch.hub)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'zf-weights-'));
    process.env.HF_HUB_CACHE = join(home, 'hub');
    process.env.TORCH_HOME = join(home, 'torch');
    process.env.HTTPS_PROXY = 'http://127.0.0.1:9'; // nothing listens: were the network asked, it would say so
    mkdirSync(join(home, 'hub', 'models--timm--resnet18.a1_in1k'), { recursive: true });
    mkdirSync(join(home, 'torch', 'hub', 'checkpoints', 'resnet50-0676ba61.pth'), { recursive: true });
    expect(await unobtainableWeights(model({}))).toBeUndefined();
    expect(await unobtainableWeights(model({ source: { torchvision: 'resnet50' } }))).toBeUndefined();
    // not cached, and the hub (here: the proxy) takes no connection: said with the fix
    expect(await unobtainableWeights(model({ source: { timm: 'resnet34' } }))).toMatch(
      /^pretrained weights for resnet34 are not in the local cache and no model hub answers \(127\.0\.0\.1:9 .+\): set model\.checkpoint/,
    );
  });
});
