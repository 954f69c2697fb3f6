#!/usr/bin/python3
"""Fits a target's cost terms (target.json cost_per_mac, _output, _patch, _element, _call) by the smallest
worst-case relative error over the models: how Cortex-M0+, Cortex-M3, x86-64 and x86-64-avx2 were calibrated.

  bench/cost_model.py --targets T --json rows.json     # measured counts and each kernel's units (any costs)
  for each model: scripts/profile_mcu.py --target T --inline -- MODEL > PROFILES/T.MODEL.txt
  bench/cost_fit.py rows.json T --profiles PROFILES [--percall K ...] [--write]

A linear program (scipy's HiGHS; Debian python3-scipy) minimizes the largest |estimate / measured - 1| over the
distinct rows, plus mu x their sum, plus lam x each term's relative distance from its seed: a kernel that gcc keeps
as a function is seeded with its own function's instructions per MAC or element in the profiles, one it inlines
with Cortex-M4's cost (element kernels x --efactor, float ones x --ffactor more), the output, patch and call terms
with 0. Element terms stay within 2x (profiled) or 4x (Cortex-M4's) of their seed; --maclow keeps a profiled
kernel's per-MAC cost above that fraction of its seed. --percall gives those kernels their own cost_per_call. It
prints each term with its seed and the fitted est/meas per row; --write puts the terms (3 significant digits) into
targets/T/target.json. Calls used: cortex-m3 --efactor 1 --ffactor 4 --percall conv2d_f32 fully_connected_f32
conv_s8_scalar; cortex-m0plus --efactor 1.5 --ffactor 4 --percall (those and) conv1x1_s8; x86-64 --efactor 0.5
--maclow 0.5 --percall conv2d_f32_sse41 conv_s8_sse41; x86-64-avx2 --efactor 0.5 --maclow 0.5 --percall
conv2d_f32_avx2 conv2d_f32_cm_avx2 conv3x3_f32_wino_avx2 conv3x3_f32_wino4_avx2 conv_s8_avx2 (all --lam 0.0003
--mu 0.05). Check the result with bench/cost_model.py."""
import argparse
import json
import math
import os
import re

import numpy as np
from scipy.optimize import linprog


def sig(v, n=3):
    if v == 0: return 0.0
    d = n - 1 - int(math.floor(math.log10(abs(v))))
    r = round(v, d)
    return float(int(r)) if r == int(r) and abs(r) >= 100 else r


def write(t, fit):
    p = os.path.join(ROOT, "targets", t, "target.json")
    d = json.load(open(p))
    tables = {"element": {}, "mac": {}, "output": {}, "patch": {}}
    calls = {}
    for key, v in fit.items():
        kind, k = key.split(":", 1)
        if kind == "call":
            calls[k] = sig(v)
        elif v > 1e-9:
            tables[kind][k] = sig(v)
    default = calls.pop("default")
    percall = {"default": default}
    percall.update({k: v for k, v in sorted(calls.items()) if v != default})
    for kind, name in [("element", "cost_per_element"), ("mac", "cost_per_mac"), ("output", "cost_per_output"),
                       ("patch", "cost_per_patch")]:
        if tables[kind]:
            d[name] = dict(sorted(tables[kind].items()))
        else:
            d.pop(name, None)
    d["cost_per_call"] = percall
    open(p, "w").write(json.dumps(d, indent=2) + "\n")


ap = argparse.ArgumentParser()
ap.add_argument("rows"); ap.add_argument("target")
ap.add_argument("--profiles", required=True, help="folder of TARGET.MODEL.txt (scripts/profile_mcu.py --inline)")
ap.add_argument("--write", action="store_true")
ap.add_argument("--lam", type=float, default=0.01)
ap.add_argument("--mu", type=float, default=0.05)
ap.add_argument("--maclow", type=float, default=0.0)
ap.add_argument("--efactor", type=float, default=1.0, help="scale of cortex-m4 element costs as priors")
ap.add_argument("--ffactor", type=float, default=1.0, help="extra scale for *_f32 element priors")
ap.add_argument("--percall", nargs="*", default=[])
ap.add_argument("--terms", nargs="*", default=[], help="K=mac,output,patch (default mac,output,patch for convs)")
ap.add_argument("--fix", nargs="*", default=[])
ap.add_argument("--call", type=float, default=None, help="fix default call cost")
a = ap.parse_args()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SH = os.path.join(ROOT, "..", "shared", "models")
m4 = json.load(open(os.path.join(ROOT, "targets", "cortex-m4", "target.json")))
rows = [r for r in json.load(open(a.rows))["rows"] if r["target"] == a.target and r.get("measured")]
seen, uniq = set(), []
for r in rows:
    key = (r["measured"], r["calls"])
    if key not in seen:
        seen.add(key); uniq.append(r)
rows = uniq
# priors from profiles
num, den = {}, {}
for r in rows:
    m = r["model"]
    nsets = len([d for d in os.listdir(os.path.join(SH, m)) if d.startswith("test_data_set_")])
    per = {}
    for line in open(os.path.join(a.profiles, f"{a.target}.{m}.txt")):
        p = line.split()
        if len(p) >= 3 and re.match(r"^[\d,]+$", p[1]):
            name = re.sub(r"^emlc_", "", p[0].split(".")[0])
            per[name] = per.get(name, 0) + int(p[1].replace(",", "")) / nsets
    own = {k: per.get(k, 0) for k in r["units"]}
    pool = sum(per.values()) - sum(own.values())
    pool = max(0.0, pool - (sum(per.values()) - r["measured"]))  # start-up/printing out
    macown = {k: v for k, v in own.items() if r["units"][k]["kind"] == "mac" and v > 0}
    tot = sum(macown.values())
    for k, u in r["units"].items():
        if own[k] <= 0: continue
        share = 0
        num[k] = num.get(k, 0) + own[k] + share
        den[k] = den.get(k, 0) + u["units"]
prior_unit = {k: num[k] / den[k] for k in num}
kern = {}
for r in rows:
    for k, u in r["units"].items():
        kern[k] = u["kind"]
terms = {t.split("=")[0]: t.split("=")[1].split(",") for t in a.terms}
cols = []
for k, kind in sorted(kern.items()):
    if kind == "element":
        cols.append(("element", k)); continue
    ts = terms.get(k)
    if ts is None:
        conv = any(r["units"].get(k, {}).get("patches", 0) for r in rows)
        ts = ["mac", "output", "patch"] if conv else ["mac", "output"]
    for t in ts: cols.append((t, k))
    if k in a.percall: cols.append(("call", k))
cols.append(("call", "default"))
def prior(kind, k):
    if kind in ("mac", "element"):
        if k in prior_unit: return prior_unit[k], False
        v = m4.get("cost_per_" + kind, {}).get(k)
        if v is None: v = 20.0 if kind == "element" else 5.0
        if kind == "element":
            v *= a.efactor * (a.ffactor if "f32" in k else 1)
        return v, True
    return 0.0, True
def val(r, kind, k):
    if kind == "call":
        if k == "default":
            return r["calls"] - sum(r["units"].get(p, {}).get("calls", 0) for p in a.percall)
        return r["units"].get(k, {}).get("calls", 0)
    u = r["units"].get(k)
    if not u: return 0
    return {"mac": u["units"], "element": u["units"], "output": u["outputs"], "patch": u["patches"]}[kind]
A = np.array([[val(r, kind, k) / r["measured"] for kind, k in cols] for r in rows], float)
n, m = A.shape
P = np.array([prior(kind, k)[0] for kind, k in cols])
S = np.array([max(P[j], {"mac": 0.5, "element": 5, "output": 10, "patch": 10, "call": 100}[cols[j][0]]) for j in range(m)])
fixed = {c.split("=")[0]: float(c.split("=")[1]) for c in a.fix}
nv = m + 1 + m + n  # c, t, u, e
c_obj = np.concatenate([np.zeros(m), [1.0], a.lam * np.ones(m), a.mu * np.ones(n)])
Aub, bub = [], []
def row(cpart=None, t=0.0, upart=None, epart=None):
    v = np.zeros(nv)
    if cpart is not None: v[:m] = cpart
    v[m] = t
    if upart is not None: v[m + 1:2 * m + 1] = upart
    if epart is not None: v[2 * m + 1:] = epart
    return v
for i in range(n):
    ei = np.eye(n)[i]
    Aub.append(row(A[i], epart=-ei)); bub.append(1)
    Aub.append(row(-A[i], epart=-ei)); bub.append(-1)
    Aub.append(row(t=-1, epart=ei)); bub.append(0)
for j in range(m):
    e = np.zeros(m); e[j] = 1 / S[j]
    Aub.append(row(e, upart=-np.eye(m)[j])); bub.append(P[j] / S[j])
    Aub.append(row(-e, upart=-np.eye(m)[j])); bub.append(-P[j] / S[j])
bounds = [(0, None)] * nv
for j, (kind, k) in enumerate(cols):
    if P[j] > 0 and kind == "mac" and not prior(kind, k)[1]:
        bounds[j] = (P[j] * a.maclow, None)
    if P[j] > 0 and kind == "element":
        f = 2.0 if not prior(kind, k)[1] else 4.0
        bounds[j] = (P[j] / f, P[j] * f)
    if f"{kind}:{k}" in fixed: bounds[j] = (fixed[f"{kind}:{k}"],) * 2
    if kind == "call" and k == "default" and a.call is not None: bounds[j] = (a.call, a.call)
res = linprog(c_obj, A_ub=np.array(Aub), b_ub=np.array(bub), bounds=bounds, method="highs")
c = res.x[:m]
print(f"{a.target}: {n} distinct rows, max rel err {res.x[m]:.3f}")
for j, (kind, k) in enumerate(cols):
    used = sum(1 for r in rows if val(r, kind, k))
    print(f"  {kind:8s} {k:36s} prior {P[j]:9.3f}{'*' if prior(kind,k)[1] else ' '} fit {c[j]:10.3f}  ({used} rows)")
for r, e in zip(rows, A @ c):
    print(f"    {r['model']:48s} {e:.3f}")
fit = {f"{kind}:{k}": float(c[j]) for j, (kind, k) in enumerate(cols)}
if a.write:
    write(a.target, fit)
