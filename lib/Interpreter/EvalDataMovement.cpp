//===- EvalDataMovement.cpp - the interpreter's layout and type ops -------===//
//
// Transpose, reshape, concat, slice, pad (constant, reflect, edge), gather,
// cast, resize (the taps of nn::resizeAxisTaps, as the C kernel gets them)
// and the quantization casts. Quantized values pass through unchanged: these
// ops keep their input's grid.
//
//===----------------------------------------------------------------------===//

#include "Eval.h"
#include "dialects/NN/NNDialect.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include <algorithm>
#include <cmath>

using namespace mlir;

namespace emlc::interp {
namespace {

Tensor transpose(ArrayRef<int64_t> perm, const Tensor &x, const Shape &ys) {
  Tensor y = zeros(ys);
  Shape xst = stridesOf(x.shape), yst = stridesOf(ys);
  for (int64_t i = 0; i < y.size(); ++i) {
    int64_t rem = i, src = 0;
    for (size_t d = 0; d < ys.size(); ++d) {
      src += (rem / yst[d]) * xst[perm[d]];
      rem %= yst[d];
    }
    y.data[i] = x.data[src];
  }
  return y;
}

Tensor concat(nn::ConcatOp c, Operands get) {
  Shape ys = shapeOf(c.getOutput());
  int64_t axis = c.getAxis(), inner = 1, outer = 1;
  for (size_t d = axis + 1; d < ys.size(); ++d)
    inner *= ys[d];
  for (int64_t d = 0; d < axis; ++d)
    outer *= ys[d];
  Tensor y = zeros(ys);
  int64_t at = 0;
  for (Value v : c.getInputs()) {
    const Tensor &x = get(v);
    int64_t block = x.shape[axis] * inner;
    for (int64_t o = 0; o < outer; ++o)
      std::copy_n(x.data.begin() + o * block, block, y.data.begin() + o * ys[axis] * inner + at);
    at += block;
  }
  return y;
}

Tensor slice(nn::SliceOp s, const Tensor &x) {
  Shape ys = shapeOf(s.getOutput()), xst = stridesOf(x.shape), yst = stridesOf(ys);
  Tensor y = zeros(ys);
  for (int64_t i = 0; i < y.size(); ++i) {
    int64_t rem = i, src = 0;
    for (size_t d = 0; d < ys.size(); ++d) {
      src += (s.getStarts()[d] + (rem / yst[d]) * s.getSteps()[d]) * xst[d];
      rem %= yst[d];
    }
    y.data[i] = x.data[src];
  }
  return y;
}

/// The pad kernel's index rule per axis: outside the input, constant mode
/// writes the value, edge repeats the border, reflect mirrors without
/// repeating it (periodically, for pads wider than the input).
Tensor pad(nn::PadOp p, const Tensor &x) {
  Shape ys = shapeOf(p.getOutput()), yst = stridesOf(ys), xst = stridesOf(x.shape);
  StringRef mode = p.getMode();
  auto pads = p.getPads();
  double value = p.getValue().convertToDouble();
  if (auto g = gridOf(elemOf(p.getInput()))) // the value is in storage units
    value = (value - g->zeroPoint(0)) * g->scale(0);
  else
    value = convertTo(value, elemOf(p.getInput()));
  Tensor y = zeros(ys);
  for (int64_t k = 0; k < y.size(); ++k) {
    int64_t rem = k, off = 0;
    bool inside = true;
    for (size_t d = 0; d < ys.size(); ++d) {
      int64_t s = rem / yst[d] - pads[d], n = x.shape[d];
      rem %= yst[d];
      if (s < 0 || s >= n) {
        if (mode == "constant") {
          inside = false;
        } else if (mode == "edge") {
          s = s < 0 ? 0 : n - 1;
        } else { // reflect
          int64_t period = n > 1 ? 2 * (n - 1) : 1;
          s %= period;
          if (s < 0)
            s += period;
          if (s >= n)
            s = period - s;
        }
      }
      off += s * xst[d];
    }
    y.data[k] = inside ? x.data[off] : (float)value;
  }
  return y;
}

/// y[o][j][i] = x[o][idx[j]][i]; negative indices count from the end, and an
/// index outside the axis reads row 0 (the kernel's defined fallback).
Tensor gather(nn::GatherOp g, const Tensor &x, const Tensor &idx) {
  int64_t axis = g.getAxis(), n = x.shape[axis], inner = 1;
  for (size_t d = axis + 1; d < x.shape.size(); ++d)
    inner *= x.shape[d];
  int64_t outer = n * inner != 0 ? x.size() / (n * inner) : 0, count = idx.size();
  Tensor y = zeros(shapeOf(g.getOutput()));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < count; ++j) {
      auto at = (int64_t)idx.data[j];
      if (at < 0)
        at += n;
      if (at < 0 || at >= n)
        at = 0;
      std::copy_n(x.data.begin() + (o * n + at) * inner, inner, y.data.begin() + (o * count + j) * inner);
    }
  return y;
}

/// Separable resize: per axis, the taps of each output index (source index
/// and weight); every output sums the products of its taps' weights over all
/// combinations of one tap per axis.
Tensor resize(nn::ResizeOp r, const Tensor &x) {
  Shape ys = shapeOf(r.getOutput());
  size_t rank = ys.size();
  SmallVector<int64_t> nt, at, idx;
  SmallVector<float> w;
  for (size_t d = 0; d < rank; ++d) {
    at.push_back(idx.size());
    nt.push_back(nn::resizeAxisTaps(r, x.shape[d], ys[d], r.getScales()[d], idx, w));
  }
  int64_t combos = 1;
  for (int64_t n : nt)
    combos *= n;
  Shape xst = stridesOf(x.shape), yst = stridesOf(ys);
  Tensor y = zeros(ys);
  for (int64_t k = 0; k < y.size(); ++k) {
    double acc = 0;
    for (int64_t c = 0; c < combos; ++c) {
      int64_t rem = c, off = 0;
      double wt = 1;
      for (int64_t d = (int64_t)rank - 1; d >= 0; --d) {
        int64_t t = at[d] + (k / yst[d]) % ys[d] * nt[d] + rem % nt[d];
        rem /= nt[d];
        wt *= w[t];
        off += idx[t] * xst[d];
      }
      acc += wt * x.data[off];
    }
    y.data[k] = (float)acc;
  }
  return y;
}

/// Integers <-> the real values they stand for.
Tensor storageCast(quant::StorageCastOp s, Tensor y) {
  if (auto g = gridOf(elemOf(s.getResult()))) {
    for (int64_t i = 0; i < y.size(); ++i) {
      int64_t c = channelOf(y.shape, g->axis, i);
      y.data[i] = (float)((y.data[i] - g->zeroPoint(c)) * g->scale(c));
    }
  } else if (auto g = gridOf(elemOf(s.getArg()))) {
    for (int64_t i = 0; i < y.size(); ++i) {
      int64_t c = channelOf(y.shape, g->axis, i);
      y.data[i] = (float)(std::round(y.data[i] / g->scale(c)) + g->zeroPoint(c));
    }
  }
  return y;
}

} // namespace

Eval evalDataMovement(Operation *op, Operands get, std::vector<Tensor> &ys, std::string &why) {
  Value r0 = op->getNumResults() ? op->getResult(0) : Value();
  auto one = [&](Tensor y) {
    ys.push_back(std::move(y));
    return Eval::done;
  };
  return llvm::TypeSwitch<Operation *, Eval>(op)
      .Case([&](nn::TransposeOp t) { return one(transpose(t.getPerm(), get(t.getInput()), shapeOf(r0))); })
      .Case([&](nn::ReshapeOp r) {
        Tensor y = get(r.getInput());
        y.shape = shapeOf(r0);
        return one(std::move(y));
      })
      .Case([&](nn::ConcatOp c) {
        Tensor y = concat(c, get);
        finish(y, r0);
        return one(std::move(y));
      })
      .Case([&](nn::SliceOp s) { return one(slice(s, get(s.getInput()))); })
      .Case([&](nn::PadOp p) {
        if (p.getMode() != "constant" && p.getMode() != "reflect" && p.getMode() != "edge") {
          why = "pad mode '" + p.getMode().str() + "'";
          return Eval::unsupported;
        }
        return one(pad(p, get(p.getInput())));
      })
      .Case([&](nn::GatherOp g) { return one(gather(g, get(g.getInput()), get(g.getIndices()))); })
      .Case([&](nn::CastOp c) {
        Tensor y = get(c.getInput());
        Type to = elemOf(r0);
        for (float &v : y.data)
          v = (float)convertTo(v, to);
        return one(std::move(y));
      })
      .Case([&](nn::ResizeOp r) {
        StringRef mode = r.getMode();
        if (mode != "nearest" && mode != "linear" && mode != "cubic") {
          why = "resize mode '" + mode.str() + "'";
          return Eval::unsupported;
        }
        Tensor y = resize(r, get(r.getInput()));
        finish(y, r0);
        return one(std::move(y));
      })
      .Case([&](quant::QuantizeCastOp q) {
        Tensor y = get(q.getArg());
        finish(y, r0);
        return one(std::move(y));
      })
      .Case([&](quant::DequantizeCastOp d) { return one(get(d.getArg())); })
      .Case([&](quant::StorageCastOp s) { return one(storageCast(s, get(s.getArg()))); })
      .Default([](Operation *) { return Eval::notMine; });
}

} // namespace emlc::interp
