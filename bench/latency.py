#!/usr/bin/python3
"""Host latency benchmark (not a test): for each float and int8 model in ../shared/models,
the median time per inference of emlc's emitted C (gcc -O2 and the target's
flags; --target x86-64 by default, x86-64-avx2 for the blocked float kernels,
after warm-up), also for the float models quantized by emlc (--quantize=int8,
calibrated on their own input plus perturbed copies; the digits CNNs on their
calibration set), and, when onnxruntime-node is installed in bench/
(`npm install onnxruntime-node --onnxruntime-node-install=skip`), ONNX
Runtime's single-thread median on the same input, with the ratio. The two
are measured alternately (--rounds, each the median of --repeat runs after
warm-up) and each reports the median of its rounds.

usage: bench/latency.py [build/bin/emlc] [--target T] [--repeat N] [--rounds R] [--models A,B] [--json FILE]"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import target_desc  # noqa: E402
from emlc_testlib import build, compile_model, dataset, input_names, perturbed_calibration, run, shape_args  # noqa: E402

MODELS = ["mlperftiny-ic-resnet8-fp32", "mlperftiny-kws-dscnn-fp32-int8weights",
          "mlperftiny-vww-mobilenetv1-0.25-fp32", "mlperftiny-ad-fc-autoencoder-fp32", "mnist-8",
          "digits-cnn-fp32-op13", "digits-cnn-fp32-bn-op13", "onnx2c-atmega-mnist-14x14", "tflm-hello-world-sine",
          "mlperftiny-ic-resnet8-int8-qdq", "mlperftiny-kws-dscnn-int8-qdq", "mlperftiny-vww-mobilenetv1-0.25-int8-qdq",
          "mlperftiny-ad-fc-autoencoder-int8-qdq", "mlperftiny-sww-dscnn-int8-qdq", "mlperftiny-ic-resnet8-int8-qop",
          "mlperftiny-kws-dscnn-int8-qop", "mlperftiny-vww-mobilenetv1-0.25-int8-qop",
          "mlperftiny-ad-fc-autoencoder-int8-qop", "digits-cnn-int8-qdq-torch"]
# Float models also measured after emlc's own post-training quantization.
PTQ = ["mlperftiny-ic-resnet8-fp32", "mlperftiny-kws-dscnn-fp32-int8weights", "mlperftiny-vww-mobilenetv1-0.25-fp32",
       "mlperftiny-ad-fc-autoencoder-fp32", "digits-cnn-fp32-op13"]


def ort_latency(model, names, inputs, work, repeat):
    if not os.path.isdir(os.path.join(HERE, "node_modules", "onnxruntime-node")):
        return None
    specs = []
    for k, (n, a) in enumerate(zip(names, inputs)):
        p = os.path.join(work, f"ort_in{k}.bin")
        a.tofile(p)
        specs.append(f"{n}={p}:{a.dtype.name}:{'x'.join(str(d) for d in a.shape)}")
    r = subprocess.run(["node", os.path.join(HERE, "ort_latency.js"), model, str(repeat), *specs],
                       capture_output=True, text=True, cwd=HERE, timeout=600)
    for line in r.stdout.splitlines():
        if line.startswith("median_us"):
            return float(line.split()[1])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3, help="emlc and ORT measured alternately this many times")
    ap.add_argument("--target", default="x86-64")
    ap.add_argument("--json")
    ap.add_argument("--models", help="comma-separated subset of the models (default: all)")
    args = ap.parse_args()
    shared = os.path.join(ROOT, "..", "shared", "models")
    # The target's own flags (-mavx2 -mfma for x86-64-avx2), at -O2.
    target_flags = target_desc.cflags_without_opt(target_desc.load(args.target))
    rows = []
    print(f"{'model':<56} {'emlc C (us)':>12} {'ORT 1-thread (us)':>18} {'emlc/ORT':>9}")
    digits_calib = os.path.join(ROOT, "..", "shared", "data", "digits", "calib_x.npy")
    for m, quantize in [(m, False) for m in MODELS] + [(m, True) for m in PTQ]:
        d = os.path.join(shared, m)
        if not os.path.isdir(d) or (args.models and m not in args.models.split(",")):
            continue
        model = os.path.join(d, "model.onnx")
        names = input_names(model)
        ins, want = dataset(os.path.join(d, "test_data_set_0"))
        label = m + (" (emlc int8 PTQ)" if quantize else "")
        with tempfile.TemporaryDirectory() as w:
            extra = shape_args(names, ins)
            if quantize:
                if m.startswith("digits"):  # its data set holds single samples: batch 1
                    ins = [ins[0][:1]]
                    want = [want[0][:1]]
                    extra = shape_args(names, ins) + ["--calibration", digits_calib]
                else:
                    perturbed_calibration(ins[0], os.path.join(w, "calib.npy"))
                    extra += ["--calibration", os.path.join(w, "calib.npy")]
                extra.append("--quantize=int8")
            try:
                compile_model(args.emlc, model, w, target=args.target, extra=extra)
            except Exception as e:  # not supported yet: say so, keep going
                print(f"{label:<56} not compiled: {str(e)[:60]}")
                continue
            exe = build(w, opt="-O2", extra_flags=target_flags)
            # Alternate the two, `rounds` times, and keep each one's median over the rounds:
            # this machine's speed drifts, and interleaving exposes both to the same drift.
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(run(exe, ins, want, w, repeat=args.repeat)[1])
                ort = ort_latency(model, names, ins, w, args.repeat)
                if ort:
                    theirs.append(ort)
            us = statistics.median(ours)
            ort = statistics.median(theirs) if theirs else None
        ratio = f"{us / ort:.2f}" if ort else "-"
        print(f"{label:<56} {us:>12.1f} {ort if ort else '-':>18} {ratio:>9}")
        rows.append({"model": m, "variant": "emlc int8 PTQ" if quantize else "as exported", "emlc_us": us,
                     "ort_us": ort})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "host-latency", "target": args.target, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
