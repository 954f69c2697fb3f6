//===- ONNXToNN.cpp - onnx dialect -> nn dialect ---------------------------===//
//
// One lowering function per ONNX op, found by op name in a table. Lowerings
// read constant operands (axes, pads, weights) directly and fold weight
// preprocessing (transposes, BatchNorm scale/shift) into new constants, so the
// walk is a simple program-order rewrite; afterwards no onnx op may remain.
// Each bail-out emits an error on the op with the reason, which the driver
// reports with the node name.
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "QDQ.h"
#include "emlc/Conversion/Passes.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringMap.h"
#include <cmath>
#include <functional>
#include <numeric>

namespace emlc {
#define GEN_PASS_DEF_CONVERTONNXTONN
#include "emlc/Conversion/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;
using onnx::getConstant;
using onnx::getConstInts;
using onnx::getFloatAttr;
using onnx::getIntAttr;
using onnx::getIntsAttr;
using onnx::getStrAttr;
using onnx::isNone;

namespace {

using Shape = SmallVector<int64_t>;

/// Builder helpers shared by all lowerings of one op.
struct Lowerer {
  Operation *op;
  IRRewriter &rw;
  DictionaryAttr attrs;
  Location loc;

  Lowerer(Operation *op, IRRewriter &rw)
      : op(op), rw(rw), attrs(op->getAttrDictionary()), loc(op->getLoc()) {}

  /// Reports why the op cannot be lowered, as "(OpType, opset N): why"; the
  /// driver prefixes the node name from the location.
  LogicalResult fail(const Twine &why) {
    int64_t opset = 0;
    if (auto m = op->getParentOfType<ModuleOp>())
      if (auto a = m->getAttrOfType<IntegerAttr>("emlc.opset"))
        opset = a.getInt();
    std::string hint;
    if (why.str().find("constant") != std::string::npos)
      hint = " (a graph input can be fixed at compile time with --input-value NAME=FILE.pb)";
    return op->emitError() << "(" << onnx::onnxOpTypeFor(op->getName().stripDialect()) << ", opset " << opset
                           << "): " << why << hint;
  }
  Value in(unsigned i) const { return i < op->getNumOperands() ? op->getOperand(i) : Value(); }
  bool has(unsigned i) const { return !isNone(in(i)); }
  RankedTensorType type(Value v) const { return llvm::cast<RankedTensorType>(v.getType()); }
  RankedTensorType outType(unsigned i = 0) const { return type(op->getResult(i)); }
  Shape shape(Value v) const { return Shape(type(v).getShape()); }

  Value constant(DenseElementsAttr a) { return rw.create<arith::ConstantOp>(loc, a); }
  Value f32(ArrayRef<int64_t> shape, ArrayRef<float> v) {
    return constant(f32Constant(rw.getContext(), shape, v));
  }

  Value reshape(Value v, ArrayRef<int64_t> shape) {
    auto t = RankedTensorType::get(shape, type(v).getElementType());
    if (t == v.getType())
      return v;
    if (auto c = getConstant(v))
      return constant(c.reshape(t));
    return rw.create<nn::ReshapeOp>(loc, t, v);
  }
  Value transpose(Value v, ArrayRef<int64_t> perm) {
    if (auto c = getConstant(v))
      return constant(transposeConstant(c, perm));
    Shape s;
    for (int64_t p : perm)
      s.push_back(shape(v)[p]);
    return rw.create<nn::TransposeOp>(loc, RankedTensorType::get(s, type(v).getElementType()), v,
                                      rw.getDenseI64ArrayAttr(perm));
  }
  Value binary(nn::BinaryKind k, Value a, Value b) {
    Shape s;
    onnx::broadcastShapes(shape(a), shape(b), s);
    return rw.create<nn::BinaryOp>(loc, RankedTensorType::get(s, type(a).getElementType()),
                                   nn::BinaryKindAttr::get(rw.getContext(), k), a, b,
                                   nullptr, nullptr);
  }
  Value cast(Value v, Type elem) {
    if (type(v).getElementType() == elem)
      return v;
    auto t = RankedTensorType::get(type(v).getShape(), elem);
    if (auto c = getConstant(v); c && llvm::isa<FloatType>(elem) && llvm::isa<IntegerType>(c.getElementType())) {
      SmallVector<APFloat> vals;
      bool isUnsigned = c.getElementType().isUnsignedInteger();
      for (const APInt &x : c.getValues<APInt>())
        vals.push_back(APFloat((float)(isUnsigned ? (int64_t)x.getZExtValue() : x.getSExtValue())));
      return constant(DenseElementsAttr::get(t, vals));
    }
    return rw.create<nn::CastOp>(loc, t, v);
  }
  /// nn.normalize over the axes from `axis`, with its mean/inv-std results.
  nn::NormalizeOp normalize(Value x, int64_t axis, float eps) {
    Shape stat = shape(x);
    for (size_t i = axis; i < stat.size(); ++i)
      stat[i] = 1;
    auto st = RankedTensorType::get(stat, type(x).getElementType());
    return rw.create<nn::NormalizeOp>(loc, x.getType(), st, st, x, rw.getI64IntegerAttr(axis), rw.getF32FloatAttr(eps));
  }
  Value unary(nn::UnaryKind k, Value x, float alpha = 0, float beta = 0) {
    return rw.create<nn::UnaryOp>(loc, x.getType(), nn::UnaryKindAttr::get(rw.getContext(), k), x,
                                  rw.getF32FloatAttr(alpha), rw.getF32FloatAttr(beta));
  }
  void replace(ArrayRef<Value> vals) {
    for (auto [r, v] : llvm::zip(op->getResults(), vals))
      r.replaceAllUsesWith(v);
  }
};

using LowerFn = std::function<LogicalResult(Lowerer &)>;

nn::UnaryKind unaryKindFor(StringRef name) {
  return *nn::symbolizeUnaryKind(name);
}

LogicalResult lowerConv3D(Lowerer &L);

/// Per-axis attributes of a 1-D window lifted to 2-D (H = 1 in front).
std::vector<int64_t> liftTo2D(std::vector<int64_t> v, int64_t fill, size_t spatialRank) {
  if (spatialRank == 1)
    v.insert(v.begin(), fill);
  return v;
}

/// Conv and ConvTranspose, 1-D lifted to 2-D with H = 1.
/// Conv/ConvTranspose of `x` and `w` (the op's operands, or their int32 forms
/// for ConvInteger) with the op's attributes.
LogicalResult lowerConv(Lowerer &L, bool transpose, Value x, Value w, Value b) {
  Shape xs = L.shape(x), ws = L.shape(w);
  size_t n = xs.size() - 2;
  bool int32 = L.type(x).getElementType().isInteger(32);
  if (n == 3 && !transpose && !int32)
    return lowerConv3D(L);
  if (n > 2)
    return L.fail("only 1-D and 2-D " + Twine(transpose ? "transposed " : "") +
                  "convolutions are supported here (this one has " + Twine(n) + " spatial dims)");
  if (!llvm::isa<FloatType>(L.type(x).getElementType()) && !int32)
    return L.fail("integer convolution needs quantization parameters (use QLinearConv or QDQ)");
  int64_t group = getIntAttr(L.attrs, "group", 1);
  auto lift = [&](std::vector<int64_t> v, int64_t fill) { return liftTo2D(std::move(v), fill, n); };
  Shape ks(ws.begin() + 2, ws.end());
  Shape outShape(L.shape(L.op->getResult(0)));
  std::vector<int64_t> strides, dil, padsB, padsE;
  if (!transpose) {
    onnx::WindowGeometry g;
    std::string err = onnx::resolveWindow(L.attrs, ArrayRef<int64_t>(xs).drop_front(2), ks, g, false);
    if (!err.empty())
      return L.fail(err);
    strides = g.strides, dil = g.dilations, padsB = g.padsBegin, padsE = g.padsEnd;
  } else {
    strides = getIntsAttr(L.attrs, "strides").value_or(std::vector<int64_t>(n, 1));
    dil = getIntsAttr(L.attrs, "dilations").value_or(std::vector<int64_t>(n, 1));
    auto pads = getIntsAttr(L.attrs, "pads").value_or(std::vector<int64_t>(2 * n, 0));
    auto outPad = getIntsAttr(L.attrs, "output_padding").value_or(std::vector<int64_t>(n, 0));
    std::string autoPad = getStrAttr(L.attrs, "auto_pad", "NOTSET");
    bool explicitOut = getIntsAttr(L.attrs, "output_shape").has_value();
    for (size_t i = 0; i < n; ++i) {
      int64_t full = strides[i] * (xs[i + 2] - 1) + outPad[i] + (ks[i] - 1) * dil[i] + 1;
      int64_t total = full - outShape[i + 2];
      if (explicitOut || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        // ONNX reference: SAME_LOWER puts the odd padding at the start, otherwise
        // at the end; a negative total (output_shape beyond the full output)
        // extends the end.
        int64_t half = total / 2;
        bool lower = autoPad == "SAME_LOWER";
        padsB.push_back(total < 0 ? 0 : lower ? total - half : half);
        padsE.push_back(total - padsB.back());
      } else if (autoPad == "VALID") {
        padsB.push_back(0);
        padsE.push_back(total);
      } else {
        padsB.push_back(pads[i]);
        padsE.push_back(total - pads[i]);
      }
    }
  }
  strides = lift(strides, 1), dil = lift(dil, 1), padsB = lift(padsB, 0), padsE = lift(padsE, 0);
  SmallVector<int64_t> pads{padsB[0], padsB[1], padsE[0], padsE[1]};
  if (n == 1) {
    x = L.reshape(x, {xs[0], xs[1], 1, xs[2]});
    w = L.reshape(w, {ws[0], ws[1], 1, ws[2]});
    outShape.insert(outShape.begin() + 2, 1);
  }
  auto ot = RankedTensorType::get(outShape, L.type(x).getElementType());
  Value y;
  if (!transpose)
    y = L.rw.create<nn::Conv2DOp>(L.loc, ot, x, w, b, L.rw.getDenseI64ArrayAttr(strides),
                                  L.rw.getDenseI64ArrayAttr(dil), L.rw.getDenseI64ArrayAttr(pads),
                                  L.rw.getI64IntegerAttr(group), nullptr, nullptr);
  else
    y = L.rw.create<nn::ConvTranspose2DOp>(L.loc, ot, x, w, b, L.rw.getDenseI64ArrayAttr(strides),
                                           L.rw.getDenseI64ArrayAttr(dil), L.rw.getDenseI64ArrayAttr(pads),
                                           L.rw.getI64IntegerAttr(group));
  if (n == 1)
    y = L.reshape(y, L.shape(L.op->getResult(0)));
  L.replace({y});
  return success();
}

LogicalResult lowerPool3D(Lowerer &L, nn::PoolKind kind);

LogicalResult lowerPool(Lowerer &L, nn::PoolKind kind) {
  Value x = L.in(0);
  Shape xs = L.shape(x);
  size_t n = xs.size() - 2;
  if (n == 3 && (L.op->getNumResults() == 1 || L.op->getResult(1).use_empty()))
    return lowerPool3D(L, kind);
  if (n > 2)
    return L.fail("only 1-D, 2-D and 3-D pooling is supported");
  if (L.op->getNumResults() > 1 && !L.op->getResult(1).use_empty())
    return L.fail("the Indices output of MaxPool is not supported");
  if (getIntAttr(L.attrs, "storage_order", 0) != 0)
    return L.fail("storage_order=1 is not supported");
  auto ks = *getIntsAttr(L.attrs, "kernel_shape");
  onnx::WindowGeometry g;
  std::string err = onnx::resolveWindow(L.attrs, ArrayRef<int64_t>(xs).drop_front(2), ks, g, true);
  if (!err.empty())
    return L.fail(err);
  auto lift = [&](std::vector<int64_t> v, int64_t fill) { return liftTo2D(std::move(v), fill, n); };
  auto k = lift(g.kernel, 1), s = lift(g.strides, 1), d = lift(g.dilations, 1);
  auto pb = lift(g.padsBegin, 0), pe = lift(g.padsEnd, 0);
  Shape outShape = L.shape(L.op->getResult(0));
  if (n == 1) {
    x = L.reshape(x, {xs[0], xs[1], 1, xs[2]});
    outShape.insert(outShape.begin() + 2, 1);
  }
  Value y = L.rw.create<nn::Pool2DOp>(
      L.loc, RankedTensorType::get(outShape, L.type(x).getElementType()), nn::PoolKindAttr::get(L.rw.getContext(), kind), x,
      L.rw.getDenseI64ArrayAttr(k), L.rw.getDenseI64ArrayAttr(s), L.rw.getDenseI64ArrayAttr(d),
      L.rw.getDenseI64ArrayAttr({pb[0], pb[1], pe[0], pe[1]}),
      L.rw.getBoolAttr(getIntAttr(L.attrs, "count_include_pad", 0) != 0));
  if (n == 1)
    y = L.reshape(y, L.shape(L.op->getResult(0)));
  L.replace({y});
  return success();
}

LogicalResult lowerReduce(Lowerer &L, nn::ReduceKind kind, Value x, std::vector<int64_t> axes, bool keep) {
  Shape xs = L.shape(x);
  if (axes.empty()) {
    axes.resize(xs.size());
    std::iota(axes.begin(), axes.end(), 0);
  }
  Shape kept = xs;
  SmallVector<int64_t> norm;
  for (int64_t a : axes) {
    a = onnx::normalizeAxis(a, xs.size());
    norm.push_back(a);
    kept[a] = 1;
  }
  llvm::sort(norm);
  Value y = L.rw.create<nn::ReduceOp>(L.loc, RankedTensorType::get(kept, L.type(x).getElementType()),
                                      nn::ReduceKindAttr::get(L.rw.getContext(), kind), x,
                                      L.rw.getDenseI64ArrayAttr(norm));
  if (!keep)
    y = L.reshape(y, L.shape(L.op->getResult(0)));
  L.replace({y});
  return success();
}

/// MatMul of `a` and `b` (the op's operands, or their int32 forms for
/// MatMulInteger): a fully connected layer when b is a constant matrix.
LogicalResult lowerMatMul(Lowerer &L, Value a, Value b) {
  Shape as = L.shape(a), bs = L.shape(b);
  Shape out = L.shape(L.op->getResult(0));
  // x[..., K] * W[K, N] with constant W: a fully connected layer.
  if (bs.size() == 2 && as.size() >= 2 && getConstant(b)) {
    int64_t m = 1;
    for (size_t i = 0; i + 1 < as.size(); ++i)
      m *= as[i];
    Value x = L.reshape(a, {m, as.back()});
    Value w = L.transpose(b, {1, 0});
    Value y = L.rw.create<nn::FullyConnectedOp>(
        L.loc, RankedTensorType::get({m, bs[1]}, L.outType().getElementType()), x, w, Value(), nullptr, nullptr);
    L.replace({L.reshape(y, out)});
    return success();
  }
  if (as.size() == 1)
    a = L.reshape(a, {1, as[0]});
  if (bs.size() == 1)
    b = L.reshape(b, {bs[0], 1});
  Shape full;
  Shape batch;
  onnx::broadcastShapes(ArrayRef<int64_t>(L.shape(a)).drop_back(2), ArrayRef<int64_t>(L.shape(b)).drop_back(2), batch);
  full = batch;
  full.push_back(L.shape(a)[L.shape(a).size() - 2]);
  full.push_back(L.shape(b).back());
  Value y = L.rw.create<nn::MatMulOp>(L.loc, RankedTensorType::get(full, L.outType().getElementType()), a, b);
  L.replace({L.reshape(y, out)});
  return success();
}

/// A quantization parameter (scalar, or one value per channel of `axis`)
/// shaped to broadcast against a rank-`rank` tensor.
static Value quantParam(Lowerer &L, Value p, int64_t axis, int64_t rank) {
  Shape s = L.shape(p);
  if (s.size() != 1 || s[0] == 1)
    return p;
  Shape b(rank, 1);
  b[onnx::normalizeAxis(axis, rank)] = s[0];
  return L.reshape(p, b);
}
/// saturate(round_half_even(x / scale) + zp) in float nn ops, then cast to
/// `elem`: QuantizeLinear whose scale or zero point is computed at run time.
static Value quantizeInFloat(Lowerer &L, Value x, Value scale, Value zp, Type elem, int64_t axis) {
  int64_t rank = L.shape(x).size();
  Type f32 = L.rw.getF32Type();
  Value r = L.unary(nn::UnaryKind::round, L.binary(nn::BinaryKind::div, x, quantParam(L, scale, axis, rank)));
  if (zp)
    r = L.binary(nn::BinaryKind::add, r, L.cast(quantParam(L, zp, axis, rank), f32));
  auto it = llvm::cast<IntegerType>(elem);
  double lo = it.isUnsigned() ? 0 : -std::ldexp(1.0, it.getWidth() - 1);
  double hi = it.isUnsigned() ? std::ldexp(1.0, it.getWidth()) - 1 : std::ldexp(1.0, it.getWidth() - 1) - 1;
  return L.cast(L.unary(nn::UnaryKind::clip, r, (float)lo, (float)hi), elem);
}

/// Operand `i` of ConvInteger/MatMulInteger as int32 minus its zero point
/// (operand `zpIndex`: a scalar, or one per channel of `axis`).
static Value integerOperand(Lowerer &L, unsigned i, unsigned zpIndex, int64_t axis, int64_t rank) {
  Type i32 = L.rw.getI32Type();
  Value v = L.cast(L.in(i), i32);
  if (L.has(zpIndex))
    v = L.binary(nn::BinaryKind::sub, v, L.cast(quantParam(L, L.in(zpIndex), axis, rank), i32));
  return v;
}

/// A depth plane [N, C, H, W] of an NCDHW tensor.
static Value depthPlane(Lowerer &L, Value x, int64_t d) {
  Shape s = L.shape(x);
  SmallVector<int64_t> begin{0, 0, d, 0, 0}, step(5, 1);
  Value sl = x;
  if (s[2] != 1) {
    Shape ss = s;
    ss[2] = 1;
    if (auto c = getConstant(x); !c)
      sl = L.rw.create<nn::SliceOp>(L.loc, RankedTensorType::get(ss, L.type(x).getElementType()), x,
                                    L.rw.getDenseI64ArrayAttr(begin), L.rw.getDenseI64ArrayAttr(step));
    else { // constant weights: slice at compile time
      auto vals = floatValues(c);
      int64_t inner = s[3] * s[4], outer = s[0] * s[1];
      std::vector<float> out;
      for (int64_t o = 0; o < outer; ++o)
        out.insert(out.end(), vals.begin() + (o * s[2] + d) * inner, vals.begin() + (o * s[2] + d + 1) * inner);
      sl = L.f32(ss, out);
    }
  }
  return L.reshape(sl, {s[0], s[1], s[3], s[4]});
}

/// Stacks [N, M, OH, OW] planes along a new depth axis 2.
static Value stackDepth(Lowerer &L, ArrayRef<Value> planes) {
  SmallVector<Value> ps;
  for (Value p : planes) {
    Shape s = L.shape(p);
    ps.push_back(L.reshape(p, {s[0], s[1], 1, s[2], s[3]}));
  }
  if (ps.size() == 1)
    return ps[0];
  Shape s = L.shape(ps[0]);
  s[2] = ps.size();
  return L.rw.create<nn::ConcatOp>(L.loc, RankedTensorType::get(s, L.type(ps[0]).getElementType()), ps,
                                   L.rw.getI64IntegerAttr(2));
}

/// 3-D convolution as a sum over kernel depth of 2-D convolutions of input
/// depth planes, per output depth. Exact; meant for the small 3-D layers that
/// reach microcontrollers.
LogicalResult lowerConv3D(Lowerer &L) {
  Value x = L.in(0), w = L.in(1), b = L.has(2) ? L.in(2) : Value();
  Shape xs = L.shape(x), ws = L.shape(w), ys = L.shape(L.op->getResult(0));
  onnx::WindowGeometry g;
  std::string err = onnx::resolveWindow(L.attrs, ArrayRef<int64_t>(xs).drop_front(2), ArrayRef<int64_t>(ws).drop_front(2),
                                        g, false);
  if (!err.empty())
    return L.fail(err);
  int64_t group = getIntAttr(L.attrs, "group", 1);
  Type e = L.type(x).getElementType();
  auto planeType = RankedTensorType::get({ys[0], ys[1], ys[3], ys[4]}, e);
  SmallVector<Value> planes;
  for (int64_t od = 0; od < ys[2]; ++od) {
    Value acc;
    for (int64_t kd = 0; kd < ws[2]; ++kd) {
      int64_t id = od * g.strides[0] - g.padsBegin[0] + kd * g.dilations[0];
      if (id < 0 || id >= xs[2])
        continue;
      Value c = L.rw.create<nn::Conv2DOp>(
          L.loc, planeType, depthPlane(L, x, id), depthPlane(L, w, kd), acc ? Value() : b,
          L.rw.getDenseI64ArrayAttr({g.strides[1], g.strides[2]}),
          L.rw.getDenseI64ArrayAttr({g.dilations[1], g.dilations[2]}),
          L.rw.getDenseI64ArrayAttr({g.padsBegin[1], g.padsBegin[2], g.padsEnd[1], g.padsEnd[2]}),
          L.rw.getI64IntegerAttr(group), nullptr, nullptr);
      acc = acc ? L.binary(nn::BinaryKind::add, acc, c) : c;
    }
    if (!acc) { // the window lies entirely in the depth padding: bias only
      Value zeros = L.f32({ys[0], ys[1], ys[3], ys[4]}, std::vector<float>(ys[0] * ys[1] * ys[3] * ys[4], 0.0f));
      acc = b ? L.binary(nn::BinaryKind::add, zeros, L.reshape(b, {ys[1], 1, 1})) : zeros;
    }
    planes.push_back(acc);
  }
  L.replace({stackDepth(L, planes)});
  return success();
}

/// 3-D pooling from 2-D pooling of depth planes: max of the planes' maxima;
/// for averages, the in-range planes' 2-D averages (equal counts per plane)
/// averaged over the depth positions the divisor counts.
LogicalResult lowerPool3D(Lowerer &L, nn::PoolKind kind) {
  Value x = L.in(0);
  Shape xs = L.shape(x), ys = L.shape(L.op->getResult(0));
  auto ks = *getIntsAttr(L.attrs, "kernel_shape");
  onnx::WindowGeometry g;
  std::string err = onnx::resolveWindow(L.attrs, ArrayRef<int64_t>(xs).drop_front(2), ks, g, true);
  if (!err.empty())
    return L.fail(err);
  if (getIntAttr(L.attrs, "ceil_mode", 0))
    return L.fail("ceil_mode is not supported for 3-D pooling");
  bool includePad = getIntAttr(L.attrs, "count_include_pad", 0) != 0;
  auto planeType = RankedTensorType::get({ys[0], ys[1], ys[3], ys[4]}, L.type(x).getElementType());
  auto pads = onnx::getIntsAttr(L.attrs, "pads").value_or(std::vector<int64_t>(6, 0));
  SmallVector<Value> planes;
  for (int64_t od = 0; od < ys[2]; ++od) {
    Value acc;
    int64_t valid = 0, counted = 0;
    for (int64_t kd = 0; kd < ks[0]; ++kd) {
      int64_t id = od * g.strides[0] - g.padsBegin[0] + kd * g.dilations[0];
      if (id >= -pads[0] && id < xs[2] + pads[3])
        ++counted;
      if (id < 0 || id >= xs[2])
        continue;
      ++valid;
      Value p = L.rw.create<nn::Pool2DOp>(
          L.loc, planeType, nn::PoolKindAttr::get(L.rw.getContext(), kind), depthPlane(L, x, id),
          L.rw.getDenseI64ArrayAttr({ks[1], ks[2]}), L.rw.getDenseI64ArrayAttr({g.strides[1], g.strides[2]}),
          L.rw.getDenseI64ArrayAttr({g.dilations[1], g.dilations[2]}),
          L.rw.getDenseI64ArrayAttr({g.padsBegin[1], g.padsBegin[2], g.padsEnd[1], g.padsEnd[2]}),
          L.rw.getBoolAttr(includePad));
      acc = !acc ? p : L.binary(kind == nn::PoolKind::max ? nn::BinaryKind::max : nn::BinaryKind::add, acc, p);
    }
    if (!acc)
      return L.fail("a 3-D pooling window lies entirely in the padding");
    if (kind == nn::PoolKind::avg) {
      int64_t div = includePad ? counted : valid;
      if (div != 1)
        acc = L.binary(nn::BinaryKind::mul, acc, L.f32({}, {1.0f / div}));
    }
    planes.push_back(acc);
  }
  L.replace({stackDepth(L, planes)});
  return success();
}

/// Shape [C] parameters broadcast over axis 1 of a rank-r tensor: [C, 1, ...].
Shape channelShape(int64_t c, int64_t rank) {
  Shape s(rank - 1, 1);
  s[0] = c;
  return s;
}

/// Recurrent ops (LSTM, GRU, RNN) unrolled over the sequence into nn ops.
LogicalResult lowerRecurrent(Lowerer &L, StringRef kind);

const llvm::StringMap<LowerFn> &loweringTable() {
  static const llvm::StringMap<LowerFn> table = [] {
    llvm::StringMap<LowerFn> t;
    using K = nn::UnaryKind;
    t["conv"] = [](Lowerer &L) { return lowerConv(L, false, L.in(0), L.in(1), L.has(2) ? L.in(2) : Value()); };
    t["conv_transpose"] = [](Lowerer &L) {
      return lowerConv(L, true, L.in(0), L.in(1), L.has(2) ? L.in(2) : Value());
    };
    // ConvInteger / MatMulInteger: int32 products of (x - x_zp) and (w - w_zp).
    t["conv_integer"] = [](Lowerer &L) {
      int64_t rank = L.shape(L.in(0)).size();
      return lowerConv(L, false, integerOperand(L, 0, 2, 1, rank), integerOperand(L, 1, 3, 0, rank), Value());
    };
    t["mat_mul_integer"] = [](Lowerer &L) {
      int64_t ra = L.shape(L.in(0)).size(), rb = L.shape(L.in(1)).size();
      return lowerMatMul(L, integerOperand(L, 0, 2, std::max<int64_t>(ra - 2, 0), ra),
                         integerOperand(L, 1, 3, rb - 1, rb));
    };
    t["gemm"] = [](Lowerer &L) {
      Value a = L.in(0), b = L.in(1);
      if (getIntAttr(L.attrs, "transA", 0))
        a = L.transpose(a, {1, 0});
      if (!getIntAttr(L.attrs, "transB", 0))
        b = L.transpose(b, {1, 0}); // fully_connected wants weight [N, K]
      float alpha = getFloatAttr(L.attrs, "alpha", 1.0), beta = getFloatAttr(L.attrs, "beta", 1.0);
      if (alpha != 1.0f) {
        if (auto c = getConstant(b)) {
          auto v = floatValues(c);
          for (float &x : v)
            x *= alpha;
          b = L.f32(L.shape(b), v);
        } else {
          b = L.binary(nn::BinaryKind::mul, b, L.f32({}, {alpha}));
        }
      }
      int64_t n = L.shape(b)[0];
      Value bias, late;
      if (L.has(2) && beta != 0.0f) {
        Value c = L.in(2);
        auto cc = getConstant(c);
        if (cc && beta != 1.0f) {
          auto v = floatValues(cc);
          for (float &x : v)
            x *= beta;
          c = L.f32(L.shape(c), v);
        } else if (beta != 1.0f) {
          c = L.binary(nn::BinaryKind::mul, c, L.f32({}, {beta}));
        }
        int64_t ce = L.type(c).getNumElements();
        Shape cs = L.shape(c);
        if (ce == n && (cs.empty() || cs.back() == n))
          bias = L.reshape(c, {n});
        else
          late = c; // C of shape [M, N], [M, 1] or scalar: add after the product
      }
      auto ot = L.outType();
      Value y = L.rw.create<nn::FullyConnectedOp>(L.loc, ot, a, b, bias, nullptr, nullptr);
      if (late)
        y = L.binary(nn::BinaryKind::add, y, late);
      L.replace({y});
      return success();
    };
    t["mat_mul"] = [](Lowerer &L) { return lowerMatMul(L, L.in(0), L.in(1)); };

    for (const char *name : {"relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "neg", "reciprocal",
                             "floor", "ceil", "round", "erf", "softplus", "softsign", "sin", "cos"})
      t[name] = [k = unaryKindFor(name)](Lowerer &L) {
        L.replace({L.unary(k, L.in(0))});
        return success();
      };
    t["hard_swish"] = [](Lowerer &L) {
      L.replace({L.unary(K::hard_swish, L.in(0), 1.0f / 6, 0.5f)});
      return success();
    };
    t["leaky_relu"] = [](Lowerer &L) {
      L.replace({L.unary(K::leaky_relu, L.in(0), getFloatAttr(L.attrs, "alpha", 0.01))});
      return success();
    };
    t["elu"] = [](Lowerer &L) {
      L.replace({L.unary(K::elu, L.in(0), getFloatAttr(L.attrs, "alpha", 1.0))});
      return success();
    };
    t["selu"] = [](Lowerer &L) {
      L.replace({L.unary(K::selu, L.in(0), getFloatAttr(L.attrs, "alpha", 1.67326319217681884765625),
                         getFloatAttr(L.attrs, "gamma", 1.05070102214813232421875))});
      return success();
    };
    t["hard_sigmoid"] = [](Lowerer &L) {
      L.replace({L.unary(K::hard_sigmoid, L.in(0), getFloatAttr(L.attrs, "alpha", 0.2),
                         getFloatAttr(L.attrs, "beta", 0.5))});
      return success();
    };
    t["clip"] = [](Lowerer &L) {
      float lo = -INFINITY, hi = INFINITY;
      for (int i : {1, 2}) {
        if (!L.has(i))
          continue;
        auto c = getConstant(L.in(i));
        if (!c)
          return L.fail("Clip min/max must be constants");
        float v = llvm::isa<FloatType>(c.getElementType()) ? floatValues(c)[0]
                                                           : (float)(*c.getValues<APInt>().begin()).getSExtValue();
        (i == 1 ? lo : hi) = v;
      }
      L.replace({L.unary(K::clip, L.in(0), lo, hi)});
      return success();
    };
    t["p_relu"] = [](Lowerer &L) {
      L.replace({L.binary(nn::BinaryKind::prelu, L.in(0), L.reshape(L.in(1), onnx::preluSlopeShape(
                                                                      L.shape(L.in(0)), L.shape(L.in(1)))))});
      return success();
    };
    t["pow"] = [](Lowerer &L) {
      // Mixed types: the exponent takes the base's type (ONNX's result type).
      Value e = L.cast(L.in(1), L.type(L.in(0)).getElementType());
      L.replace({L.binary(nn::BinaryKind::pow, L.in(0), e)});
      return success();
    };
    for (auto [name, kind] : {std::pair{"add", nn::BinaryKind::add}, {"sub", nn::BinaryKind::sub},
                              {"mul", nn::BinaryKind::mul}, {"div", nn::BinaryKind::div},
                              {"min", nn::BinaryKind::min},
                              {"max", nn::BinaryKind::max}, {"sum", nn::BinaryKind::add},
                              {"mean", nn::BinaryKind::add}})
      t[name] = [kind = kind, isMean = StringRef(name) == "mean"](Lowerer &L) {
        Value acc = L.in(0);
        unsigned n = L.op->getNumOperands();
        if (n == 1) {
          L.replace({acc});
          return success();
        }
        // float16 is a storage type: compute in float32.
        Type e = L.type(acc).getElementType();
        Type ce = e.isF16() ? (Type)L.rw.getF32Type() : e;
        acc = L.cast(acc, ce);
        for (unsigned i = 1; i < n; ++i)
          acc = L.binary(kind, acc, L.cast(L.in(i), ce));
        acc = L.cast(acc, e);
        if (isMean)
          acc = L.binary(nn::BinaryKind::mul, acc, L.f32({}, {1.0f / n}));
        if (L.type(acc) != L.outType())
          return L.fail("result shape differs from the inferred one");
        L.replace({acc});
        return success();
      };
    t["softmax"] = [](Lowerer &L) {
      int64_t axis = onnx::normalizeAxis(getIntAttr(L.attrs, "axis", -1), L.outType().getRank());
      L.replace({L.rw.create<nn::SoftmaxOp>(L.loc, L.outType(), L.in(0), L.rw.getI64IntegerAttr(axis),
                                            L.rw.getBoolAttr(false))});
      return success();
    };
    t["log_softmax"] = [](Lowerer &L) {
      int64_t axis = onnx::normalizeAxis(getIntAttr(L.attrs, "axis", -1), L.outType().getRank());
      L.replace({L.rw.create<nn::SoftmaxOp>(L.loc, L.outType(), L.in(0), L.rw.getI64IntegerAttr(axis),
                                            L.rw.getBoolAttr(true))});
      return success();
    };
    t["max_pool"] = [](Lowerer &L) { return lowerPool(L, nn::PoolKind::max); };
    t["average_pool"] = [](Lowerer &L) { return lowerPool(L, nn::PoolKind::avg); };
    t["global_average_pool"] = [](Lowerer &L) {
      std::vector<int64_t> axes;
      for (int64_t i = 2; i < L.outType().getRank(); ++i)
        axes.push_back(i);
      return lowerReduce(L, nn::ReduceKind::mean, L.in(0), axes, true);
    };
    t["global_max_pool"] = [](Lowerer &L) {
      std::vector<int64_t> axes;
      for (int64_t i = 2; i < L.outType().getRank(); ++i)
        axes.push_back(i);
      return lowerReduce(L, nn::ReduceKind::max, L.in(0), axes, true);
    };
    for (auto [name, kind] : {std::pair{"reduce_mean", nn::ReduceKind::mean}, {"reduce_max", nn::ReduceKind::max},
                              {"reduce_min", nn::ReduceKind::min}, {"reduce_sum", nn::ReduceKind::sum}})
      t[name] = [kind = kind](Lowerer &L) {
        std::vector<int64_t> axes;
        if (L.has(1))
          axes = *getConstInts(L.in(1));
        if (axes.empty() && getIntAttr(L.attrs, "noop_with_empty_axes", 0)) {
          L.replace({L.in(0)});
          return success();
        }
        return lowerReduce(L, kind, L.in(0), axes, getIntAttr(L.attrs, "keepdims", 1) != 0);
      };
    t["batch_normalization"] = [](Lowerer &L) {
      auto scale = getConstant(L.in(1)), bias = getConstant(L.in(2)), mean = getConstant(L.in(3)),
           var = getConstant(L.in(4));
      if (!scale || !bias || !mean || !var)
        return L.fail("BatchNormalization needs constant scale, bias, mean and variance");
      float eps = getFloatAttr(L.attrs, "epsilon", 1e-5);
      auto s = floatValues(scale), b = floatValues(bias), m = floatValues(mean), v = floatValues(var);
      std::vector<float> a(s.size()), c(s.size());
      for (size_t i = 0; i < s.size(); ++i) {
        a[i] = s[i] / std::sqrt(v[i] + eps);
        c[i] = b[i] - m[i] * a[i];
      }
      Shape cs = channelShape(s.size(), L.outType().getRank());
      Value y = L.binary(nn::BinaryKind::mul, L.in(0), L.f32(cs, a));
      y = L.binary(nn::BinaryKind::add, y, L.f32(cs, c));
      L.replace({y});
      return success();
    };
    t["instance_normalization"] = [](Lowerer &L) {
      float eps = getFloatAttr(L.attrs, "epsilon", 1e-5);
      Value y = L.normalize(L.in(0), 2, eps).getOutput();
      int64_t c = L.shape(L.in(0))[1];
      Shape cs = channelShape(c, L.outType().getRank());
      y = L.binary(nn::BinaryKind::mul, y, L.reshape(L.in(1), cs));
      y = L.binary(nn::BinaryKind::add, y, L.reshape(L.in(2), cs));
      L.replace({y});
      return success();
    };
    t["layer_normalization"] = [](Lowerer &L) {
      int64_t axis = onnx::normalizeAxis(getIntAttr(L.attrs, "axis", -1), L.outType().getRank());
      float eps = getFloatAttr(L.attrs, "epsilon", 1e-5);
      auto norm = L.normalize(L.in(0), axis, eps);
      Value y = L.binary(nn::BinaryKind::mul, norm.getOutput(), L.in(1));
      if (L.has(2))
        y = L.binary(nn::BinaryKind::add, y, L.in(2));
      SmallVector<Value> outs{y, norm.getMean(), norm.getInvStdDev()};
      outs.resize(L.op->getNumResults());
      L.replace(outs);
      return success();
    };
    for (const char *name : {"reshape", "flatten", "squeeze", "unsqueeze"})
      t[name] = [](Lowerer &L) {
        L.replace({L.reshape(L.in(0), L.outType().getShape())});
        return success();
      };
    for (const char *name : {"identity", "dropout"})
      t[name] = [](Lowerer &L) {
        L.op->getResult(0).replaceAllUsesWith(L.in(0));
        if (L.op->getNumResults() > 1) { // Dropout's mask: all true in inference
          auto mt = L.type(L.op->getResult(1));
          L.op->getResult(1).replaceAllUsesWith(
              L.constant(DenseElementsAttr::get(mt, L.rw.getIntegerAttr(mt.getElementType(), 1))));
        }
        return success();
      };
    t["transpose"] = [](Lowerer &L) {
      int64_t r = L.outType().getRank();
      std::vector<int64_t> perm(r);
      std::iota(perm.rbegin(), perm.rend(), 0);
      perm = getIntsAttr(L.attrs, "perm").value_or(perm);
      L.replace({L.transpose(L.in(0), perm)});
      return success();
    };
    t["concat"] = [](Lowerer &L) {
      int64_t axis = onnx::normalizeAxis(getIntAttr(L.attrs, "axis", 0), L.outType().getRank());
      SmallVector<Value> ins;
      for (Value v : L.op->getOperands())
        if (L.type(v).getNumElements() > 0)
          ins.push_back(v);
      L.replace({L.rw.create<nn::ConcatOp>(L.loc, L.outType(), ins, L.rw.getI64IntegerAttr(axis))});
      return success();
    };
    t["pad"] = [](Lowerer &L) {
      auto pads = getConstInts(L.in(1));
      std::string mode = getStrAttr(L.attrs, "mode", "constant");
      if (mode != "constant" && mode != "reflect" && mode != "edge")
        return L.fail("pad mode '" + mode + "' is not supported");
      float value = 0;
      if (L.has(2)) {
        auto c = getConstant(L.in(2));
        if (!c)
          return L.fail("the pad value must be a constant");
        value = llvm::isa<FloatType>(c.getElementType()) ? floatValues(c)[0]
                                                         : (float)(*c.getValues<APInt>().begin()).getSExtValue();
      }
      for (int64_t p : *pads)
        if (p < 0)
          return L.fail("negative pads (cropping) are not supported");
      L.replace({L.rw.create<nn::PadOp>(L.loc, L.outType(), L.in(0), L.rw.getStringAttr(mode),
                                        L.rw.getDenseI64ArrayAttr(*pads), L.rw.getF32FloatAttr(value))});
      return success();
    };
    t["slice"] = [](Lowerer &L) {
      Shape xs = L.shape(L.in(0));
      auto starts = *getConstInts(L.in(1));
      std::vector<int64_t> axes(starts.size()), steps(starts.size(), 1);
      std::iota(axes.begin(), axes.end(), 0);
      if (L.has(3))
        axes = *getConstInts(L.in(3));
      if (L.has(4))
        steps = *getConstInts(L.in(4));
      SmallVector<int64_t> begin(xs.size(), 0), step(xs.size(), 1);
      for (size_t i = 0; i < axes.size(); ++i) {
        int64_t a = onnx::normalizeAxis(axes[i], xs.size()), d = xs[a], b = starts[i];
        if (b < 0)
          b += d;
        b = steps[i] > 0 ? std::clamp<int64_t>(b, 0, d) : std::clamp<int64_t>(b, 0, d - 1);
        begin[a] = b;
        step[a] = steps[i];
      }
      L.replace({L.rw.create<nn::SliceOp>(L.loc, L.outType(), L.in(0), L.rw.getDenseI64ArrayAttr(begin),
                                          L.rw.getDenseI64ArrayAttr(step))});
      return success();
    };
    t["split"] = [](Lowerer &L) {
      int64_t r = L.outType().getRank();
      int64_t axis = onnx::normalizeAxis(getIntAttr(L.attrs, "axis", 0), r);
      SmallVector<Value> outs;
      int64_t off = 0;
      for (Value res : L.op->getResults()) {
        SmallVector<int64_t> begin(r, 0), step(r, 1);
        begin[axis] = off;
        off += L.type(res).getDimSize(axis);
        outs.push_back(L.rw.create<nn::SliceOp>(L.loc, res.getType(), L.in(0), L.rw.getDenseI64ArrayAttr(begin),
                                                L.rw.getDenseI64ArrayAttr(step)));
      }
      L.replace(outs);
      return success();
    };
    t["gather"] = [](Lowerer &L) {
      int64_t axis = onnx::normalizeAxis(getIntAttr(L.attrs, "axis", 0), L.shape(L.in(0)).size());
      L.replace({L.rw.create<nn::GatherOp>(L.loc, L.outType(), L.in(0), L.in(1), L.rw.getI64IntegerAttr(axis))});
      return success();
    };
    t["cast"] = [](Lowerer &L) {
      Type from = L.type(L.in(0)).getElementType(), to = L.outType().getElementType();
      Value v = L.in(0);
      if ((from.isF16() && !to.isF32()) || (to.isF16() && !from.isF32()))
        v = L.cast(v, L.rw.getF32Type()); // float16 converts through float32
      L.replace({L.cast(v, to)});
      return success();
    };
    t["expand"] = [](Lowerer &L) {
      Value zero = L.constant(DenseElementsAttr::get(
          RankedTensorType::get(L.outType().getShape(), L.outType().getElementType()),
          L.rw.getZeroAttr(L.outType().getElementType())));
      L.replace({L.binary(nn::BinaryKind::add, L.in(0), zero)});
      return success();
    };
    t["resize"] = [](Lowerer &L) {
      Shape xs = L.shape(L.in(0)), ys(L.outType().getShape());
      std::string mode = getStrAttr(L.attrs, "mode", "nearest");
      if (mode != "nearest" && mode != "linear" && mode != "cubic")
        return L.fail("resize mode '" + mode + "' is not supported (nearest, linear, cubic)");
      std::string coord = getStrAttr(L.attrs, "coordinate_transformation_mode", "half_pixel");
      if (coord == "tf_crop_and_resize")
        return L.fail("coordinate_transformation_mode tf_crop_and_resize is not supported");
      std::vector<float> scales;
      if (L.has(2) && L.type(L.in(2)).getNumElements() > 0)
        scales = floatValues(getConstant(L.in(2)));
      else
        for (size_t i = 0; i < xs.size(); ++i)
          scales.push_back((float)ys[i] / xs[i]);
      auto r = L.rw.create<nn::ResizeOp>(
          L.loc, L.outType(), L.in(0), L.rw.getStringAttr(mode), L.rw.getStringAttr(coord),
          L.rw.getStringAttr(getStrAttr(L.attrs, "nearest_mode", "round_prefer_floor")),
          L.rw.getDenseF32ArrayAttr(scales), L.rw.getF32FloatAttr(getFloatAttr(L.attrs, "cubic_coeff_a", -0.75)));
      if (getIntAttr(L.attrs, "exclude_outside", 0))
        r->setAttr("exclude_outside", L.rw.getUnitAttr());
      L.replace({r});
      return success();
    };
    t["depth_to_space"] = [](Lowerer &L) {
      Shape x = L.shape(L.in(0));
      int64_t b = getIntAttr(L.attrs, "blocksize", 1), c = x[1] / (b * b);
      bool crd = getStrAttr(L.attrs, "mode", "DCR") == "CRD";
      Value v = crd ? L.reshape(L.in(0), {x[0], c, b, b, x[2], x[3]}) : L.reshape(L.in(0), {x[0], b, b, c, x[2], x[3]});
      v = crd ? L.transpose(v, {0, 1, 4, 2, 5, 3}) : L.transpose(v, {0, 3, 4, 1, 5, 2});
      L.replace({L.reshape(v, L.outType().getShape())});
      return success();
    };
    t["space_to_depth"] = [](Lowerer &L) {
      Shape x = L.shape(L.in(0));
      int64_t b = getIntAttr(L.attrs, "blocksize", 1);
      Value v = L.reshape(L.in(0), {x[0], x[1], x[2] / b, b, x[3] / b, b});
      v = L.transpose(v, {0, 3, 5, 1, 2, 4});
      L.replace({L.reshape(v, L.outType().getShape())});
      return success();
    };
    // Quantize/DequantizeLinear that no fusion claimed: the value crosses
    // between float and integer here (a float model boundary, or an op that
    // runs in float between two integer ones), with upstream quant casts.
    t["dequantize_linear"] = [](Lowerer &L) {
      SmallVector<Attribute> operands;
      for (Value v : L.op->getOperands())
        operands.push_back(getConstant(v));
      SmallVector<OpFoldResult> folded;
      if (operands[0] && succeeded(L.op->fold(operands, folded)) && !folded.empty()) {
        // Constant integer weights of a float model: dequantize at compile time.
        L.replace({L.constant(llvm::cast<DenseElementsAttr>(llvm::cast<Attribute>(folded[0])))});
        return success();
      }
      auto p = qparams(L.op);
      if (!p) { // run-time parameters: (x - zp) * scale in float
        int64_t axis = getIntAttr(L.attrs, "axis", 1), rank = L.shape(L.in(0)).size();
        Type f32 = L.rw.getF32Type();
        Value x = L.cast(L.in(0), f32);
        if (L.has(2))
          x = L.binary(nn::BinaryKind::sub, x, L.cast(quantParam(L, L.in(2), axis, rank), f32));
        L.replace({L.binary(nn::BinaryKind::mul, x, quantParam(L, L.in(1), axis, rank))});
        return success();
      }
      auto st = L.type(L.in(0));
      Type q = quantType(st.getElementType(), *p, st.getRank());
      Value v = L.rw.create<quant::StorageCastOp>(L.loc, RankedTensorType::get(st.getShape(), q), L.in(0));
      L.replace({L.rw.create<quant::DequantizeCastOp>(L.loc, L.outType(), v)});
      return success();
    };
    t["quantize_linear"] = [](Lowerer &L) {
      auto p = qparams(L.op);
      auto ot = L.outType();
      if (!p) {
        L.replace({quantizeInFloat(L, L.in(0), L.in(1), L.has(2) ? L.in(2) : Value(), ot.getElementType(),
                                   getIntAttr(L.attrs, "axis", 1))});
        return success();
      }
      Type q = quantType(ot.getElementType(), *p, ot.getRank());
      Value v = L.rw.create<quant::QuantizeCastOp>(L.loc, RankedTensorType::get(ot.getShape(), q), L.in(0));
      L.replace({L.rw.create<quant::StorageCastOp>(L.loc, ot, v)});
      return success();
    };
    t["dynamic_quantize_linear"] = [](Lowerer &L) {
      // ONNX's definition, in float nn ops: the range [min(x, 0), max(x, 0)]
      // mapped onto uint8 [0, 255].
      Value x = L.in(0);
      Type f32 = L.rw.getF32Type(), u8 = L.outType(0).getElementType();
      auto all = [&](nn::ReduceKind k) {
        Shape ones(L.shape(x).size(), 1);
        SmallVector<int64_t> axes(ones.size());
        std::iota(axes.begin(), axes.end(), 0);
        Value r = L.rw.create<nn::ReduceOp>(L.loc, RankedTensorType::get(ones, f32),
                                            nn::ReduceKindAttr::get(L.rw.getContext(), k), x,
                                            L.rw.getDenseI64ArrayAttr(axes));
        return L.reshape(r, {});
      };
      Value zero = L.f32({}, {0.0f});
      Value lo = L.binary(nn::BinaryKind::min, all(nn::ReduceKind::min), zero);
      Value hi = L.binary(nn::BinaryKind::max, all(nn::ReduceKind::max), zero);
      Value scale = L.binary(nn::BinaryKind::div, L.binary(nn::BinaryKind::sub, hi, lo), L.f32({}, {255.0f}));
      Value zp = L.unary(nn::UnaryKind::clip,
                         L.unary(nn::UnaryKind::round,
                                 L.binary(nn::BinaryKind::sub, zero, L.binary(nn::BinaryKind::div, lo, scale))),
                         0.0f, 255.0f);
      L.replace({quantizeInFloat(L, x, scale, zp, u8, 1), scale, L.cast(zp, u8)});
      return success();
    };
    t["lstm"] = [](Lowerer &L) { return lowerRecurrent(L, "lstm"); };
    t["gru"] = [](Lowerer &L) { return lowerRecurrent(L, "gru"); };
    t["rnn"] = [](Lowerer &L) { return lowerRecurrent(L, "rnn"); };
    return t;
  }();
  return table;
}

/// LSTM, GRU and RNN unrolled over the (static) sequence into nn ops: per
/// step and direction, the gate pre-activations are x_t * W^T + h * R^T + b
/// (two fully connected ops), split per gate with slices, then the ONNX cell
/// equations with elementwise ops. Layout 1 (batch first) is a transpose on
/// each side.
LogicalResult lowerRecurrent(Lowerer &L, StringRef kind) {
  int gates = kind == "lstm" ? 4 : kind == "gru" ? 3 : 1;
  Value X = L.in(0), W = L.in(1), R = L.in(2);
  Shape ws = L.shape(W);
  int64_t dirs = ws[0], H = getIntAttr(L.attrs, "hidden_size", ws[1] / gates);
  bool batchFirst = getIntAttr(L.attrs, "layout", 0) != 0;
  if (batchFirst)
    X = L.transpose(X, {1, 0, 2});
  Shape xs = L.shape(X);
  int64_t seq = xs[0], batch = xs[1], in = xs[2];
  Type f32 = L.type(X).getElementType();
  if (!f32.isF32())
    return L.fail(kind.upper() + " is supported on float32 only");
  if (L.has(4)) {
    auto lens = getConstInts(L.in(4));
    if (!lens || llvm::any_of(*lens, [&](int64_t n) { return n != seq; }))
      return L.fail("sequence_lens shorter than the sequence are not supported (pad the sequences instead)");
  }
  if (kind == "lstm" && getIntAttr(L.attrs, "input_forget", 0))
    return L.fail("LSTM input_forget=1 is not supported");
  std::string direction = getStrAttr(L.attrs, "direction", "forward");
  float clip = getFloatAttr(L.attrs, "clip", 0.0);
  bool linearBeforeReset = getIntAttr(L.attrs, "linear_before_reset", 0) != 0;

  // Activations: f, g(, h) per direction, with their alpha/beta.
  std::vector<std::string> acts;
  if (auto a = L.attrs.getAs<ArrayAttr>("activations"))
    for (Attribute s : a)
      acts.push_back(llvm::cast<StringAttr>(s).getValue().str());
  std::vector<float> alphas = onnx::getFloatsAttr(L.attrs, "activation_alpha").value_or(std::vector<float>{});
  std::vector<float> betas = onnx::getFloatsAttr(L.attrs, "activation_beta").value_or(std::vector<float>{});
  int perDir = kind == "lstm" ? 3 : kind == "gru" ? 2 : 1;
  if (acts.empty()) {
    std::vector<std::string> dflt = kind == "lstm" ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                    : kind == "gru" ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                    : std::vector<std::string>{"Tanh"};
    for (int64_t d = 0; d < dirs; ++d)
      acts.insert(acts.end(), dflt.begin(), dflt.end());
  }
  if ((int64_t)acts.size() < perDir * dirs)
    return L.fail("expected " + Twine(perDir * dirs) + " activations");
  // Alphas/betas are consumed in order by the activations that take them.
  std::vector<std::pair<float, float>> params(acts.size(), {0.0f, 0.0f});
  {
    size_t ai = 0, bi = 0;
    for (size_t i = 0; i < acts.size(); ++i) {
      const std::string &a = acts[i];
      if (a == "LeakyRelu" || a == "Elu" || a == "HardSigmoid" || a == "ThresholdedRelu" || a == "ScaledTanh" ||
          a == "Affine")
        params[i].first = ai < alphas.size() ? alphas[ai++] : (a == "LeakyRelu" ? 0.01f : a == "HardSigmoid" ? 0.2f : 1.0f);
      if (a == "HardSigmoid" || a == "ScaledTanh" || a == "Affine")
        params[i].second = bi < betas.size() ? betas[bi++] : (a == "HardSigmoid" ? 0.5f : 0.0f);
    }
  }
  std::string unsupportedAct;
  auto activate = [&](Value v, size_t idx) -> Value {
    const std::string &a = acts[idx];
    auto [alpha, beta] = params[idx];
    using K = nn::UnaryKind;
    if (a == "Sigmoid") return L.unary(K::sigmoid, v);
    if (a == "Tanh") return L.unary(K::tanh, v);
    if (a == "Relu") return L.unary(K::relu, v);
    if (a == "LeakyRelu") return L.unary(K::leaky_relu, v, alpha);
    if (a == "Elu") return L.unary(K::elu, v, alpha);
    if (a == "HardSigmoid") return L.unary(K::hard_sigmoid, v, alpha, beta);
    if (a == "Softsign") return L.unary(K::softsign, v);
    if (a == "Softplus") return L.unary(K::softplus, v);
    unsupportedAct = a;
    return v;
  };
  auto slice = [&](Value v, int64_t axis, int64_t start, int64_t len) {
    Shape s = L.shape(v);
    SmallVector<int64_t> begin(s.size(), 0), step(s.size(), 1);
    begin[axis] = start;
    s[axis] = len;
    if (auto c = getConstant(v); c && start == 0 && len == L.shape(v)[axis])
      return v;
    return Value(L.rw.create<nn::SliceOp>(L.loc, RankedTensorType::get(s, f32), v, L.rw.getDenseI64ArrayAttr(begin),
                                          L.rw.getDenseI64ArrayAttr(step)));
  };
  auto fc = [&](Value x, Value w, Value b) {
    int64_t n = L.shape(w)[0];
    return Value(L.rw.create<nn::FullyConnectedOp>(L.loc, RankedTensorType::get({L.shape(x)[0], n}, f32), x, w, b,
                                                   nullptr, nullptr));
  };
  using B = nn::BinaryKind;
  auto clipped = [&](Value v) { return clip > 0 ? L.unary(nn::UnaryKind::clip, v, -clip, clip) : v; };
  auto initial = [&](unsigned idx, int64_t d) -> Value {
    if (!L.has(idx))
      return L.f32({batch, H}, std::vector<float>(batch * H, 0.0f));
    Value v = L.in(idx);
    if (batchFirst)
      v = L.transpose(v, {1, 0, 2});
    return L.reshape(slice(v, 0, d, 1), {batch, H});
  };

  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = direction == "reverse" || (direction == "bidirectional" && d == 1);
    Value Wd = L.reshape(slice(W, 0, d, 1), {gates * H, in});
    Value Rd = L.reshape(slice(R, 0, d, 1), {gates * H, H});
    Value Wb, Rb;
    if (L.has(3)) {
      Value Bd = L.reshape(slice(L.in(3), 0, d, 1), {2 * gates * H});
      Wb = slice(Bd, 0, 0, gates * H);
      Rb = slice(Bd, 0, gates * H, gates * H);
    } else {
      Wb = L.f32({gates * H}, std::vector<float>(gates * H, 0.0f));
      Rb = Wb;
    }
    Value h = initial(5, d), c = kind == "lstm" ? initial(6, d) : Value();
    Value P;
    if (kind == "lstm" && L.has(7))
      P = L.reshape(slice(L.in(7), 0, d, 1), {3 * H});
    size_t a0 = d * perDir;
    SmallVector<Value> steps(seq);
    for (int64_t k = 0; k < seq; ++k) {
      int64_t t = reverse ? seq - 1 - k : k;
      Value xt = L.reshape(slice(X, 0, t, 1), {batch, in});
      Value gx = fc(xt, Wd, Wb); // [batch, gates*H]
      auto gate = [&](Value v, int g) { return slice(v, 1, g * H, H); };
      if (kind == "gru") {
        Value gh = fc(h, Rd, Rb);
        Value z = activate(clipped(L.binary(B::add, gate(gx, 0), gate(gh, 0))), a0);
        Value r = activate(clipped(L.binary(B::add, gate(gx, 1), gate(gh, 1))), a0);
        Value hh;
        if (linearBeforeReset) {
          hh = L.binary(B::add, gate(gx, 2), L.binary(B::mul, r, gate(gh, 2)));
        } else {
          Value Rh = slice(Rd, 0, 2 * H, H), Rbh = slice(Rb, 0, 2 * H, H);
          hh = L.binary(B::add, gate(gx, 2), fc(L.binary(B::mul, r, h), Rh, Rbh));
        }
        hh = activate(clipped(hh), a0 + 1);
        // h = (1 - z) * hh + z * h = hh + z * (h - hh)
        h = L.binary(B::add, hh, L.binary(B::mul, z, L.binary(B::sub, h, hh)));
      } else {
        Value pre = L.binary(B::add, gx, fc(h, Rd, Rb));
        if (kind == "rnn") {
          h = activate(clipped(pre), a0);
        } else { // LSTM gates i, o, f, c
          Value i = gate(pre, 0), o = gate(pre, 1), f = gate(pre, 2), cc = gate(pre, 3);
          if (P) {
            i = L.binary(B::add, i, L.binary(B::mul, slice(P, 0, 0, H), c));
            f = L.binary(B::add, f, L.binary(B::mul, slice(P, 0, 2 * H, H), c));
          }
          i = activate(clipped(i), a0);
          f = activate(clipped(f), a0);
          cc = activate(clipped(cc), a0 + 1);
          c = L.binary(B::add, L.binary(B::mul, f, c), L.binary(B::mul, i, cc));
          if (P)
            o = L.binary(B::add, o, L.binary(B::mul, slice(P, 0, H, H), c));
          o = activate(clipped(o), a0);
          h = L.binary(B::mul, o, activate(c, a0 + 2));
        }
      }
      steps[t] = L.reshape(h, {1, 1, batch, H});
    }
    if (!unsupportedAct.empty())
      return L.fail("activation '" + unsupportedAct + "' is not supported in " + kind.upper());
    ys.push_back(seq == 1 ? steps[0]
                          : Value(L.rw.create<nn::ConcatOp>(L.loc, RankedTensorType::get({seq, 1, batch, H}, f32),
                                                            steps, L.rw.getI64IntegerAttr(0))));
    hs.push_back(L.reshape(h, {1, batch, H}));
    if (c)
      cs.push_back(L.reshape(c, {1, batch, H}));
  }
  auto cat = [&](SmallVector<Value> &vs, int64_t axis) {
    if (vs.size() == 1)
      return vs[0];
    Shape s = L.shape(vs[0]);
    s[axis] *= vs.size();
    return Value(L.rw.create<nn::ConcatOp>(L.loc, RankedTensorType::get(s, f32), vs, L.rw.getI64IntegerAttr(axis)));
  };
  Value Y = cat(ys, 1), Yh = cat(hs, 0), Yc = cs.empty() ? Value() : cat(cs, 0);
  if (batchFirst) {
    Y = L.transpose(Y, {2, 0, 1, 3});
    Yh = L.transpose(Yh, {1, 0, 2});
    if (Yc)
      Yc = L.transpose(Yc, {1, 0, 2});
  }
  SmallVector<Value> outs{Y, Yh};
  if (Yc)
    outs.push_back(Yc);
  outs.resize(L.op->getNumResults());
  for (auto [r, v] : llvm::zip(L.op->getResults(), outs))
    if (!r.use_empty() && (!v || v.getType() != r.getType()))
      return L.fail("internal: recurrent output shape mismatch");
  L.replace(outs);
  return success();
}

struct ConvertONNXToNNPass : emlc::impl::ConvertONNXToNNBase<ConvertONNXToNNPass> {
  void runOnOperation() override {
    IRRewriter rw(&getContext());
    if (failed(expandQOperators(getOperation(), rw)) || failed(convertUint8ToInt8(getOperation(), rw)) ||
        failed(fuseQDQ(getOperation(), rw)))
      return signalPassFailure();
    SmallVector<Operation *> work;
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() && op->getDialect()->getNamespace() == "onnx" && !llvm::isa<onnx::NoneOp>(op))
        work.push_back(op);
    });
    bool ok = true;
    for (Operation *op : work) {
      StringRef name = op->getName().stripDialect();
      auto it = loweringTable().find(name);
      if (it == loweringTable().end()) {
        op->emitError("is only supported when its inputs are constants, but here they are computed "
                        "at run time (bind dynamic input shapes with --shape)");
        ok = false;
        continue;
      }
      rw.setInsertionPoint(op);
      Lowerer L(op, rw);
      if (failed(it->second(L))) {
        ok = false;
        continue;
      }
      for (Value r : op->getResults())
        if (!r.use_empty()) {
          op->emitError("internal: a result was left without a replacement");
          ok = false;
        }
    }
    if (!ok)
      return signalPassFailure();
    for (Operation *op : llvm::reverse(work))
      op->erase();
    getOperation().walk([&](onnx::NoneOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};
} // namespace
