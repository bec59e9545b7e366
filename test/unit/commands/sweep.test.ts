import { describe, expect, it } from 'vitest';
import { variantMatrix } from '../../../pipeline/commands/sweep.ts';

describe('sweep variants', () => {
  it('are every combination of the --vary values, as --set lists, in order', () => {
    expect(variantMatrix(['quantize.calibration_type=max,kl', 'quantize.per_channel=true,false'])).toEqual([
      ['quantize.calibration_type=max', 'quantize.per_channel=true'],
      ['quantize.calibration_type=max', 'quantize.per_channel=false'],
      ['quantize.calibration_type=kl', 'quantize.per_channel=true'],
      ['quantize.calibration_type=kl', 'quantize.per_channel=false'],
    ]);
    expect(variantMatrix([])).toEqual([[]]);
    expect(() => variantMatrix(['=a,b'])).toThrow(/--vary =a,b: expected key\.path=value1,value2/);
  });
});
