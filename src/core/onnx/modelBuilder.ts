// Builds ONNX ModelProto bytes (IR 8, opset 17) for small float32 graphs with symbolic dimensions.
// Field numbers follow onnx/onnx.proto; only what our graphs use is written.
import { ProtoWriter } from './protobuf';

export const IR_VERSION = 8;
export const OPSET = 17;

/** A dimension: a fixed size, or a symbolic name ("K", "C") bound when the graph runs. */
export type Dim = number | string;

/** Attribute values: an integer (INT), an integer list (INTS), `{ float }` (FLOAT) or a string (STRING). */
export type AttrValue = number | readonly number[] | { float: number } | string;

// onnx.proto enums.
const TENSOR_FLOAT = 1;
const TENSOR_INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: Readonly<Record<string, AttrValue>>;
}

interface TensorSpec {
  name: string;
  dims: readonly number[];
  type: typeof TENSOR_FLOAT | typeof TENSOR_INT64;
  values: readonly number[];
}

interface ValueSpec {
  name: string;
  dims: readonly Dim[];
}

/** Collects inputs, constants and nodes in topological order, then serialises them. */
export class GraphBuilder {
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly nodes: NodeSpec[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  /** Declares a float32 graph input; returns its name for use as a node input. */
  input(name: string, dims: readonly Dim[]): string {
    this.inputs.push({ name, dims });
    return name;
  }

  /** Declares a float32 graph output produced by some node. */
  output(name: string, dims: readonly Dim[]): void {
    this.outputs.push({ name, dims });
  }

  /** A float32 constant baked into the model (an initializer). */
  constFloat(name: string, dims: readonly number[], values: readonly number[]): string {
    this.initializers.push({ name, dims, type: TENSOR_FLOAT, values });
    return name;
  }

  /** An int64 constant, e.g. the shape operand of Reshape or the axes operand of ReduceSum. */
  constInt64(name: string, dims: readonly number[], values: readonly number[]): string {
    this.initializers.push({ name, dims, type: TENSOR_INT64, values });
    return name;
  }

  /** Adds a node with one output; the output is named `out`, or gets a fresh name. */
  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, out?: string): string {
    const output = out ?? `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ op, inputs, outputs: [output], attrs });
    return output;
  }

  /** Serialises the ModelProto. */
  toBytes(): Uint8Array {
    const model = new ProtoWriter();
    model.int(1, IR_VERSION); // ir_version
    model.string(2, 'position-encoding-lens'); // producer_name
    model.message(7, (g) => this.writeGraph(g)); // graph
    model.message(8, (o) => o.string(1, '').int(2, OPSET)); // opset_import: default domain
    return model.finish();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) g.message(1, (w) => writeNode(w, n));
    g.string(2, this.name);
    for (const t of this.initializers) g.message(5, (w) => writeTensor(w, t));
    for (const v of this.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of this.outputs) g.message(12, (w) => writeValueInfo(w, v));
  }
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.outputs[0] ?? n.op); // name: its first output is unique enough
  w.string(4, n.op);
  for (const [key, value] of Object.entries(n.attrs)) w.message(5, (a) => writeAttribute(a, key, value));
}

function writeAttribute(a: ProtoWriter, key: string, value: AttrValue): void {
  a.string(1, key);
  if (typeof value === 'number') {
    a.int(3, value).int(20, ATTR_INT);
  } else if (typeof value === 'string') {
    a.string(4, value).int(20, ATTR_STRING);
  } else if ('float' in value) {
    a.float(2, value.float).int(20, ATTR_FLOAT);
  } else {
    // Repeated int64 in proto2 onnx.proto is unpacked; write one field per value, which every parser accepts.
    for (const v of value) a.int(8, v);
    a.int(20, ATTR_INTS);
  }
}

function writeTensor(w: ProtoWriter, t: TensorSpec): void {
  for (const d of t.dims) w.int(1, d); // dims
  w.int(2, t.type); // data_type
  if (t.type === TENSOR_FLOAT) w.packedFloats(4, t.values); // float_data
  else w.packedInts(7, t.values); // int64_data
  w.string(8, t.name);
}

function writeValueInfo(w: ProtoWriter, v: ValueSpec): void {
  w.string(1, v.name);
  // TypeProto.tensor_type { elem_type = FLOAT, shape { dim { dim_value | dim_param } } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, TENSOR_FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}
