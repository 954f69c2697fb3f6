// ONNX Runtime (onnxruntime-node, CPU, one thread) latency of one model on
// raw input files: node ort_latency.js MODEL REPEAT name=file:dtype:dims ...
// Prints "median_us X". Used by latency.py; not a test.
const ort = require('onnxruntime-node');
const fs = require('fs');

async function main() {
  const [model, repeat, ...specs] = process.argv.slice(2);
  const feeds = {};
  for (const s of specs) {
    const [name, rest] = [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)];
    const [file, dtype, dims] = rest.split(':');
    const buf = fs.readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const arr = dtype === 'float32' ? new Float32Array(ab) : dtype === 'int8' ? new Int8Array(ab) : new Float32Array(ab);
    feeds[name] = new ort.Tensor(dtype, arr, dims.split('x').map(Number));
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all'});
  for (let i = 0; i < 20; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < Number(repeat); ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(`median_us ${times[Math.floor(times.length / 2)].toFixed(3)}`);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
