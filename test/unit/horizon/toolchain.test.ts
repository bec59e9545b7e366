import { describe, expect, it } from 'vitest';
import { type Toolchain, toolchainFor, toolchainVersions } from '../../../pipeline/horizon/toolchain.ts';
import { QuantizeSchema } from '../../../pipeline/recipe/quantize-schema.ts';

describe('toolchain launcher', () => {
  it('mounts the work dir read-only for the version probe, read-write only where the tool writes', async () => {
    const docker = toolchainFor(
      QuantizeSchema.parse({ toolchain: { docker_image: 'openexplorer/ai_toolchain_ubuntu_20_x5_cpu:v1.2.8' } }),
    );
    expect(docker.argv('/w', 'hb_mapper', ['--version'], [], true).slice(0, 6)).toEqual([
      'docker',
      'run',
      '--rm',
      '-v',
      '/w:/w:ro',
      '-w',
    ]);
    expect(docker.argv('/w', 'hb_mapper', ['makertbin'], ['/data']).slice(3, 8)).toEqual([
      '-v',
      '/w:/w',
      '-w',
      '/w',
      '-v',
    ]);
    const seen: (boolean | undefined)[] = [];
    const spy: Toolchain = {
      describe: 'spy',
      argv: (_cwd, _tool, _args, _mounts, readOnly) => {
        seen.push(readOnly);
        return ['true'];
      },
    };
    await toolchainVersions(spy, '/tmp');
    expect(seen).toEqual([true, true, true]);
  });
});
