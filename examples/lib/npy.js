'use strict';
// Minimal .npy (format version 1.0) writer/reader: C order, little-endian, float32 ('<f4') and int32 ('<i4').
// The header is padded with spaces and ends with '\n' so that the data starts at a multiple of 64 bytes,
// exactly as numpy.save does (numpy >= 1.22 pads to 64; the header text is the same dict repr).
const fs = require('fs');

const DTYPES = {
  float32: {descr: '<f4', bytes: 4, Array: Float32Array},
  int32: {descr: '<i4', bytes: 4, Array: Int32Array},
};

function shapeRepr(shape) {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Returns a Buffer holding the .npy encoding of `data` (TypedArray or plain array) with `shape`. */
function encodeNpy(data, shape, dtype = 'float32') {
  const dt = DTYPES[dtype];
  if (!dt) throw new Error(`npy: unsupported dtype ${dtype}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(`npy: data has ${data.length} elements, shape [${shape}] needs ${count}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`npy: bad shape [${shape}]`);
  }
  const arr = data instanceof dt.Array ? data : dt.Array.from(data);
  let header = `{'descr': '${dt.descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  const preamble = 10; // magic(6) + version(2) + header_len(2)
  const total = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = header + ' '.repeat(total - preamble - header.length - 1) + '\n';
  if (total - preamble > 0xffff) throw new Error('npy: header too long for version 1.0');
  const buf = Buffer.alloc(total + count * dt.bytes);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(total - preamble, 8);
  buf.write(header, preamble, 'latin1');
  for (let i = 0; i < count; i++) {
    if (dtype === 'float32') buf.writeFloatLE(arr[i], total + 4 * i);
    else buf.writeInt32LE(arr[i], total + 4 * i);
  }
  return buf;
}

function writeNpy(file, data, shape, dtype = 'float32') {
  fs.writeFileSync(file, encodeNpy(data, shape, dtype));
}

/** Writes a tf.Tensor (float32 or int32) as .npy. */
function writeTensorNpy(file, tensor) {
  const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
  writeNpy(file, tensor.dataSync(), tensor.shape, dtype);
}

/** Reads a .npy written by this module or by numpy (v1/v2, '<f4' or '<i4', C order). */
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: fortran order not supported`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s)
      .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  let data;
  if (descr === '<f4') {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(start + 4 * i);
  } else if (descr === '<i4') {
    data = new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = buf.readInt32LE(start + 4 * i);
  } else {
    throw new Error(`${file}: unsupported dtype ${descr}`);
  }
  return {data, shape, dtype: descr === '<f4' ? 'float32' : 'int32'};
}

module.exports = {encodeNpy, writeNpy, writeTensorNpy, readNpy};
