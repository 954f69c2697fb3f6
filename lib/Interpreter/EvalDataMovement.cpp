//===- EvalDataMovement.cpp - the interpreter's layout and type ops -------===//
//
// Transpose, reshape, concat, slice, constant pad, casts between float types
// and the quantization casts. Quantized values pass through unchanged: these
// ops keep their input's grid.
//
//===----------------------------------------------------------------------===//

#include "Eval.h"
#include "dialects/NN/NNDialect.h"
#include "mlir/Dialect/Quant/QuantOps.h"
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

Tensor constantPad(nn::PadOp p, const Tensor &x) {
  Shape ys = shapeOf(p.getOutput()), xst = stridesOf(x.shape), yst = stridesOf(ys);
  Tensor y = zeros(ys);
  std::fill(y.data.begin(), y.data.end(), p.getValue().convertToFloat());
  for (int64_t i = 0; i < x.size(); ++i) {
    int64_t rem = i, dst = 0;
    for (size_t d = 0; d < ys.size(); ++d) {
      dst += (rem / xst[d] + p.getPads()[d]) * yst[d];
      rem %= xst[d];
    }
    y.data[dst] = x.data[i];
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
        if (p.getMode() != "constant") {
          why = "pad mode '" + p.getMode().str() + "'";
          return Eval::unsupported;
        }
        return one(constantPad(p, get(p.getInput())));
      })
      .Case([&](nn::CastOp c) {
        if (!llvm::isa<FloatType>(elemOf(c.getInput())) || !llvm::isa<FloatType>(elemOf(r0))) {
          why = "cast to or from an integer type";
          return Eval::unsupported;
        }
        return one(get(c.getInput()));
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
