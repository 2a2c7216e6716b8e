// Reads ModelProto.metadata_props (field 14: repeated StringStringEntryProto
// {key = 1, value = 2}) straight from the protobuf wire format, skipping the
// graph by its length prefix, so the model file is not decoded twice just to
// find the class names Ultralytics stores there.
//
// Wire format: each field is a varint key (field number << 3 | wire type)
// then its value: 0 varint, 1 eight bytes, 2 varint length + bytes, 5 four
// bytes. Anything else (or a length past the end) means the bytes are not a
// model; the caller then learns it from onnxruntime's own parse.

const METADATA_PROPS = 14;

/** The model's metadata as key → value; empty when there is none or the bytes do not parse. */
export function readOnnxMetadata(bytes: Uint8Array): Map<string, string> {
  const found = new Map<string, string>();
  try {
    walk(bytes, 0, bytes.length, (field, start, end) => {
      if (field !== METADATA_PROPS) return;
      let key = "", value = "";
      walk(bytes, start, end, (f, s, e) => {
        if (f === 1) key = decoder.decode(bytes.subarray(s, e));
        if (f === 2) value = decoder.decode(bytes.subarray(s, e));
      });
      found.set(key, value);
    });
  } catch {
    return new Map();
  }
  return found;
}

const decoder = new TextDecoder();

// Calls `onBytes` for every length-delimited field of the message in [at, end).
function walk(
  bytes: Uint8Array,
  at: number,
  end: number,
  onBytes: (field: number, start: number, end: number) => void,
): void {
  const pos = { at };
  while (pos.at < end) {
    const key = varint(bytes, pos, end);
    const field = Math.floor(key / 8);
    switch (key % 8) {
      case 0:
        varint(bytes, pos, end);
        break;
      case 1:
        pos.at += 8;
        break;
      case 2: {
        const length = varint(bytes, pos, end);
        const start = pos.at;
        pos.at += length;
        if (pos.at > end) throw new RangeError("Length past the end");
        onBytes(field, start, pos.at);
        break;
      }
      case 5:
        pos.at += 4;
        break;
      default:
        throw new RangeError(`Wire type ${key % 8} is not used by ONNX`);
    }
    if (pos.at > end) throw new RangeError("Field past the end");
  }
}

function varint(bytes: Uint8Array, pos: { at: number }, end: number): number {
  let value = 0, scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos.at >= end) throw new RangeError("Varint past the end");
    const b = bytes[pos.at++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  throw new RangeError("Varint longer than 10 bytes");
}
