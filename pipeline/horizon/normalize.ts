import type { HbConfig } from './schema.ts';

/** horizon_tc_ui's get_list_from_txt: strip quotes, drop one trailing ';', split on ';', '' / 'None' -> null. */
export function hbList(value: unknown): (string | null)[] {
  let text = String(value)
    .trim()
    .replace(/^['"]|['"]$/g, '');
  if (text.endsWith(';')) text = text.slice(0, -1);
  return text
    .split(';')
    .map((s) => s.trim())
    .map((s) => (s === '' || s === 'None' ? null : s));
}

/** get_item_from_string per input: ',' counts as a space; one list of numbers per ';'-separated input. */
export function hbNumbers(value: unknown): (number[] | null)[] {
  return hbList(value).map((item) =>
    item === null ? null : item.replace(/,/g, ' ').split(/\s+/).filter(Boolean).map(Number),
  );
}

export function hbBool(value: unknown): boolean {
  return value === true || value === 'True' || value === 'true';
}

export type NodeInfo = Record<string, Record<string, string>>;

/** node_info as a dict, from either form; the string form 'n1:int16;n2:int16' sets OutputType. */
export function hbNodeInfo(value: unknown): NodeInfo {
  if (value && typeof value === 'object') return value as NodeInfo;
  const out: NodeInfo = {};
  for (const item of hbList(value)) {
    if (!item) continue;
    const [node, type] = item.split(':').map((s) => s.trim());
    out[node] = { OutputType: type };
  }
  return out;
}

const LISTS = new Set([
  'input_name',
  'input_type_train',
  'input_layout_train',
  'input_type_rt',
  'input_layout_rt',
  'input_space_and_range',
  'input_shape',
  'norm_type',
  'cal_data_dir',
  'cal_data_type',
  'output_nodes',
  'remove_node_type',
  'remove_node_name',
  'run_on_cpu',
  'run_on_bpu',
  'op_register_files',
]);
const NUMBER_LISTS = new Set(['mean_value', 'scale_value']);
const BOOLS = new Set(['layer_out_dump', 'preprocess_on', 'per_channel', 'enable_int16', 'debug']);
const NUMBERS = new Set([
  'max_percentile',
  'balance_factor',
  'core_num',
  'max_time_per_fc',
  'jobs',
  'advice',
  'input_batch',
]);

/** One field the way the tool reads it. */
export function normalizeField(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (LISTS.has(key)) return hbList(value);
  if (NUMBER_LISTS.has(key)) return hbNumbers(value);
  if (BOOLS.has(key)) return hbBool(value);
  if (NUMBERS.has(key)) return Number(value);
  if (key === 'optimization')
    return String(value)
      .split(/[,;]/)
      .map((s) => s.trim())
      .filter(Boolean);
  if (key === 'node_info') return hbNodeInfo(value);
  if (key === 'march' || key === 'optimize_level' || key === 'compile_mode' || key === 'calibration_type')
    return String(value).trim();
  return typeof value === 'object' ? value : String(value);
}

/** Tool defaults that make an absent field equal to an explicit one. */
const DEFAULTS: Record<string, Record<string, unknown>> = {
  model_parameters: { layer_out_dump: false },
  calibration_parameters: { calibration_type: 'default' },
};

/** The whole config as the tool sees it: equal results mean equivalent configs. A list of only ''/None is
 *  the same as an absent field (both mean "take it from the model"). */
export function normalizeConfig(config: HbConfig): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [group, fields] of Object.entries(config)) {
    if (!fields) continue;
    out[group] = { ...DEFAULTS[group] };
    for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
      const n = normalizeField(k, v);
      const empty = Array.isArray(n) && n.every((x) => x === null);
      if (n !== undefined && !empty) out[group][k] = n;
    }
  }
  return out;
}
