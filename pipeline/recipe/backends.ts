import { CALIBRATION_TYPES } from './quantize-schema.ts';

type CalibrationType = (typeof CALIBRATION_TYPES)[number];

/** What each quantization backend can run: the one place these rules live. The recipe rules check them at load
 *  (exit 2 with file:line:col, before any stage runs) and the quantize worker's input contract takes its
 *  calibration_type enum from here, so Python never decides them again. */
export const BACKENDS = {
  ort: {
    calibration_types: ['default', 'kl', 'max'] as const satisfies readonly CalibrationType[],
    why_not: {
      skip: 'calibrates on random data, so the int8 model has no usable accuracy',
      mix: 'is hb_mapper-only (its layer-wise mix of methods has no ort equivalent)',
      load: "is hb_mapper-only (it loads a QAT model's ranges)",
    } satisfies Partial<Record<CalibrationType, string>>,
  },
  horizon: {
    calibration_types: CALIBRATION_TYPES,
    why_not: {} as Partial<Record<CalibrationType, string>>,
  },
} as const;

export type OrtCalibrationType = (typeof BACKENDS.ort.calibration_types)[number];

/** Why `backend` cannot run `type`, or undefined when it can. */
export function cannotCalibrate(backend: 'ort' | 'horizon', type: CalibrationType): string | undefined {
  const b = BACKENDS[backend];
  if ((b.calibration_types as readonly string[]).includes(type)) return undefined;
  const why = (b.why_not as Partial<Record<CalibrationType, string>>)[type] ?? 'is not supported';
  return `${type} ${why}; the ${backend} backend runs ${b.calibration_types.join('|')}`;
}

export const isOrtCalibrationType = (t: string): t is OrtCalibrationType =>
  (BACKENDS.ort.calibration_types as readonly string[]).includes(t);
