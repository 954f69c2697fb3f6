//===- LowerCompute.cpp - conv, gemm, matmul, pooling, normalization -> nn ===//
//
// 1-D convolutions and pooling are lifted to 2-D (H = 1); 3-D ones are sums or
// maxima of 2-D ones over depth planes. Gemm folds its transposes and
// alpha/beta into constant weights; BatchNormalization becomes a per-channel
// scale and shift; LayerNorm/InstanceNorm are nn.normalize plus affine ops.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace emlc;
using namespace emlc::lowering;

namespace {

/// Per-axis attributes of a 1-D window lifted to 2-D (H = 1 in front).
std::vector<int64_t> liftTo2D(std::vector<int64_t> v, int64_t fill, size_t spatialRank) {
  if (spatialRank == 1)
    v.insert(v.begin(), fill);
  return v;
}

/// The error for a 3-D layer whose unrolling (one 2-D layer per output depth
/// plane and kernel depth) would pass kMaxUnrolledLayers; empty if it does not.
std::string depthUnrollError(const char *what, int64_t planes, int64_t kernelDepth) {
  return unrollLimitError(what, "lowered as one 2-D layer per output depth plane and kernel depth", planes, kernelDepth,
                          kMaxUnrolledLayers, "3-D layers for microcontrollers have a few dozen", "a smaller depth");
}

/// A depth plane [N, C, H, W] of an NCDHW tensor.
Value depthPlane(Lowerer &L, Value x, int64_t d) {
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

/// The depth planes of one tensor, each sliced once: a 3-D layer reads every
/// input plane from up to kernel-depth output planes.
class DepthPlanes {
public:
  DepthPlanes(Lowerer &L, Value t) : L(L), t(t), planes(L.shape(t)[2]) {}
  Value operator[](int64_t d) {
    if (!planes[d])
      planes[d] = depthPlane(L, t, d);
    return planes[d];
  }

private:
  Lowerer &L;
  Value t;
  std::vector<Value> planes;
};

/// Stacks [N, M, OH, OW] planes along a new depth axis 2.
Value stackDepth(Lowerer &L, ArrayRef<Value> planes) {
  auto lift = [&](Value p) {
    Shape s = L.shape(p);
    return L.reshape(p, {s[0], s[1], 1, s[2], s[3]});
  };
  if (planes.size() == 1)
    return lift(planes[0]);
  SmallVector<Value> ps;
  DenseMap<Value, Value> lifted; // a plane repeated (a padding plane) is lifted once
  for (Value p : planes) {
    Value &l = lifted[p];
    if (!l)
      l = lift(p);
    ps.push_back(l);
  }
  Shape s = L.shape(ps[0]);
  s[2] = ps.size();
  return L.rw.create<nn::ConcatOp>(L.loc, RankedTensorType::get(s, L.type(ps[0]).getElementType()), ps,
                                   L.rw.getI64IntegerAttr(2));
}

/// 3-D convolution as a sum over kernel depth of 2-D convolutions of input
/// depth planes, per output depth. Exact; meant for the small 3-D layers that
/// reach microcontrollers.
template <typename ConvT> LogicalResult lowerConv3D(Lowerer &L, ConvT op) {
  Value x = L.in(0), w = L.in(1), b = L.has(2) ? L.in(2) : Value();
  Shape xs = L.shape(x), ws = L.shape(w), ys = L.shape(L.op->getResult(0));
  onnx::WindowGeometry g;
  std::string err = onnx::resolveWindow(onnx::windowAttrs(op), ArrayRef<int64_t>(xs).drop_front(2),
                                        ArrayRef<int64_t>(ws).drop_front(2), g, false);
  if (!err.empty())
    return L.fail(err);
  if (std::string e = depthUnrollError("3-D convolution", ys[2], ws[2]); !e.empty())
    return L.fail(e);
  Type e = L.type(x).getElementType();
  auto planeType = RankedTensorType::get({ys[0], ys[1], ys[3], ys[4]}, e);
  // Every output plane whose window lies entirely in the depth padding is one
  // shared bias plane: a deep padding (emlc-fuzz: pads of 256 lowered to
  // ~1,800 ops, seconds of passes) adds no ops per padded plane.
  DepthPlanes xPlanes(L, x), wPlanes(L, w);
  Value padPlane;
  SmallVector<Value> planes;
  for (int64_t od = 0; od < ys[2]; ++od) {
    Value acc;
    for (int64_t kd = 0; kd < ws[2]; ++kd) {
      int64_t id = od * g.strides[0] - g.padsBegin[0] + kd * g.dilations[0];
      if (id < 0 || id >= xs[2])
        continue;
      Value c = L.rw.create<nn::Conv2DOp>(
          L.loc, planeType, xPlanes[id], wPlanes[kd], acc ? Value() : b,
          L.rw.getDenseI64ArrayAttr({g.strides[1], g.strides[2]}),
          L.rw.getDenseI64ArrayAttr({g.dilations[1], g.dilations[2]}),
          L.rw.getDenseI64ArrayAttr({g.padsBegin[1], g.padsBegin[2], g.padsEnd[1], g.padsEnd[2]}),
          L.rw.getI64IntegerAttr(op.getGroup()), nullptr, nullptr);
      acc = acc ? L.binary(nn::BinaryKind::add, acc, c) : c;
    }
    if (!acc) { // the window lies entirely in the depth padding: bias only
      if (!padPlane) {
        Value zeros = L.f32({ys[0], ys[1], ys[3], ys[4]}, std::vector<float>(ys[0] * ys[1] * ys[3] * ys[4], 0.0f));
        padPlane = b ? L.binary(nn::BinaryKind::add, zeros, L.reshape(b, {ys[1], 1, 1})) : zeros;
      }
      acc = padPlane;
    }
    planes.push_back(acc);
  }
  L.replace({stackDepth(L, planes)});
  return success();
}

/// Begin/end pads of ConvTranspose: crops of the full transposed output down
/// to the inferred result size; an error when an attribute's length does not
/// fit the spatial dims (emlc-fuzz: a 1-element strides read past its end).
std::string transposedPads(onnx::ConvTransposeOp op, ArrayRef<int64_t> xs, ArrayRef<int64_t> ks,
                           ArrayRef<int64_t> outShape, std::vector<int64_t> &strides, std::vector<int64_t> &dil,
                           std::vector<int64_t> &padsB, std::vector<int64_t> &padsE) {
  size_t n = ks.size();
  auto list = [](std::optional<ArrayRef<int64_t>> v, size_t count, int64_t fill) {
    return v ? std::vector<int64_t>(v->begin(), v->end()) : std::vector<int64_t>(count, fill);
  };
  strides = list(op.getStrides(), n, 1);
  dil = list(op.getDilations(), n, 1);
  auto pads = list(op.getPads(), 2 * n, 0);
  auto outPad = list(op.getOutputPadding(), n, 0);
  if (strides.size() != n || dil.size() != n || pads.size() != 2 * n || outPad.size() != n)
    return "ConvTranspose with " + std::to_string(n) + " spatial dims needs " + std::to_string(n) +
           " strides, dilations and output_padding and " + std::to_string(2 * n) + " pads; got " +
           std::to_string(strides.size()) + ", " + std::to_string(dil.size()) + ", " + std::to_string(outPad.size()) +
           " and " + std::to_string(pads.size());
  StringRef autoPad = op.getAutoPad();
  bool explicitOut = op.getOutputShape().has_value();
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
  return "";
}

/// Conv, ConvTranspose and ConvInteger of `x` and `w` (the op's operands, or
/// their int32 forms for ConvInteger), 1-D lifted to 2-D with H = 1.
template <typename ConvT> LogicalResult lowerConv(Lowerer &L, ConvT op, Value x, Value w, Value b) {
  constexpr bool transpose = std::is_same_v<ConvT, onnx::ConvTransposeOp>;
  Shape xs = L.shape(x), ws = L.shape(w);
  size_t n = xs.size() - 2;
  bool int32 = L.type(x).getElementType().isInteger(32);
  if (n == 3 && !transpose && !int32)
    return lowerConv3D(L, op);
  if (n > 2)
    return L.fail("only 1-D and 2-D " + Twine(transpose ? "transposed " : "") +
                  "convolutions are supported here (this one has " + Twine(n) + " spatial dims)");
  if (!llvm::isa<FloatType>(L.type(x).getElementType()) && !int32)
    return L.fail("integer convolution needs quantization parameters (use QLinearConv or QDQ)");
  auto lift = [&](std::vector<int64_t> v, int64_t fill) { return liftTo2D(std::move(v), fill, n); };
  Shape ks(ws.begin() + 2, ws.end());
  Shape outShape(L.shape(L.op->getResult(0)));
  std::vector<int64_t> strides, dil, padsB, padsE;
  if constexpr (!transpose) {
    onnx::WindowGeometry g;
    std::string err = onnx::resolveWindow(onnx::windowAttrs(op), ArrayRef<int64_t>(xs).drop_front(2), ks, g, false);
    if (!err.empty())
      return L.fail(err);
    strides = g.strides, dil = g.dilations, padsB = g.padsBegin, padsE = g.padsEnd;
  } else {
    if (std::string err = transposedPads(op, xs, ks, outShape, strides, dil, padsB, padsE); !err.empty())
      return L.fail(err);
  }
  strides = lift(strides, 1), dil = lift(dil, 1), padsB = lift(padsB, 0), padsE = lift(padsE, 0);
  SmallVector<int64_t> pads{padsB[0], padsB[1], padsE[0], padsE[1]};
  if (n == 1) {
    x = L.reshape(x, {xs[0], xs[1], 1, xs[2]});
    w = L.reshape(w, {ws[0], ws[1], 1, ws[2]});
    outShape.insert(outShape.begin() + 2, 1);
  }
  auto ot = RankedTensorType::get(outShape, L.type(x).getElementType());
  auto attr = [&](ArrayRef<int64_t> v) { return L.rw.getDenseI64ArrayAttr(v); };
  Value y;
  if constexpr (!transpose)
    y = L.rw.create<nn::Conv2DOp>(L.loc, ot, x, w, b, attr(strides), attr(dil), attr(pads),
                                  L.rw.getI64IntegerAttr(op.getGroup()), nullptr, nullptr);
  else
    y = L.rw.create<nn::ConvTranspose2DOp>(L.loc, ot, x, w, b, attr(strides), attr(dil), attr(pads),
                                           L.rw.getI64IntegerAttr(op.getGroup()));
  if (n == 1)
    y = L.reshape(y, L.shape(L.op->getResult(0)));
  L.replace({y});
  return success();
}

/// Operand `i` of ConvInteger/MatMulInteger as int32 minus its zero point
/// (operand `zpIndex`: a scalar, or one per channel of `axis`).
Value integerOperand(Lowerer &L, unsigned i, unsigned zpIndex, int64_t axis, int64_t rank) {
  Type i32 = L.rw.getI32Type();
  Value v = L.cast(L.in(i), i32);
  if (L.has(zpIndex))
    v = L.binary(nn::BinaryKind::sub, v, L.cast(quantParam(L, L.in(zpIndex), axis, rank), i32));
  return v;
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
    Value y = L.rw.create<nn::FullyConnectedOp>(L.loc, RankedTensorType::get({m, bs[1]}, L.outType().getElementType()),
                                                x, w, Value(), nullptr, nullptr);
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

/// Gemm as fully_connected (weight [N, K]); alpha and beta scale constants at
/// compile time; a C that is not one value per output is added afterwards.
LogicalResult lowerGemm(Lowerer &L, onnx::GemmOp op) {
  Value a = L.in(0), b = L.in(1);
  if (op.getTransA())
    a = L.transpose(a, {1, 0});
  if (!op.getTransB())
    b = L.transpose(b, {1, 0}); // fully_connected wants weight [N, K]
  float alpha = op.getAlpha(), beta = op.getBeta();
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
  Value y = L.rw.create<nn::FullyConnectedOp>(L.loc, L.outType(), a, b, bias, nullptr, nullptr);
  if (late)
    y = L.binary(nn::BinaryKind::add, y, late);
  L.replace({y});
  return success();
}

/// 3-D pooling from 2-D pooling of depth planes: max of the planes' maxima;
/// for averages, the in-range planes' 2-D averages (equal counts per plane)
/// averaged over the depth positions the divisor counts.
template <typename PoolT> LogicalResult lowerPool3D(Lowerer &L, PoolT op, nn::PoolKind kind, bool includePad) {
  Value x = L.in(0);
  Shape xs = L.shape(x), ys = L.shape(L.op->getResult(0));
  ArrayRef<int64_t> ks = op.getKernelShape();
  onnx::WindowGeometry g;
  std::string err = onnx::resolveWindow(onnx::windowAttrs(op), ArrayRef<int64_t>(xs).drop_front(2), ks, g, true);
  if (!err.empty())
    return L.fail(err);
  if (op.getCeilMode())
    return L.fail("ceil_mode is not supported for 3-D pooling");
  if (std::string e = depthUnrollError("3-D pooling", ys[2], ks[0]); !e.empty())
    return L.fail(e);
  auto planeType = RankedTensorType::get({ys[0], ys[1], ys[3], ys[4]}, L.type(x).getElementType());
  std::vector<int64_t> pads(6, 0);
  if (auto p = op.getPads())
    pads.assign(p->begin(), p->end());
  DepthPlanes xPlanes(L, x);
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
          L.loc, planeType, nn::PoolKindAttr::get(L.rw.getContext(), kind), xPlanes[id],
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

/// MaxPool (kind max) and AveragePool (avg, with count_include_pad).
template <typename PoolT> LogicalResult lowerPool(Lowerer &L, PoolT op, nn::PoolKind kind, bool includePad) {
  Value x = L.in(0);
  Shape xs = L.shape(x);
  size_t n = xs.size() - 2;
  bool indicesUsed = L.op->getNumResults() > 1 && !L.op->getResult(1).use_empty();
  if (n == 3 && !indicesUsed)
    return lowerPool3D(L, op, kind, includePad);
  if (n > 2)
    return L.fail("only 1-D, 2-D and 3-D pooling is supported");
  if (indicesUsed)
    return L.fail("the Indices output of MaxPool is not supported");
  if constexpr (std::is_same_v<PoolT, onnx::MaxPoolOp>)
    if (op.getStorageOrder() != 0)
      return L.fail("storage_order=1 is not supported");
  onnx::WindowGeometry g;
  std::string err =
      onnx::resolveWindow(onnx::windowAttrs(op), ArrayRef<int64_t>(xs).drop_front(2), op.getKernelShape(), g, true);
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
  Value y =
      L.rw.create<nn::Pool2DOp>(L.loc, RankedTensorType::get(outShape, L.type(x).getElementType()),
                                nn::PoolKindAttr::get(L.rw.getContext(), kind), x, L.rw.getDenseI64ArrayAttr(k),
                                L.rw.getDenseI64ArrayAttr(s), L.rw.getDenseI64ArrayAttr(d),
                                L.rw.getDenseI64ArrayAttr({pb[0], pb[1], pe[0], pe[1]}), L.rw.getBoolAttr(includePad));
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
  Value y =
      L.rw.create<nn::ReduceOp>(L.loc, RankedTensorType::get(kept, L.type(x).getElementType()),
                                nn::ReduceKindAttr::get(L.rw.getContext(), kind), x, L.rw.getDenseI64ArrayAttr(norm));
  if (!keep)
    y = L.reshape(y, L.shape(L.op->getResult(0)));
  L.replace({y});
  return success();
}

/// GlobalAveragePool/GlobalMaxPool: a reduction over the spatial axes.
LogicalResult lowerGlobalPool(Lowerer &L, nn::ReduceKind kind) {
  std::vector<int64_t> axes;
  for (int64_t i = 2; i < L.outType().getRank(); ++i)
    axes.push_back(i);
  return lowerReduce(L, kind, L.in(0), axes, true);
}

template <typename ReduceT> LogicalResult lowerReduceOp(Lowerer &L, ReduceT op, nn::ReduceKind kind) {
  std::vector<int64_t> axes;
  if (L.has(1))
    axes = *getConstInts(L.in(1));
  if (axes.empty() && op.getNoopWithEmptyAxes()) {
    L.replace({L.in(0)});
    return success();
  }
  return lowerReduce(L, kind, L.in(0), axes, op.getKeepdims() != 0);
}

LogicalResult lowerBatchNorm(Lowerer &L, onnx::BatchNormalizationOp op) {
  auto scale = getConstant(L.in(1)), bias = getConstant(L.in(2)), mean = getConstant(L.in(3)),
       var = getConstant(L.in(4));
  if (!scale || !bias || !mean || !var)
    return L.failNeedsConstant("BatchNormalization needs constant scale, bias, mean and variance");
  float eps = op.getEpsilon();
  auto s = floatValues(scale), b = floatValues(bias), m = floatValues(mean), v = floatValues(var);
  std::vector<float> a(s.size()), c(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    a[i] = s[i] / std::sqrt(v[i] + eps);
    c[i] = b[i] - m[i] * a[i];
  }
  Shape cs = channelShape(s.size(), L.outType().getRank());
  Value y = L.binary(nn::BinaryKind::mul, L.in(0), L.f32(cs, a));
  // gamma goes with the scale (into the conv it folds into): pruning's BatchNorm importance reads it.
  y.getDefiningOp()->setAttr("emlc.bn_gamma", DenseF32ArrayAttr::get(op.getContext(), s));
  y = L.binary(nn::BinaryKind::add, y, L.f32(cs, c));
  L.replace({y});
  return success();
}

LogicalResult lowerInstanceNorm(Lowerer &L, onnx::InstanceNormalizationOp op) {
  Value y = L.normalize(L.in(0), 2, op.getEpsilon()).getOutput();
  int64_t c = L.shape(L.in(0))[1];
  Shape cs = channelShape(c, L.outType().getRank());
  y = L.binary(nn::BinaryKind::mul, y, L.reshape(L.in(1), cs));
  y = L.binary(nn::BinaryKind::add, y, L.reshape(L.in(2), cs));
  L.replace({y});
  return success();
}

LogicalResult lowerLayerNorm(Lowerer &L, onnx::LayerNormalizationOp op) {
  int64_t axis = onnx::normalizeAxis(op.getAxis(), L.outType().getRank());
  auto norm = L.normalize(L.in(0), axis, op.getEpsilon());
  Value y = L.binary(nn::BinaryKind::mul, norm.getOutput(), L.in(1));
  if (L.has(2))
    y = L.binary(nn::BinaryKind::add, y, L.in(2));
  SmallVector<Value> outs{y, norm.getMean(), norm.getInvStdDev()};
  outs.resize(L.op->getNumResults());
  L.replace(outs);
  return success();
}

/// Softmax and LogSoftmax (opset-13 semantics: one axis).
template <typename SoftmaxT> LogicalResult lowerSoftmax(Lowerer &L, SoftmaxT op, bool log) {
  int64_t axis = onnx::normalizeAxis(op.getAxis(), L.outType().getRank());
  L.replace(
      {L.rw.create<nn::SoftmaxOp>(L.loc, L.outType(), L.in(0), L.rw.getI64IntegerAttr(axis), L.rw.getBoolAttr(log))});
  return success();
}
} // namespace

namespace emlc::lowering {
void addComputeLowerings(LoweringTable &t) {
  using namespace onnx;
  t.add<ConvOp>([](Lowerer &L, ConvOp op) { return lowerConv(L, op, L.in(0), L.in(1), L.has(2) ? L.in(2) : Value()); });
  t.add<ConvTransposeOp>(
      [](Lowerer &L, ConvTransposeOp op) { return lowerConv(L, op, L.in(0), L.in(1), L.has(2) ? L.in(2) : Value()); });
  // ConvInteger / MatMulInteger: int32 products of (x - x_zp) and (w - w_zp).
  t.add<ConvIntegerOp>([](Lowerer &L, ConvIntegerOp op) {
    int64_t rank = L.shape(L.in(0)).size();
    return lowerConv(L, op, integerOperand(L, 0, 2, 1, rank), integerOperand(L, 1, 3, 0, rank), Value());
  });
  t.add<MatMulIntegerOp>([](Lowerer &L, MatMulIntegerOp) {
    int64_t ra = L.shape(L.in(0)).size(), rb = L.shape(L.in(1)).size();
    return lowerMatMul(L, integerOperand(L, 0, 2, std::max<int64_t>(ra - 2, 0), ra),
                       integerOperand(L, 1, 3, rb - 1, rb));
  });
  t.add<GemmOp>(lowerGemm);
  t.add<MatMulOp>([](Lowerer &L, MatMulOp) { return lowerMatMul(L, L.in(0), L.in(1)); });

  t.add<MaxPoolOp>([](Lowerer &L, MaxPoolOp op) { return lowerPool(L, op, nn::PoolKind::max, false); });
  t.add<AveragePoolOp>(
      [](Lowerer &L, AveragePoolOp op) { return lowerPool(L, op, nn::PoolKind::avg, op.getCountIncludePad() != 0); });
  t.add<GlobalAveragePoolOp>([](Lowerer &L, GlobalAveragePoolOp) { return lowerGlobalPool(L, nn::ReduceKind::mean); });
  t.add<GlobalMaxPoolOp>([](Lowerer &L, GlobalMaxPoolOp) { return lowerGlobalPool(L, nn::ReduceKind::max); });
  t.add<ReduceMeanOp>([](Lowerer &L, ReduceMeanOp op) { return lowerReduceOp(L, op, nn::ReduceKind::mean); });
  t.add<ReduceMaxOp>([](Lowerer &L, ReduceMaxOp op) { return lowerReduceOp(L, op, nn::ReduceKind::max); });
  t.add<ReduceMinOp>([](Lowerer &L, ReduceMinOp op) { return lowerReduceOp(L, op, nn::ReduceKind::min); });
  t.add<ReduceSumOp>([](Lowerer &L, ReduceSumOp op) { return lowerReduceOp(L, op, nn::ReduceKind::sum); });

  t.add<BatchNormalizationOp>(lowerBatchNorm);
  t.add<InstanceNormalizationOp>(lowerInstanceNorm);
  t.add<LayerNormalizationOp>(lowerLayerNorm);
  t.add<SoftmaxOp>([](Lowerer &L, SoftmaxOp op) { return lowerSoftmax(L, op, false); });
  t.add<LogSoftmaxOp>([](Lowerer &L, LogSoftmaxOp op) { return lowerSoftmax(L, op, true); });
}
} // namespace emlc::lowering
