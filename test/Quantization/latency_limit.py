"""--precision=auto --latency-limit (issue 15): the search spends instructions as it spends bytes.

Independent of the cost model's figures (which change as kernels improve): the uniform precisions' estimates
give the fastest and slowest a plan can be; a limit between the unlimited plan's time and the fastest must be
met by the returned module (its report's estimate), with the weights still within their budget; a limit no
plan reaches is refused with what to change; a limit above the unlimited plan changes nothing.

usage: latency_limit.py EMLC MODEL CALIBRATION DEVICE WEIGHTS_LIMIT OUTDIR"""
import json
import subprocess
import sys

emlc, model, calib, device, weights, out = sys.argv[1:7]


def compile_(tag, *extra):
    report = f"{out}/{tag}.json"
    cmd = [emlc, "compile", model, "--shape", "x=1x1x8x8", "--calibration", calib, "--device", device,
           "-o", f"{out}/{tag}", "--report", report, *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr
    r = json.load(open(report))
    plan = [(l["node"], l.get("weight_precision")) for l in r["layers"] if l.get("weight_precision")]
    return (r["totals"]["latency_ms_estimate"], r["totals"]["weight_bytes"], plan), p.stderr


auto, err = compile_("auto", "--precision", "auto", "--weights-limit", weights)
assert auto, err
fastest = min(compile_(p, "--precision", p)[0][0] for p in ("int8", "int4", "int2"))
print(f"auto {auto[0]:.4f} ms, fastest uniform {fastest:.4f} ms")

same, err = compile_("loose", "--precision", "auto", "--weights-limit", weights, "--latency-limit", str(auto[0] * 2))
assert same and same[2] == auto[2], (same, auto, err)
print("a loose limit keeps the plan")

if fastest < auto[0] * 0.95:
    limit = (fastest + auto[0]) / 2
    tight, err = compile_("tight", "--precision", "auto", "--weights-limit", weights, "--latency-limit", f"{limit:.5f}")
    assert tight, err
    assert tight[0] <= limit and tight[1] <= int(weights) and tight[2] != auto[2], (tight, limit)
    print(f"a limit of {limit:.4f} ms: {tight[0]:.4f} ms, {tight[1]} bytes of weights, plan {tight[2]}")
else:
    print(f"no uniform precision is faster than auto's plan on {device}: the tight case is not exercised")

wide, err = compile_("wide", "--precision", "auto", "--weights-limit", weights, "--ram-limit", "100000",
                     "--latency-limit", str(auto[0] * 2))
assert wide and wide[0] <= auto[0] * 2 and "pricing w8a16 layers" in err, (wide, err)
print("with --ram-limit the int16 activations are priced too, and the plan stays within the limit")

none, err = compile_("none", "--precision", "auto", "--weights-limit", weights, "--latency-limit", "0.00001")
assert none is None and "raise" in err and "--latency-limit" in err, err
print("an unreachable limit is refused:", err.strip().splitlines()[-1])
