//===- ONNXShapeCompute.cpp - result types of compute, pooling, norm ops --===//
//
// Convolutions (float, QLinear and Integer forms share one geometry), matrix
// products, recurrent layers, pooling, normalization and reductions.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/ONNXShapeInference.h"

using namespace mlir;
using namespace emlc::onnx;

namespace {
/// Output shape of a convolution of x by w.
LogicalResult convShape(Shapes &c, ArrayRef<int64_t> x, ArrayRef<int64_t> w, int64_t group,
                        std::optional<ArrayRef<int64_t>> kernelShape, const WindowAttrs &win, Shape &out) {
  if (x.size() < 3 || w.size() != x.size())
    return c.fail("expects input and weight of equal rank >= 3");
  Shape kernel(w.begin() + 2, w.end());
  if (kernelShape && !llvm::equal(*kernelShape, kernel))
    return c.fail("kernel_shape does not match the weight shape");
  if (group < 1)
    return c.fail("group must be >= 1 (got " + Twine(group) + ")");
  if (x[1] % group || w[0] % group)
    return c.fail("group " + Twine(group) + " does not divide the " + Twine(x[1]) + " input channels and the " +
                  Twine(w[0]) + " output channels");
  if (x[1] / group != w[1])
    return c.fail("input channels " + Twine(x[1]) + " != weight channels " + Twine(w[1]) + " x group " + Twine(group));
  WindowGeometry g;
  std::string err = resolveWindow(win, x.drop_front(2), kernel, g, false);
  if (!err.empty())
    return c.fail(err);
  out = {x[0], w[0]};
  out.append(g.out.begin(), g.out.end());
  return success();
}

template <typename Adaptor> LogicalResult convOf(Shapes &c, Adaptor op, unsigned x, unsigned w, Shape &out) {
  if (!c.has(x) || !c.has(w))
    return c.fail("missing input");
  return convShape(c, c.shape(x), c.shape(w), op.getGroup(), op.getKernelShape(), windowAttrs(op), out);
}

LogicalResult inferConv(Shapes &c, ConvOp::Adaptor op) {
  if (failed(c.sameElementType({0, 1, 2})))
    return failure();
  Shape out;
  if (failed(convOf(c, op, 0, 1, out)))
    return failure();
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferConvTranspose(Shapes &c, ConvTransposeOp::Adaptor op) {
  if (failed(c.sameElementType({0, 1, 2})))
    return failure();
  Shape x = c.shape(0), w = c.shape(1);
  if (x.size() < 3 || w.size() != x.size())
    return c.fail("expects input and weight of equal rank >= 3");
  size_t n = x.size() - 2;
  Shape kernel(w.begin() + 2, w.end());
  if (auto ks = op.getKernelShape(); ks && !llvm::equal(*ks, kernel))
    return c.fail("kernel_shape does not match the weight shape");
  if (x[1] != w[0])
    return c.fail("input channels do not match the weight's first dimension");
  auto list = [](std::optional<ArrayRef<int64_t>> v, size_t count, int64_t fill) {
    return v ? Shape(*v) : Shape(count, fill);
  };
  Shape strides = list(op.getStrides(), n, 1), dil = list(op.getDilations(), n, 1);
  Shape outPad = list(op.getOutputPadding(), n, 0), pads = list(op.getPads(), 2 * n, 0);
  if (strides.size() != n || dil.size() != n || outPad.size() != n || pads.size() != 2 * n)
    return c.fail("strides/dilations/output_padding/pads do not match the spatial rank");
  // Bounded so that the output size arithmetic cannot overflow int64.
  constexpr int64_t kMax = int64_t(1) << 30;
  auto inRange = [&](const Shape &v, int64_t lo) {
    return llvm::all_of(v, [&](int64_t e) { return e >= lo && e <= kMax; });
  };
  if (!inRange(strides, 1) || !inRange(dil, 1))
    return c.fail("strides and dilations must be >= 1 and at most 2^30");
  if (!inRange(pads, 0) || !inRange(outPad, 0))
    return c.fail("pads and output_padding must be >= 0 and at most 2^30");
  if (op.getGroup() < 1 || op.getGroup() > kMax)
    return c.fail("group must be >= 1 (got " + Twine(op.getGroup()) + ")");
  if (!inRange(kernel, 1) || llvm::any_of(ArrayRef<int64_t>(x).drop_front(2), [&](int64_t d) { return d > kMax; }))
    return c.fail("kernel and input spatial sizes must be >= 1 and at most 2^30");
  Shape out{x[0], w[1] * op.getGroup()};
  if (auto os = op.getOutputShape()) {
    if (os->size() != n && os->size() != n + 2)
      return c.fail("output_shape has the wrong rank");
    out.append(os->end() - n, os->end());
  } else {
    StringRef autoPad = op.getAutoPad();
    for (size_t i = 0; i < n; ++i) {
      if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
        out.push_back(x[i + 2] * strides[i]);
      else
        out.push_back(strides[i] * (x[i + 2] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1 -
                      (autoPad == "VALID" ? 0 : pads[i] + pads[i + n]));
    }
  }
  for (size_t i = 2; i < out.size(); ++i)
    if (out[i] < 1)
      return c.fail("the output would be empty (spatial size " + Twine(out[i]) + ")");
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferGemm(Shapes &c, GemmOp::Adaptor op) {
  if (failed(c.sameElementType({0, 1, 2})))
    return failure();
  Shape a = c.shape(0), b = c.shape(1);
  if (a.size() != 2 || b.size() != 2)
    return c.fail("A and B must be 2-D");
  bool ta = op.getTransA(), tb = op.getTransB();
  int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
  int64_t kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
  if (k != kb)
    return c.fail("inner dimensions differ (" + Twine(k) + " vs " + Twine(kb) + ")");
  c.add({m, n}, c.elem(0));
  return success();
}

/// numpy matmul: 1-D operands are promoted and their unit axis dropped again.
LogicalResult matMulShape(Shapes &c, Shape a, Shape b, Shape &out) {
  if (a.empty() || b.empty())
    return c.fail("scalar operands");
  bool va = a.size() == 1, vb = b.size() == 1;
  if (va)
    a.insert(a.begin(), 1);
  if (vb)
    b.push_back(1);
  if (a.back() != b[b.size() - 2])
    return c.fail("inner dimensions differ");
  if (!broadcastShapes(ArrayRef<int64_t>(a).drop_back(2), ArrayRef<int64_t>(b).drop_back(2), out))
    return c.fail("batch dimensions do not broadcast");
  if (!va)
    out.push_back(a[a.size() - 2]);
  if (!vb)
    out.push_back(b.back());
  return success();
}

template <typename Adaptor> LogicalResult matMulOf(Shapes &c, Adaptor, unsigned a, unsigned b, Shape &out) {
  if (!c.has(a) || !c.has(b))
    return c.fail("missing input");
  return matMulShape(c, c.shape(a), c.shape(b), out);
}

LogicalResult inferMatMul(Shapes &c) {
  if (failed(c.sameElementType({0, 1})))
    return failure();
  Shape out;
  if (failed(matMulShape(c, c.shape(0), c.shape(1), out)))
    return failure();
  c.add(out, c.elem(0));
  return success();
}

// Integer and QOperator forms: the float op's geometry on (x, w), the element
// type of y's zero point (QLinear*) or int32 (*Integer).
LogicalResult inferQLinearConv(Shapes &c, QLinearConvOp::Adaptor op) {
  if (failed(checkScales(c, {1, 4, 6})))
    return failure();
  Shape out;
  if (!c.has(7) || failed(convOf(c, op, 0, 3, out)))
    return c.has(7) ? failure() : c.fail("missing input");
  c.add(out, c.elem(7));
  return success();
}
LogicalResult inferConvInteger(Shapes &c, ConvIntegerOp::Adaptor op) {
  Shape out;
  if (failed(convOf(c, op, 0, 1, out)))
    return failure();
  c.add(out, IntegerType::get(c.ctx(), 32));
  return success();
}
LogicalResult inferQLinearMatMul(Shapes &c, QLinearMatMulOp::Adaptor op) {
  if (failed(checkScales(c, {1, 4, 6})))
    return failure();
  Shape out;
  if (!c.has(7) || failed(matMulOf(c, op, 0, 3, out)))
    return c.has(7) ? failure() : c.fail("missing input");
  c.add(out, c.elem(7));
  return success();
}
LogicalResult inferMatMulInteger(Shapes &c, MatMulIntegerOp::Adaptor op) {
  Shape out;
  if (failed(matMulOf(c, op, 0, 1, out)))
    return failure();
  c.add(out, IntegerType::get(c.ctx(), 32));
  return success();
}

/// Y, Y_h and (LSTM) Y_c; the node may name a prefix of them.
template <typename Adaptor> LogicalResult inferRecurrent(Shapes &c, Adaptor op, int gates) {
  // X, W, R, B, initial_h (and LSTM's initial_c, P) share T; sequence_lens (4) is int32.
  if (failed(c.sameElementType({0, 1, 2, 3, 5, 6, 7})))
    return failure();
  Shape x = c.shape(0), w = c.shape(1), r = c.shape(2);
  bool batchFirst = op.getLayout() != 0;
  if (x.size() != 3 || w.size() != 3 || r.size() != 3)
    return c.fail("X, W and R must be 3-D");
  int64_t dirs = op.getDirection() == "bidirectional" ? 2 : 1;
  if (w[0] != dirs || r[0] != dirs)
    return c.fail("W and R must have " + Twine(dirs) + " direction(s) in dimension 0 (direction '" + op.getDirection() +
                  "'), got " + Twine(w[0]) + " and " + Twine(r[0]));
  if (w[1] % gates)
    return c.fail("W's dimension 1 (" + Twine(w[1]) + ") is not " + Twine(gates) + " x hidden_size");
  int64_t hidden = w[1] / gates;
  if (auto h = op.getHiddenSize(); h && *h != hidden)
    return c.fail("hidden_size " + Twine(*h) + " does not match the weights, whose shape " + shapeString(w) +
                  " gives hidden_size " + Twine(hidden) + " (" + Twine(gates) + " gates)");
  if (hidden < 1)
    return c.fail("hidden_size must be >= 1 (W has shape " + shapeString(w) + ")");
  if (w[2] != x[2] || r[1] != w[1] || r[2] != hidden)
    return c.fail("W " + shapeString(w) + " and R " + shapeString(r) + " do not match X " + shapeString(x) +
                  " and hidden_size " + Twine(hidden));
  if (c.has(3) && c.shape(3) != Shape{dirs, 2 * gates * hidden})
    return c.fail("B must have shape " + shapeString({dirs, 2 * gates * hidden}) + ", got " + shapeString(c.shape(3)));
  int64_t seq = batchFirst ? x[1] : x[0], batch = batchFirst ? x[0] : x[1];
  Type e = c.elem(0);
  if (batchFirst)
    c.add({batch, seq, dirs, hidden}, e);
  else
    c.add({seq, dirs, batch, hidden}, e);
  for (int i = 1; i < (gates == 4 ? 3 : 2); ++i)
    if (batchFirst)
      c.add({batch, dirs, hidden}, e);
    else
      c.add({dirs, batch, hidden}, e);
  return success();
}
LogicalResult inferLSTM(Shapes &c, LSTMOp::Adaptor op) { return inferRecurrent(c, op, 4); }
LogicalResult inferGRU(Shapes &c, GRUOp::Adaptor op) { return inferRecurrent(c, op, 3); }
LogicalResult inferRNN(Shapes &c, RNNOp::Adaptor op) { return inferRecurrent(c, op, 1); }

template <typename Adaptor> LogicalResult inferPool(Shapes &c, Adaptor op, bool isMax) {
  Shape x = c.shape(0);
  if (x.size() < 3)
    return c.fail("expects an input of rank >= 3 (N, C, spatial...)");
  if (!op.getKernelShapeAttr())
    return c.fail("attribute kernel_shape is required");
  WindowGeometry g;
  std::string err = resolveWindow(windowAttrs(op), ArrayRef<int64_t>(x).drop_front(2), op.getKernelShape(), g, true);
  if (!err.empty())
    return c.fail(err);
  Shape out{x[0], x[1]};
  out.append(g.out.begin(), g.out.end());
  c.add(out, c.elem(0));
  if (isMax) // Indices
    c.add(out, IntegerType::get(c.ctx(), 64));
  return success();
}
LogicalResult inferMaxPool(Shapes &c, MaxPoolOp::Adaptor op) { return inferPool(c, op, true); }
LogicalResult inferAveragePool(Shapes &c, AveragePoolOp::Adaptor op) { return inferPool(c, op, false); }

LogicalResult inferGlobalPool(Shapes &c) {
  Shape x = c.shape(0);
  if (x.size() < 3)
    return c.fail("expects an input of rank >= 3");
  for (size_t i = 2; i < x.size(); ++i)
    x[i] = 1;
  c.add(x, c.elem(0));
  return success();
}

/// Per-channel parameters (inputs `first`..) are 1-D vectors of C = X's dimension 1.
LogicalResult checkChannelParams(Shapes &c, unsigned first, ArrayRef<const char *> names) {
  Shape x = c.shape(0);
  if (x.size() < 2)
    return c.fail("X must have rank >= 2 (N, C, ...), got " + shapeString(x));
  for (auto [k, name] : llvm::enumerate(names)) {
    unsigned i = first + k;
    if (c.has(i) && c.shape(i) != Shape{x[1]})
      return c.fail(Twine(name) + " (input " + Twine(i) + ") must have shape " + Twine(x[1]) +
                    " (one value per channel of X " + shapeString(x) + "), got " + shapeString(c.shape(i)));
  }
  return success();
}

LogicalResult inferBatchNorm(Shapes &c, BatchNormalizationOp::Adaptor op) {
  if (op.getTrainingMode())
    return c.fail("training mode (running mean/var outputs) is not supported");
  // X, scale and B share a float type (ONNX's T, T1), mean and var another (T2).
  const char *names[] = {"X", "scale", "B", "mean", "var"};
  for (unsigned i = 0; i < 5; ++i)
    if (!llvm::isa<FloatType>(c.elem(i)))
      return c.fail(Twine(names[i]) + " must be a float tensor, got " + Shapes::typeName(c.elem(i)));
  if (failed(c.sameElementType({0, 1, 2})) || failed(c.sameElementType({3, 4})) ||
      failed(checkChannelParams(c, 1, {"scale", "B", "mean", "var"})))
    return failure();
  return c.same();
}

LogicalResult inferInstanceNorm(Shapes &c) {
  if (failed(c.sameElementType({0, 1, 2})) || failed(checkChannelParams(c, 1, {"scale", "B"})))
    return failure();
  return c.same();
}

/// Y, then Mean and InvStdDev shaped like X with the normalized axes 1.
LogicalResult inferLayerNorm(Shapes &c, LayerNormalizationOp::Adaptor op) {
  Shape x = c.shape(0);
  int64_t axis = normalizeAxis(op.getAxis(), x.size());
  if (axis < 0 || axis >= (int64_t)x.size())
    return c.fail("axis " + Twine(op.getAxis()) + " is out of range for an input of rank " + Twine(x.size()));
  if (!llvm::isa<FloatType>(c.elem(0)))
    return c.fail("X must be a float tensor, got " + Shapes::typeName(c.elem(0)));
  if (failed(c.sameElementType({0, 1, 2})))
    return failure();
  // Scale and B apply to the normalized axes: they broadcast into X without growing it.
  for (unsigned i : {1u, 2u}) {
    Shape b;
    if (c.has(i) && (!broadcastShapes(x, c.shape(i), b) || b != x))
      return c.fail(Twine(i == 1 ? "scale" : "B") + " (input " + Twine(i) + ") of shape " + shapeString(c.shape(i)) +
                    " does not broadcast to X " + shapeString(x));
  }
  c.add(x, c.elem(0));
  Shape stat = x;
  for (size_t i = axis; i < x.size(); ++i)
    stat[i] = 1;
  c.add(stat, c.elem(0));
  c.add(stat, c.elem(0));
  return success();
}

/// Axes from operand 1 (normalized at import), keepdims, noop_with_empty_axes.
template <typename Adaptor> LogicalResult inferReduce(Shapes &c, Adaptor op) {
  Shape x = c.shape(0);
  std::vector<int64_t> axes;
  if (c.has(1)) {
    auto a = getConstInts(c.operands[1]);
    if (!a)
      return c.failNeedsConstant("axes must be a constant");
    axes = *a;
  }
  if (axes.empty() && op.getNoopWithEmptyAxes() != 0)
    return c.same();
  std::vector<bool> red(x.size(), axes.empty());
  for (int64_t a : axes) {
    a = normalizeAxis(a, x.size());
    if (a < 0 || a >= (int64_t)x.size())
      return c.fail("axis out of range");
    red[a] = true;
  }
  Shape out;
  for (size_t i = 0; i < x.size(); ++i)
    if (!red[i])
      out.push_back(x[i]);
    else if (op.getKeepdims() != 0)
      out.push_back(1);
  c.add(out, c.elem(0));
  return success();
}
LogicalResult inferReduceMean(Shapes &c, ReduceMeanOp::Adaptor op) { return inferReduce(c, op); }
LogicalResult inferReduceMax(Shapes &c, ReduceMaxOp::Adaptor op) { return inferReduce(c, op); }
LogicalResult inferReduceMin(Shapes &c, ReduceMinOp::Adaptor op) { return inferReduce(c, op); }
LogicalResult inferReduceSum(Shapes &c, ReduceSumOp::Adaptor op) { return inferReduce(c, op); }
} // namespace

namespace emlc::onnx {
EMLC_ONNX_INFER(ConvOp, inferConv)
EMLC_ONNX_INFER(ConvTransposeOp, inferConvTranspose)
EMLC_ONNX_INFER(GemmOp, inferGemm)
EMLC_ONNX_INFER(MatMulOp, inferMatMul)
EMLC_ONNX_INFER(QLinearConvOp, inferQLinearConv)
EMLC_ONNX_INFER(QLinearMatMulOp, inferQLinearMatMul)
EMLC_ONNX_INFER(ConvIntegerOp, inferConvInteger)
EMLC_ONNX_INFER(MatMulIntegerOp, inferMatMulInteger)
EMLC_ONNX_INFER(LSTMOp, inferLSTM)
EMLC_ONNX_INFER(GRUOp, inferGRU)
EMLC_ONNX_INFER(RNNOp, inferRNN)
EMLC_ONNX_INFER(MaxPoolOp, inferMaxPool)
EMLC_ONNX_INFER(AveragePoolOp, inferAveragePool)
EMLC_ONNX_INFER(GlobalAveragePoolOp, inferGlobalPool)
EMLC_ONNX_INFER(GlobalMaxPoolOp, inferGlobalPool)
EMLC_ONNX_INFER(BatchNormalizationOp, inferBatchNorm)
EMLC_ONNX_INFER(InstanceNormalizationOp, inferInstanceNorm)
EMLC_ONNX_INFER(LayerNormalizationOp, inferLayerNorm)
EMLC_ONNX_INFER(ReduceMeanOp, inferReduceMean)
EMLC_ONNX_INFER(ReduceMaxOp, inferReduceMax)
EMLC_ONNX_INFER(ReduceMinOp, inferReduceMin)
EMLC_ONNX_INFER(ReduceSumOp, inferReduceSum)
} // namespace emlc::onnx
