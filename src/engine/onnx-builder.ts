// A small ONNX graph builder: adds nodes, constants, weights, inputs and outputs, and writes a
// ModelProto. Keeps the protobuf detail out of graph.ts so that file can read like the model.
import { onnx } from 'onnx-proto';

const { DataType } = onnx.TensorProto;
export type ElemType = 'float' | 'int64';
export type Dim = number | string; // a fixed size, or a symbolic one ("T", "P")
type Attribute = number | number[] | string | { float: number }; // plain numbers are INT attributes

/** Where a weight's float32 values come from. */
export type WeightData =
  | { kind: 'external'; location: string; offset: number; length: number } // raw little-endian float32 in a file
  | { kind: 'memory'; values: Float32Array }; // converted in memory (F16/BF16 sources): see inMemory()

/**
 * A weight handed to ORT from memory rather than from a file: the graph names `path` as its
 * external-data location, and the session gets `{ path, data }` in SessionOptions.externalData.
 * (Embedding 500 MB as raw_data instead is slow to encode and doubles the memory.) Once a session
 * has any in-memory external data, ORT looks every external weight up there, none in files.
 */
export function inMemory(name: string, values: Float32Array): { path: string; data: Uint8Array } {
  return { path: `${name}.f32`, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Map<string, number>();
  private readonly domains = new Set<string>(); // operator sets other than the default one (e.g. com.microsoft)

  /** Declares a graph input and returns its name. */
  input(name: string, type: ElemType, dims: Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `value` (a tensor already in the graph) as an output called `name`. */
  output(name: string, value: string, type: ElemType, dims: Dim[]): void {
    if (value !== name && this.op('Identity', [value], {}, name) !== name) throw new Error(`graph: output name ${name} is taken`);
    this.outputs.push(valueInfo(name, type, dims));
  }

  /**
   * Adds one node with a single output, named after `hint` (made unique), and returns that name.
   * `domain` names a non-default operator set ("com.microsoft" for ORT's contrib ops); the model imports it.
   */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, hint = opType, domain = ''): string {
    return this.opMulti(opType, inputs, 1, attributes, hint, domain)[0];
  }

  /** Adds one node with `outputCount` outputs and returns their names. */
  opMulti(opType: string, inputs: string[], outputCount: number, attributes: Record<string, Attribute> = {}, hint = opType, domain = ''): string[] {
    const name = this.unique(hint);
    const output = outputCount === 1 ? [name] : Array.from({ length: outputCount }, (_, i) => `${name}_${i}`);
    const attribute = Object.entries(attributes).map(([key, value]) => toAttribute(key, value));
    this.nodes.push({ opType, input: inputs, output, name, attribute, ...(domain === '' ? {} : { domain }) });
    if (domain !== '') this.domains.add(domain);
    return output;
  }

  /** An int64 constant (shapes, axes, split sizes): a 1-D tensor, or a scalar with `scalar`. */
  int64s(values: number[], scalar = false): string {
    const name = this.unique(`const_${values.join('_')}`);
    this.initializers.push({ name, dataType: DataType.INT64, dims: scalar ? [] : [values.length], int64Data: values });
    return name;
  }

  /** A float32 scalar constant. */
  float(value: number): string {
    const name = this.unique(`const_${value}`);
    this.initializers.push({ name, dataType: DataType.FLOAT, dims: [], floatData: [value] });
    return name;
  }

  /** A float32 weight under its checkpoint name (e.g. "h.0.attn.c_attn.weight"). */
  weight(name: string, dims: number[], data: WeightData): string {
    this.claim(name);
    const external = data.kind === 'external' ? data : { location: inMemory(name, data.values).path, offset: 0, length: data.values.byteLength };
    this.initializers.push({
      name,
      dataType: DataType.FLOAT,
      dims,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: external.location },
        { key: 'offset', value: String(external.offset) },
        { key: 'length', value: String(external.length) },
      ],
    });
    return name;
  }

  /**
   * A constant tensor of uint8 or float32 values stored in the model itself (raw data), e.g. quantized
   * weights computed at load. The model bytes then hold a copy of them.
   */
  tensor(name: string, dims: number[], values: Uint8Array | Float32Array): string {
    const dataType = values instanceof Uint8Array ? DataType.UINT8 : DataType.FLOAT;
    const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength); // float32 is little-endian on every ORT platform
    this.claim(name);
    this.initializers.push({ name, dataType, dims, rawData });
    return name;
  }

  /** Serialises the graph as an ONNX model (IR 11, that of opset 23; default domain at `opset`, any other domain its nodes use at version 1). */
  toBytes(graphName: string, opset: number): Uint8Array {
    const graph: onnx.IGraphProto = {
      name: graphName,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
    const model: onnx.IModelProto = {
      irVersion: 11,
      producerName: 'gpt2-explorer',
      opsetImport: [{ domain: '', version: opset }, ...[...this.domains].map((domain) => ({ domain, version: 1 }))],
      graph,
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  /**
   * A name no node, input or tensor has yet: `hint`, else hint_1, hint_2 … skipping any taken
   * (an input called "q" and a node hinted "q", or a hint "x_1" next to a second "x").
   */
  private unique(hint: string): string {
    let count = this.used.get(hint) ?? 0;
    let name = count === 0 ? hint : `${hint}_${count}`;
    while (count > 0 && this.used.has(name)) name = `${hint}_${++count}`;
    this.used.set(hint, count + 1);
    this.used.set(name, Math.max(this.used.get(name) ?? 0, 1));
    return name;
  }

  /** Takes `name` as it is (inputs, weights): two tensors of one name would make an invalid graph. */
  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`graph: the name ${name} is taken`);
    this.used.set(name, 1);
  }
}

function valueInfo(name: string, type: ElemType, dims: Dim[]): onnx.IValueInfoProto {
  const shape = { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  const elemType = type === 'float' ? DataType.FLOAT : DataType.INT64;
  return { name, type: { tensorType: { elemType, shape } } };
}

function toAttribute(name: string, value: Attribute): onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: value.float };
  if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; write { float: ${value} }`);
  return { name, type: AttributeType.INT, i: value };
}
