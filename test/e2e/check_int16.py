#!/usr/bin/python3
"""End-to-end check of int16 activations (TFLite's 16x8 mode) in a mixed
int8/int16 graph. An nn-level module (int8 in; int8 and int16 out) with an
int8 -> int16 requantization, 16x8 convolutions (dense with ReLU, depthwise
strided, dilated), max and average pooling, reshapes, 16x8 fully connected
layers (one over 640 inputs: two of the DSP kernels' 508-tap chunks), int16
Adds, an int16 -> int8 requantization and an int8 fully connected layer is
compiled with emlc-opt --emlc-nn-to-kernel-pipeline and emlc-translate
--emit-c for each target, built with the target's toolchain and run under its
QEMU machine (a host target natively; without the toolchain, with the host's
gcc, the Arm DSP kernels through their plain-C stand-ins) on 200 random
inputs. Its outputs must equal, bit for bit, a numpy implementation of
TFLite's integer kernels written here from TFLite's reference code:
QuantizeMultiplier of the float32 scales widened to double,
MultiplyByQuantizedMultiplier on int64 accumulators (16x8 conv and fully
connected) and on int32 with gemmlowp's double rounding (Requantize, Add with
left shift 15, int8 fully connected). The layers' output scales come from a
calibration batch (max |real value|), as PTQ would choose them. The emitted C
must contain no float arithmetic (the model is integer from input to output).

usage: check_int16.py BUILD_BIN_DIR [TARGET[:size] ...]
(default: generic cortex-m4 cortex-m4:size rv32imac; ':size' compiles with optimize=size)"""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

BIN = sys.argv[1]
TARGETS = sys.argv[2:] or ["generic", "cortex-m4", "cortex-m4:size", "rv32imac"]
rng = np.random.default_rng(1616)
I32 = 2**31


def f32(s):
    return float(np.float32(s))


# --- TFLite's integer arithmetic -------------------------------------------------------------------

def quantize_multiplier(m):
    """QuantizeMultiplier (quantization_util.cc): q * 2^shift, q in [2^30, 2^31)."""
    if m == 0:
        return 0, 0
    q, e = math.frexp(m)
    qf = math.floor(q * 2**31 + 0.5)  # std::round of a positive value
    if qf == 2**31:
        qf //= 2
        e += 1
    if e < -31:
        return 0, 0
    return qf, e


def wrap32(v):
    return ((v + I32) % (2 * I32)) - I32


def mbqm64(acc, mult, shift):
    """MultiplyByQuantizedMultiplier(int64_t x, ...), common.cc; acc: int64 array, per-channel mult/shift."""
    red = np.where(mult < 0x7FFF0000, (mult + (1 << 15)) >> 16, 0x7FFF).astype(np.int64)
    total = (15 - shift).astype(np.int64)
    r = (acc * red + (np.int64(1) << (total - 1))) >> total
    return wrap32(r)


def mbqm32(x, mult, shift):
    """MultiplyByQuantizedMultiplier(int32_t x, ...) with gemmlowp's double rounding (TFLite's default)."""
    x = np.asarray(x, dtype=np.int64)
    left, right = max(shift, 0), max(-shift, 0)
    x = wrap32(x * (1 << left))
    ab = x * np.int64(mult)
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    s = ab + nudge
    high = np.where(s >= 0, s // I32, -((-s) // I32))  # truncating division
    high = np.where((x == -I32) & (mult == -I32), I32 - 1, high)
    mask = (1 << right) - 1
    rem, thr = high & mask, (mask >> 1) + (high < 0)
    return (high >> right) + (rem > thr)


def requant_tables(s_in, s_w, s_out):
    """PopulateConvolutionQuantizationParams: per channel, float32 scales widened to double."""
    qs = [quantize_multiplier(f32(s_in) * f32(sw) / f32(s_out)) for sw in s_w]
    return np.array([q for q, _ in qs], dtype=np.int64), np.array([e for _, e in qs], dtype=np.int64)


def conv_acc(x, w, bias, stride, pad, dil, groups):
    """int64 sums of a grouped NCHW convolution with zero padding (zero point 0)."""
    S, C, H, W = x.shape
    M, Cg, KH, KW = w.shape
    OH = (H + 2 * pad - dil * (KH - 1) - 1) // stride + 1
    OW = (W + 2 * pad - dil * (KW - 1) - 1) // stride + 1
    xp = np.zeros((S, C, H + 2 * pad, W + 2 * pad), dtype=np.int64)
    xp[:, :, pad:pad + H, pad:pad + W] = x
    acc = np.zeros((S, M, OH, OW), dtype=np.int64)
    mg = M // groups
    for g in range(groups):
        xs = xp[:, g * Cg:(g + 1) * Cg]
        wg = w[g * mg:(g + 1) * mg].astype(np.int64)
        for ky in range(KH):
            for kx in range(KW):
                patch = xs[:, :, ky * dil:ky * dil + stride * (OH - 1) + 1:stride,
                           kx * dil:kx * dil + stride * (OW - 1) + 1:stride]
                acc[:, g * mg:(g + 1) * mg] += np.einsum("schw,mc->smhw", patch, wg[:, :, ky, kx])
    return acc + bias[None, :, None, None]


# --- The model ------------------------------------------------------------------------------------

class Model:
    """Builds the graph twice over: numpy arrays (the reference) and the nn-level MLIR text."""

    def __init__(self, calibrating, scales):
        self.lines, self.consts, self.n = [], [], 0
        self.calibrating, self.scales = calibrating, scales

    def name(self):
        self.n += 1
        return f"%v{self.n}"

    def out_scale(self, key, real_max, bits):
        if self.calibrating:
            self.scales[key] = f32(max(real_max, 1e-6) / (32767 if bits == 16 else 127) * 1.05)
        return self.scales[key]

    def const(self, arr, elem):
        v = self.name()
        body = str(arr.tolist()).replace(" ", "")
        shape = "x".join(map(str, arr.shape))
        self.consts.append(f"  {v} = arith.constant dense<{body}> : tensor<{shape}x{elem}>")
        return v

    def weights(self, w, scales):
        v = self.const(w, "i8")
        shape = "x".join(map(str, w.shape))
        qt = "!quant.uniform<i8:f32:0, {" + ",".join(repr(s) for s in scales) + "}>"
        q = self.name()
        self.consts.append(f'  {q} = "quant.scast"({v}) : (tensor<{shape}xi8>) -> tensor<{shape}x{qt}>')
        return q, f"tensor<{shape}x{qt}>"


def qtype(bits, scale, zp=0):
    return f"!quant.uniform<i{bits}:f32, {scale!r}" + (f":{zp}>" if zp else ">")


def ttype(shape, elem):
    return "tensor<" + "x".join(map(str, shape)) + "x" + elem + ">"


class T:
    """A tensor of the graph: its SSA name, integer values (batch first), shape (batch 1), bits, scale, zp."""

    def __init__(self, v, vals, bits, scale, zp=0):
        self.v, self.vals, self.bits, self.scale, self.zp = v, vals, bits, scale, zp

    @property
    def type(self):
        return ttype((1,) + self.vals.shape[1:], qtype(self.bits, self.scale, self.zp))


def requantize(m, key, t, bits, scale=None, zp=0):
    real_max = np.abs(t.vals.astype(np.float64) - t.zp).max() * t.scale
    scale = scale or m.out_scale(key, real_max, bits)
    mult, shift = quantize_multiplier(f32(t.scale) / f32(scale))
    lo, hi = (-32768, 32767) if bits == 16 else (-128, 127)
    vals = np.clip(mbqm32(t.vals.astype(np.int64) - t.zp, mult, shift) + zp, lo, hi)
    out = T(m.name(), vals, bits, scale, zp)
    m.lines.append(f'  {out.v} = "quant.qcast"({t.v}) : ({t.type}) -> {out.type}')
    return out


def conv16(m, key, t, M, K, stride=1, pad=0, dil=1, groups=1, relu=False):
    C = t.vals.shape[1]
    w = rng.integers(-127, 128, size=(M, C // groups, K, K), dtype=np.int64)
    s_w = [f32(rng.uniform(0.004, 0.02)) for _ in range(M)]
    bias = rng.integers(-2**18, 2**18, size=M, dtype=np.int64)
    acc = conv_acc(t.vals, w, bias, stride, pad, dil, groups)
    real_max = max(np.abs(acc[:, c]).max() * t.scale * s_w[c] for c in range(M))
    s_out = m.out_scale(key, real_max, 16)
    mult, shift = requant_tables(t.scale, s_w, s_out)
    lo = 0 if relu else -32768
    vals = np.clip(mbqm64(acc, mult[None, :, None, None], shift[None, :, None, None]), lo, 32767)
    wq, wt = m.weights(w, s_w)
    b = m.const(bias, "i64")
    out = T(m.name(), vals, 16, s_out)
    attrs = (f"dilations = array<i64: {dil}, {dil}>, groups = {groups} : i64, pads = array<i64: {pad}, {pad}, {pad}, "
             f"{pad}>, strides = array<i64: {stride}, {stride}>" + (", act_min = 0.0 : f32" if relu else ""))
    m.lines.append(f"  {out.v} = nn.conv2d {t.v}, {wq}, {b} {{{attrs}}} : ({t.type}, {wt}, tensor<{M}xi64>) -> "
                   f"{out.type}")
    return out


def fc(m, key, t, N, bits):
    K = t.vals.shape[1]
    w = rng.integers(-127, 128, size=(N, K), dtype=np.int64)
    s_w = [f32(rng.uniform(0.004, 0.02))] * N
    if bits == 16:
        bias = rng.integers(-2**20, 2**20, size=N, dtype=np.int64)
        acc = t.vals.astype(np.int64) @ w.T + bias
    else:  # int8: int32 accumulator with the input offset (TFLite's FullyConnected)
        bias = rng.integers(-2**12, 2**12, size=N, dtype=np.int64)
        acc = (t.vals.astype(np.int64) - t.zp) @ w.T + bias
    real_max = np.abs(acc).max() * t.scale * s_w[0]
    s_out = m.out_scale(key, real_max, bits)
    mult, shift = requant_tables(t.scale, s_w, s_out)
    if bits == 16:
        vals = np.clip(mbqm64(acc, mult[None, :], shift[None, :]), -32768, 32767)
        out = T(m.name(), vals, 16, s_out)
        bt = f"tensor<{N}xi64>"
        b = m.const(bias, "i64")
    else:
        zp = -2
        vals = np.stack([mbqm32(acc[:, n], int(mult[n]), int(shift[n])) for n in range(N)], axis=1)
        vals = np.clip(vals + zp, -128, 127)
        out = T(m.name(), vals, 8, s_out, zp)
        bt = f"tensor<{N}xi32>"
        b = m.const(bias, "i32")
    wq, wt = m.weights(w, s_w)
    m.lines.append(f"  {out.v} = nn.fully_connected {t.v}, {wq}, {b} : ({t.type}, {wt}, {bt}) -> {out.type}")
    return out


def add16(m, key, a, b):
    """add.cc / AddElementwise for int16 with general scales: left shift 15."""
    twice = 2 * max(f32(a.scale), f32(b.scale))
    real_max = np.abs(a.vals * a.scale + b.vals * b.scale).max()
    s_out = m.out_scale(key, real_max, 16)
    m1, e1 = quantize_multiplier(f32(a.scale) / twice)
    m2, e2 = quantize_multiplier(f32(b.scale) / twice)
    mo, eo = quantize_multiplier(twice / ((1 << 15) * f32(s_out)))
    s = mbqm32(a.vals.astype(np.int64) * (1 << 15), m1, e1) + mbqm32(b.vals.astype(np.int64) * (1 << 15), m2, e2)
    vals = np.clip(mbqm32(s, mo, eo), -32768, 32767)
    out = T(m.name(), vals, 16, s_out)
    m.lines.append(f"  {out.v} = nn.binary add {a.v}, {b.v} : ({a.type}, {b.type}) -> {out.type}")
    return out


def pool(m, t, kind, k, stride):
    S, C, H, W = t.vals.shape
    OH, OW = (H - k) // stride + 1, (W - k) // stride + 1
    win = np.stack([t.vals[:, :, i:i + stride * (OH - 1) + 1:stride, j:j + stride * (OW - 1) + 1:stride]
                    for i in range(k) for j in range(k)]).astype(np.int64)
    if kind == "max":
        vals = win.max(axis=0)
    else:  # rounded half away from zero, as TFLite's integer AveragePool
        s, n = win.sum(axis=0), k * k
        vals = np.where(s > 0, (s + n // 2) // n, -((-s + n // 2) // n))
    out = T(m.name(), vals, t.bits, t.scale, t.zp)
    m.lines.append(f"  {out.v} = nn.pool2d {kind} {t.v} {{count_include_pad = false, dilations = array<i64: 1, 1>, "
                   f"kernel = array<i64: {k}, {k}>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: {stride}, "
                   f"{stride}>}} : ({t.type}) -> {out.type}")
    return out


def reshape(m, t):
    out = T(m.name(), t.vals.reshape(t.vals.shape[0], -1), t.bits, t.scale, t.zp)
    m.lines.append(f"  {out.v} = nn.reshape {t.v} : ({t.type}) -> {out.type}")
    return out


def build(x8, calibrating, scales):
    """The graph on int8 inputs x8 [S, 3, 8, 8]; returns (mlir text, [int8 output, int16 output])."""
    global rng
    rng = np.random.default_rng(1616)  # the same weights on every build
    m = Model(calibrating, scales)
    x = T("%xq", x8, 8, f32(0.02), -3)
    a = requantize(m, "r1", x, 16)                                  # int8 -> int16
    c1 = conv16(m, "c1", a, 10, 3, pad=1, relu=True)                # 3x3, ReLU
    c2 = conv16(m, "c2", c1, 10, 3, stride=2, pad=1, groups=10)     # depthwise, strided
    c3 = conv16(m, "c3", c1, 5, 3, pad=2, dil=2)                    # dilated
    p1 = reshape(m, pool(m, c3, "max", 2, 2))
    p2 = reshape(m, pool(m, c2, "avg", 2, 1))
    f0 = fc(m, "f0", reshape(m, c1), 12, 16)                        # K = 640: two 508-tap chunks
    f1, f2 = fc(m, "f1", p1, 12, 16), fc(m, "f2", p2, 12, 16)
    s = add16(m, "a2", add16(m, "a1", f1, f2), f0)
    r = requantize(m, "r2", s, 8, scale=f32(0.05), zp=4)           # int16 -> int8
    y = fc(m, "f3", r, 7, 8)
    xt = ttype((1, 3, 8, 8), "i8")
    text = [f"func.func @main(%x: {xt}) -> ({ttype((1, 7), 'i8')}, {ttype((1, 12), 'i16')}) {{",
            f'  %xq = "quant.scast"(%x) : ({xt}) -> {x.type}', *m.consts, *m.lines,
            f'  %o0 = "quant.scast"({y.v}) : ({y.type}) -> {ttype((1, 7), "i8")}',
            f'  %o1 = "quant.scast"({s.v}) : ({s.type}) -> {ttype((1, 12), "i16")}',
            f"  return %o0, %o1 : {ttype((1, 7), 'i8')}, {ttype((1, 12), 'i16')}", "}"]
    return "\n".join(text) + "\n", [y.vals.astype(np.int8), s.vals.astype(np.int16)]


def harness(x8):
    """A test program with the inputs embedded: runs the model on each, prints the outputs as integers."""
    data = ",".join(str(v) for v in x8.astype(np.int8).ravel())
    return f"""#include <stdio.h>
#include <stdint.h>
#include "model.h"
static const int8_t xs[{x8.size}] = {{{data}}};
int main(void) {{
  static int8_t y0[7];
  static int16_t y1[12];
  int i, j;
  for (i = 0; i < {len(x8)}; ++i) {{
    const void *in[1];
    void *out[2];
    in[0] = xs + i * 192, out[0] = y0, out[1] = y1;
    if (model_run(in, out) != 0) return 1;
    for (j = 0; j < 7; ++j) printf("%d ", y0[j]);
    for (j = 0; j < 12; ++j) printf("%d ", y1[j]);
    printf("\\n");
  }}
  printf("done\\n");
  return 0;
}}
"""


def build_and_run(target, w):
    """Builds main.c + the model with the target's toolchain and runs it (under its QEMU machine); on a
    machine without them, with the host's gcc (the Arm DSP kernels through their plain-C stand-ins)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
    import target_desc
    t = target_desc.load(target)
    tc, emu = t["toolchain"], t.get("emulator")
    native = all(shutil.which(x) for x in [tc["cc"]] + ([emu["binary"]] if emu else [])) and not \
        target_desc.host_lacks(t)
    cc, cflags, ldflags, how = (tc["cc"], tc["cflags"], tc["ldflags"], "QEMU" if emu else "host") if native else \
        ("gcc", ["-O2", "-Wno-unused-function"], [], "host gcc, plain-C stand-ins")
    exe = os.path.join(w, "run")
    srcs = [os.path.join(w, f) for f in ("main.c", "model.c", "model_weights.c")]
    subprocess.run([cc, *cflags, "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", w, *srcs, "-o", exe, *ldflags,
                    "-lm"], check=True)
    cmd = [emu["binary"], *emu["args"], exe] if native and emu else [exe]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    out = (r.stdout + r.stderr).splitlines()  # QEMU's semihosting console is stderr
    rows = [list(map(int, l.split())) for l in out if re.fullmatch(r"(-?\d+ ){19}", l)]
    return np.array(rows, dtype=np.int64).reshape(-1, 19), how


def no_float(files):
    """The check_no_float.py rule: no float or double type or literal outside comments, #includes and the
    header's scale constants (for the caller)."""
    bad = []
    for name, text in files.items():
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith(("#include", "//"))
                         and not re.match(r"#define \w+_(INPUT|OUTPUT)_\d+_SCALE ", l))
        bad += [f"{name}: {m.group(0)!r}" for m in
                re.finditer(r"\b(float|double)\b|\b\d+\.\d*(?:[eE][-+]?\d+)?f?\b|\bINFINITY\b|\bNAN\b", text)]
    return bad


def main():
    scales = {}
    calib = rng.integers(-128, 128, size=(64, 3, 8, 8), dtype=np.int64)
    build(calib, True, scales)
    x8 = np.random.default_rng(7).integers(-128, 128, size=(200, 3, 8, 8), dtype=np.int64)
    x8[0] = -128  # the extremes
    x8[1] = 127
    mlir, ref = build(x8, False, scales)
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "m.mlir"), "w").write(mlir)
        for target in TARGETS:
            tname, _, optimize = target.partition(":")
            kernel = subprocess.run([os.path.join(BIN, "emlc-opt"), os.path.join(d, "m.mlir"),
                                     f"--emlc-nn-to-kernel-pipeline=target={tname} optimize={optimize or 'speed'}"],
                                    capture_output=True, text=True)
            if kernel.returncode:
                print(f"{target}: emlc-opt failed:\n" + "\n".join(kernel.stderr.splitlines()[:3]))
                return 1
            c = subprocess.run([os.path.join(BIN, "emlc-translate"), "--emit-c"], input=kernel.stdout,
                               capture_output=True, text=True, check=True).stdout
            files = dict(re.findall(r"^//--- (\S+)\n(.*?)(?=^//--- |\Z)", c, flags=re.S | re.M))
            w = os.path.join(d, target.replace(":", "-"))
            os.makedirs(w)
            for name, text in files.items():
                open(os.path.join(w, name), "w").write(text)
            open(os.path.join(w, "main.c"), "w").write(harness(x8))
            rows, how = build_and_run(tname, w)
            if rows.shape[0] != len(x8):
                print(f"{target}: the program printed {rows.shape[0]} of {len(x8)} results")
                failed += 1
                continue
            y0, y1 = rows[:, :7], rows[:, 7:]
            run_body = files["model.c"].split("int model_run(")[1].split("\n}\n")[0]
            kernels = sorted(set(re.findall(r"\bemlc_(\w+)\(", run_body)))
            floats = no_float(files)
            bad0, bad1 = int((y0 != ref[0]).sum()), int((y1 != ref[1]).sum())
            ok = not bad0 and not bad1 and not floats
            failed += not ok
            print(f"{target} ({how}): {len(x8)} inputs, int8 output {bad0} and int16 output {bad1} values differ "
                  f"from the numpy TFLite 16x8 reference; float in the C: {floats[:3] or 'none'}; "
                  f"kernels: {' '.join(kernels)}")
            if not ok:
                for i in np.argwhere((y0 != ref[0]).any(axis=1) | (y1 != ref[1]).any(axis=1))[:3, 0]:
                    print(f"  input {i}: int8 {y0[i].tolist()} vs {ref[0][i].tolist()}; "
                          f"int16 {y1[i].tolist()} vs {ref[1][i].tolist()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
