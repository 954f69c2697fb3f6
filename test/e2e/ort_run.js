// Runs one ONNX model in ONNX Runtime (onnxruntime-node, CPU) for
// check_onnx_export.py: node ort_run.js MODEL OUTDIR name=file:dtype:dims ...
// Inputs are raw little-endian files; each output K is written to OUTDIR/K.bin
// (raw) and described on stdout as one JSON line {name, type, dims, file}.
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

const arrays = {float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array, int8: Int8Array,
                uint8: Uint8Array, bool: Uint8Array};

async function main() {
  const [model, outDir, ...specs] = process.argv.slice(2);
  const feeds = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    const [file, dtype, dims] = s.slice(eq + 1).split(':');
    const buf = fs.readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    feeds[s.slice(0, eq)] = new ort.Tensor(dtype, new arrays[dtype](ab), dims === '' ? [] : dims.split('x').map(Number));
  }
  const session = await ort.InferenceSession.create(model, {intraOpNumThreads: 1, interOpNumThreads: 1});
  const results = await session.run(feeds);
  session.outputNames.forEach((name, k) => {
    const t = results[name];
    const file = path.join(outDir, `${k}.bin`);
    fs.writeFileSync(file, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    console.log(JSON.stringify({name, type: t.type, dims: t.dims, file}));
  });
}
main().catch((e) => { console.error(e.message); process.exit(1); });
