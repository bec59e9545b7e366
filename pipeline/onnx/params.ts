import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CorruptInputError } from '../errors.ts';
import { fileKind } from '../tools/file-kind.ts';
import { WIRE, WireReader } from './wire.ts';

export interface TensorInfo {
  name: string;
  dims: number[];
  elements: number;
  dataType: number;
  external: boolean;
  /** external_data: the file (relative to the model) and the byte range holding the payload */
  location?: { path: string; offset: number; length?: number };
  /** bytes of the TensorProto message itself (payload included when it is inline) */
  messageBytes: number;
}

export interface ParamReport {
  file: string;
  fileBytes: number;
  /** The parameter count: elements of every graph initializer (any type, each name once: where exporters put
   *  weights, int8 ones included) plus the floating-point tensors of Constant nodes (where onnxsim folds computed
   *  weights). Integer Constants are shapes, axes and indices, not weights, and are not counted. */
  total: number;
  initializers: number;
  /** Elements over the initializers alone (the seed's Python count). */
  initializerElements: number;
  constants: { count: number; elements: number; floatElements: number };
  externalInitializers: number;
  /** external data files (absolute), each checked to exist and to hold its tensors' bytes */
  externalFiles: string[];
  byOpType: Record<string, number>;
  largest: (TensorInfo & { opType: string })[];
  irVersion?: number;
  opsets: Record<string, number>;
  producer: string;
}

/** TensorProto.DataType values of floating-point tensors: FLOAT, FLOAT16, DOUBLE, BFLOAT16, the FLOAT8 and FLOAT4 kinds. */
const FLOAT_TYPES = new Set([1, 10, 11, 16, 17, 18, 19, 20, 23]);

// Field numbers from onnx.proto3.
const MODEL = { irVersion: 1, producer: 2, graph: 7, opset: 8 };
const GRAPH = { node: 1, initializer: 5 };
const NODE = { input: 1, opType: 4, attribute: 5 };
const ATTR = { t: 5 };
const TENSOR = { dims: 1, dataType: 2, name: 8, externalData: 13, dataLocation: 14 };

function readEntry(r: WireReader, end: number): [string, string] {
  let key = '';
  let value = '';
  while (r.pos < end) {
    const { field, wire } = r.tag(end);
    if (field === 1 && wire === WIRE.len) key = r.string(end);
    else if (field === 2 && wire === WIRE.len) value = r.string(end);
    else r.skip(wire, end);
  }
  return [key, value];
}

function readTensor(r: WireReader, end: number): TensorInfo {
  const t: TensorInfo = { name: '', dims: [], elements: 1, dataType: 0, external: false, messageBytes: end - r.pos };
  const ext: Record<string, string> = {};
  while (r.pos < end) {
    const { field, wire } = r.tag(end);
    if (field === TENSOR.dims && wire === WIRE.len) {
      const e = r.lenEnd(end);
      while (r.pos < e) t.dims.push(r.varint(e, true));
    } else if (field === TENSOR.dims && wire === WIRE.varint) t.dims.push(r.varint(end, true));
    else if (field === TENSOR.dataType && wire === WIRE.varint) t.dataType = r.varint(end);
    else if (field === TENSOR.name && wire === WIRE.len) t.name = r.string(end);
    else if (field === TENSOR.dataLocation && wire === WIRE.varint) t.external = r.varint(end) === 1;
    else if (field === TENSOR.externalData && wire === WIRE.len) {
      const [k, v] = readEntry(r, r.lenEnd(end));
      ext[k] = v;
    } else r.skip(wire, end); // raw_data, float_data, ...: skipped without reading
  }
  // a negative int64 reads as 2^64 - |d| here: a valid file, but no valid model
  if (t.dims.some((d) => d > Number.MAX_SAFE_INTEGER))
    throw new CorruptInputError(
      `${r.file}: tensor ${t.name || '(unnamed)'} has a negative dimension: not a valid ONNX model`,
    );
  t.elements = t.dims.reduce((a, b) => a * b, 1);
  if (t.external && ext.location) {
    t.location = {
      path: ext.location,
      offset: Number(ext.offset ?? 0),
      ...(ext.length !== undefined ? { length: Number(ext.length) } : {}),
    };
  }
  return t;
}

/** Each element of an inline tensor takes at least half a byte (int4/float4 pack two a byte); a count beyond that
 *  cannot be in the file. */
function checkPlausible(r: WireReader, t: TensorInfo): void {
  if (!Number.isSafeInteger(t.elements))
    throw r.corrupt(`tensor ${t.name || '(unnamed)'} has dims [${t.dims.join('x')}], beyond any real tensor`);
  if (!t.external && t.elements > 2 * t.messageBytes) {
    throw r.corrupt(
      `tensor ${t.name || '(unnamed)'} claims ${t.elements} elements in a ${t.messageBytes}-byte message`,
    );
  }
}

/** The external data files of a model, resolved and checked: each must exist, lie beside or below the model,
 *  and hold the byte range the model names. */
export function externalDataFiles(model: string, tensors: Iterable<TensorInfo>): string[] {
  const files = new Set<string>();
  for (const t of tensors) {
    if (!t.external) continue;
    if (!t.location)
      throw new CorruptInputError(`${model}: tensor ${t.name} is stored externally but names no location`);
    const file = resolve(dirname(model), t.location.path);
    const inside = relative(dirname(model), file);
    // `..weights` is a file name; only a `..` path segment leaves the folder
    if (isAbsolute(t.location.path) || inside === '' || inside === '..' || inside.startsWith(`..${sep}`)) {
      throw new CorruptInputError(`${model}: tensor ${t.name} points outside the model's folder (${t.location.path})`);
    }
    if (!existsSync(file))
      throw new CorruptInputError(`${model}: external data file ${file} (tensor ${t.name}) not found`);
    const st = statSync(file);
    if (!st.isFile())
      throw new CorruptInputError(`${model}: external data ${file} (tensor ${t.name}) is ${fileKind(st)}, not a file`);
    const size = st.size;
    const need = t.location.offset + (t.location.length ?? 0);
    if (need > size)
      throw new CorruptInputError(
        `${model}: external data file ${file} is ${size} bytes, tensor ${t.name} needs bytes up to ${need}: truncated`,
      );
    files.add(file);
  }
  return [...files].sort();
}

interface NodeInfo {
  opType: string;
  inputs: string[];
  constant?: TensorInfo;
}

function readNode(r: WireReader, end: number): NodeInfo {
  const n: NodeInfo = { opType: '', inputs: [] };
  while (r.pos < end) {
    const { field, wire } = r.tag(end);
    if (field === NODE.input && wire === WIRE.len) n.inputs.push(r.string(end));
    else if (field === NODE.opType && wire === WIRE.len) n.opType = r.string(end);
    else if (field === NODE.attribute && wire === WIRE.len) {
      const ae = r.lenEnd(end);
      while (r.pos < ae) {
        const a = r.tag(ae);
        if (a.field === ATTR.t && a.wire === WIRE.len) {
          n.constant = readTensor(r, r.lenEnd(ae));
          checkPlausible(r, n.constant);
        } else r.skip(a.wire, ae);
      }
    } else r.skip(wire, end);
  }
  return n;
}

function readOpset(r: WireReader, end: number): [string, number] {
  let domain = '';
  let version = 0;
  while (r.pos < end) {
    const { field, wire } = r.tag(end);
    if (field === 1 && wire === WIRE.len) domain = r.string(end);
    else if (field === 2 && wire === WIRE.varint) version = r.varint(end);
    else r.skip(wire, end);
  }
  return [domain || 'ai.onnx', version];
}

/** Count parameters by scanning the protobuf; tensor payloads are skipped, never decoded or copied. */
export function countParams(file: string, topN = 10): ParamReport {
  const r = new WireReader(file);
  try {
    const inits = new Map<string, TensorInfo>();
    const nodes: NodeInfo[] = [];
    const report: ParamReport = {
      file,
      fileBytes: r.size,
      total: 0,
      initializers: 0,
      initializerElements: 0,
      constants: { count: 0, elements: 0, floatElements: 0 },
      externalInitializers: 0,
      externalFiles: [],
      byOpType: {},
      largest: [],
      opsets: {},
      producer: '',
    };
    let sawGraph = false;
    while (r.pos < r.size) {
      const { field, wire } = r.tag(r.size);
      if (field === MODEL.graph && wire === WIRE.len) {
        sawGraph = true;
        const ge = r.lenEnd(r.size);
        while (r.pos < ge) {
          const g = r.tag(ge);
          if (g.field === GRAPH.initializer && g.wire === WIRE.len) {
            const t = readTensor(r, r.lenEnd(ge));
            checkPlausible(r, t);
            if (!inits.has(t.name)) inits.set(t.name, t);
          } else if (g.field === GRAPH.node && g.wire === WIRE.len) nodes.push(readNode(r, r.lenEnd(ge)));
          else r.skip(g.wire, ge);
        }
      } else if (field === MODEL.irVersion && wire === WIRE.varint) report.irVersion = r.varint(r.size);
      else if (field === MODEL.producer && wire === WIRE.len) report.producer = r.string(r.size);
      else if (field === MODEL.opset && wire === WIRE.len) {
        const [d, v] = readOpset(r, r.lenEnd(r.size));
        report.opsets[d] = v;
      } else r.skip(wire, r.size);
    }
    if (!sawGraph) throw r.corrupt('no graph found', 0);
    const consumer = new Map<string, string>();
    for (const n of nodes) {
      for (const i of n.inputs) if (!consumer.has(i)) consumer.set(i, n.opType);
      if (n.opType === 'Constant' && n.constant) {
        report.constants.count++;
        report.constants.elements += n.constant.elements;
        if (FLOAT_TYPES.has(n.constant.dataType)) report.constants.floatElements += n.constant.elements;
      }
    }
    if (report.constants.floatElements > 0) report.byOpType['(Constant nodes)'] = report.constants.floatElements;
    const all = [...inits.values()].map((t) => ({ ...t, opType: consumer.get(t.name) ?? '(unused)' }));
    report.total = report.constants.floatElements;
    for (const t of all) {
      report.total += t.elements;
      report.initializerElements += t.elements;
      report.byOpType[t.opType] = (report.byOpType[t.opType] ?? 0) + t.elements;
      if (t.external) report.externalInitializers++;
    }
    report.initializers = all.length;
    report.externalFiles = externalDataFiles(file, all);
    report.largest = all.sort((a, b) => b.elements - a.elements).slice(0, topN);
    return report;
  } finally {
    r.close();
  }
}
