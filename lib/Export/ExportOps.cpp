//===- ExportOps.cpp - the ONNX nodes of each nn op ---------------------------===//
//
// One function per nn op, chosen by op class. Each writes standard ONNX ops of
// the module's opset (7..17): attributes where that opset has attributes,
// constant inputs (int64 initializers) where it has inputs. Fused activations
// (`act_min`/`act_max`) become a Relu or Clip after the node; nn ops ONNX has
// no single op for (normalize, hard_swish) become the few ops they stand for.
//
//===----------------------------------------------------------------------===//

#include "Exporter.h"
#include "dialects/NN/NNDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"
#include <cfloat>
#include <cmath>
#include <limits>

using namespace mlir;

namespace emlc::exporter {
namespace {

using Shape = SmallVector<int64_t>;
Shape shapeOf(Value v) {
  auto s = llvm::cast<ShapedType>(v.getType()).getShape();
  return Shape(s.begin(), s.end());
}
int64_t rankOf(Value v) { return llvm::cast<ShapedType>(v.getType()).getRank(); }

std::optional<float> optF(std::optional<llvm::APFloat> f) {
  if (!f)
    return std::nullopt;
  return f->convertToFloat();
}

/// Writes one nn op. `ex` is the graph; `op` the nn op.
struct OpWriter {
  Exporter &ex;
  Operation *op;
  std::string name; ///< the node name (from the op's location)

  OpWriter(Exporter &ex, Operation *op) : ex(ex), op(op), name(ex.nodeName(op)) {}

  std::string in(Value v, StringRef role) { return ex.input(v, name, role); }
  std::string out(unsigned k = 0) { return ex.output(op->getResult(k), name); }
  std::string i64s(StringRef role, ArrayRef<int64_t> v) {
    return ex.initI64(name + "." + role.str(), v, {(int64_t)v.size()});
  }

  /// The node of a compute op followed by its fused clamp: the op writes an
  /// intermediate value and the Relu/Clip the result.
  ::onnx::NodeProto &clamped(StringRef type, ArrayRef<std::string> ins, std::optional<float> lo,
                             std::optional<float> hi) {
    bool clamp = lo || hi;
    if (!clamp)
      return ex.node(type, name, ins, {out()});
    std::string mid = ex.freshValue(name + "_output_0");
    ex.addValueInfo(mid, op->getResult(0).getType());
    ::onnx::NodeProto &n = ex.node(type, name, ins, {mid});
    // clamp() adds nodes: the reference above stays valid (RepeatedPtrField holds pointers).
    ex.clamp(name, /*fused=*/true, mid, lo, hi, op->getResult(0));
    return n;
  }

  LogicalResult fail(const Twine &msg) { return op->emitError() << msg; }
};

LogicalResult writeConv(OpWriter &w, nn::Conv2DOp c) {
  SmallVector<std::string> ins = {w.in(c.getInput(), "input"), w.in(c.getWeight(), "weight")};
  if (c.getBias())
    ins.push_back(w.in(c.getBias(), "bias"));
  Shape ws = shapeOf(c.getWeight());
  auto &n = w.clamped("Conv", ins, optF(c.getActMin()), optF(c.getActMax()));
  Exporter::attr(n, "dilations", c.getDilations());
  Exporter::attr(n, "group", (int64_t)c.getGroups());
  Exporter::attr(n, "kernel_shape", ArrayRef<int64_t>{ws[2], ws[3]});
  Exporter::attr(n, "pads", c.getPads());
  Exporter::attr(n, "strides", c.getStrides());
  return success();
}

/// nn pads are the begin/end crops of the full transposed output and the
/// result type gives the size; ONNX takes the begin pads, and an end pad or
/// an output_padding (rows past the full output) that give the same size.
LogicalResult writeConvTranspose(OpWriter &w, nn::ConvTranspose2DOp c) {
  SmallVector<std::string> ins = {w.in(c.getInput(), "input"), w.in(c.getWeight(), "weight")};
  if (c.getBias())
    ins.push_back(w.in(c.getBias(), "bias"));
  Shape ws = shapeOf(c.getWeight()), xs = shapeOf(c.getInput()), ys = shapeOf(c.getOutput());
  SmallVector<int64_t> pads(c.getPads()), outPad = {0, 0};
  for (int a = 0; a < 2; ++a) {
    if (pads[a] < 0)
      return w.fail("ONNX export: conv_transpose2d with a negative begin pad has no ONNX ConvTranspose form");
    int64_t full = c.getStrides()[a] * (xs[2 + a] - 1) + c.getDilations()[a] * (ws[2 + a] - 1) + 1;
    int64_t endCrop = full - pads[a] - ys[2 + a];
    pads[2 + a] = std::max<int64_t>(endCrop, 0);
    outPad[a] = std::max<int64_t>(-endCrop, 0);
  }
  auto &n = w.ex.node("ConvTranspose", w.name, ins, {w.out()});
  Exporter::attr(n, "dilations", c.getDilations());
  Exporter::attr(n, "group", (int64_t)c.getGroups());
  Exporter::attr(n, "kernel_shape", ArrayRef<int64_t>{ws[2], ws[3]});
  if (outPad[0] || outPad[1])
    Exporter::attr(n, "output_padding", ArrayRef<int64_t>(outPad));
  Exporter::attr(n, "pads", ArrayRef<int64_t>(pads));
  Exporter::attr(n, "strides", c.getStrides());
  return success();
}

/// Gemm with transB = 1: nn stores the weight [N, K], one row per output.
LogicalResult writeFullyConnected(OpWriter &w, nn::FullyConnectedOp f) {
  SmallVector<std::string> ins = {w.in(f.getInput(), "input"), w.in(f.getWeight(), "weight")};
  if (f.getBias())
    ins.push_back(w.in(f.getBias(), "bias"));
  else if (w.ex.opset < 11) // C became optional in opset 11; before, a broadcast zero
    ins.push_back(w.ex.initF32(w.name + ".bias", {0.0f}, {1}));
  auto &n = w.clamped("Gemm", ins, optF(f.getActMin()), optF(f.getActMax()));
  Exporter::attr(n, "transB", (int64_t)1);
  return success();
}

LogicalResult writeBinary(OpWriter &w, nn::BinaryOp b) {
  using K = nn::BinaryKind;
  const char *type = nullptr;
  switch (b.getKind()) {
  case K::add:
    type = "Add";
    break;
  case K::sub:
    type = "Sub";
    break;
  case K::mul:
    type = "Mul";
    break;
  case K::div:
    type = "Div";
    break;
  case K::min:
    type = "Min";
    break;
  case K::max:
    type = "Max";
    break;
  case K::pow:
    type = "Pow";
    break;
  case K::prelu:
    type = "PRelu";
    break;
  }
  bool prelu = b.getKind() == K::prelu;
  SmallVector<std::string> ins = {w.in(b.getLhs(), prelu ? "X" : "A"), w.in(b.getRhs(), prelu ? "slope" : "B")};
  w.clamped(type, ins, optF(b.getActMin()), optF(b.getActMax()));
  return success();
}

/// ONNX op type of a unary kind that maps 1:1 (no attributes), with the
/// opset it appeared in.
std::pair<const char *, int64_t> plainUnary(nn::UnaryKind k) {
  using K = nn::UnaryKind;
  switch (k) {
  case K::relu:
    return {"Relu", 1};
  case K::sigmoid:
    return {"Sigmoid", 1};
  case K::tanh:
    return {"Tanh", 1};
  case K::exp:
    return {"Exp", 1};
  case K::log:
    return {"Log", 1};
  case K::sqrt:
    return {"Sqrt", 1};
  case K::abs:
    return {"Abs", 1};
  case K::neg:
    return {"Neg", 1};
  case K::reciprocal:
    return {"Reciprocal", 1};
  case K::floor:
    return {"Floor", 1};
  case K::ceil:
    return {"Ceil", 1};
  case K::erf:
    return {"Erf", 9};
  case K::softplus:
    return {"Softplus", 1};
  case K::softsign:
    return {"Softsign", 1};
  case K::sin:
    return {"Sin", 7};
  case K::cos:
    return {"Cos", 7};
  case K::copy:
    return {"Identity", 1};
  case K::round:
    return {"Round", 11};
  default:
    return {nullptr, 0};
  }
}

LogicalResult writeUnary(OpWriter &w, nn::UnaryOp u) {
  using K = nn::UnaryKind;
  std::string x = w.in(u.getInput(), "input");
  float alpha = u.getAlpha().convertToFloat(), beta = u.getBeta().convertToFloat();
  auto [type, since] = plainUnary(u.getKind());
  if (type) {
    if (w.ex.opset < since)
      return w.fail("ONNX export: " + stringifyUnaryKind(u.getKind()) + " needs opset " + Twine(since) +
                    " (the model's opset is " + Twine(w.ex.opset) + ")");
    w.ex.node(type, w.name, {x}, {w.out()});
    return success();
  }
  switch (u.getKind()) {
  case K::leaky_relu:
    Exporter::attr(w.ex.node("LeakyRelu", w.name, {x}, {w.out()}), "alpha", alpha);
    return success();
  case K::elu:
    Exporter::attr(w.ex.node("Elu", w.name, {x}, {w.out()}), "alpha", alpha);
    return success();
  case K::selu: {
    auto &n = w.ex.node("Selu", w.name, {x}, {w.out()});
    Exporter::attr(n, "alpha", alpha);
    Exporter::attr(n, "gamma", beta);
    return success();
  }
  case K::hard_sigmoid: {
    auto &n = w.ex.node("HardSigmoid", w.name, {x}, {w.out()});
    Exporter::attr(n, "alpha", alpha);
    Exporter::attr(n, "beta", beta);
    return success();
  }
  case K::hard_swish: { // x * HardSigmoid(x; alpha, beta), for any alpha/beta and opset
    std::string hs = w.ex.freshValue(w.name + "/HardSigmoid_output_0");
    w.ex.addValueInfo(hs, u.getType());
    auto &n = w.ex.node("HardSigmoid", w.name + "/HardSigmoid", {x}, {hs});
    Exporter::attr(n, "alpha", alpha);
    Exporter::attr(n, "beta", beta);
    w.ex.node("Mul", w.name, {x, hs}, {w.out()});
    return success();
  }
  case K::clip:
    w.ex.clamp(w.name, /*fused=*/false, x, alpha, beta, u.getOutput());
    return success();
  default:
    return w.fail("ONNX export: unary kind " + stringifyUnaryKind(u.getKind()) + " has no ONNX form here");
  }
}

/// pool2d: nn pads are (top, left, bottom, right), ONNX's order too; the
/// output size picks ceil_mode.
LogicalResult writePool(OpWriter &w, nn::Pool2DOp p) {
  Shape xs = shapeOf(p.getInput()), ys = shapeOf(p.getOutput());
  auto k = p.getKernel(), s = p.getStrides(), d = p.getDilations(), pd = p.getPads();
  bool floorFits = true, ceilFits = true;
  for (int a = 0; a < 2; ++a) {
    int64_t span = xs[2 + a] + pd[a] + pd[2 + a] - d[a] * (k[a] - 1) - 1;
    floorFits &= span / s[a] + 1 == ys[2 + a];
    ceilFits &= (span + s[a] - 1) / s[a] + 1 == ys[2 + a];
  }
  if (!floorFits && !ceilFits)
    return w.fail("ONNX export: pool2d output shape matches neither floor nor ceil mode");
  bool dilated = d[0] != 1 || d[1] != 1;
  bool avg = p.getKind() == nn::PoolKind::avg;
  if (!floorFits && w.ex.opset < 10)
    return w.fail("ONNX export: pooling in ceil mode needs opset 10");
  if (dilated && (avg ? w.ex.opset < 19 : w.ex.opset < 10))
    return w.fail("ONNX export: dilated pooling has no ONNX form at opset " + Twine(w.ex.opset));
  auto &n = w.ex.node(avg ? "AveragePool" : "MaxPool", w.name, {w.in(p.getInput(), "input")}, {w.out()});
  if (!floorFits)
    Exporter::attr(n, "ceil_mode", (int64_t)1);
  if (avg)
    Exporter::attr(n, "count_include_pad", (int64_t)p.getCountIncludePad());
  if (dilated)
    Exporter::attr(n, "dilations", d);
  Exporter::attr(n, "kernel_shape", k);
  Exporter::attr(n, "pads", pd);
  Exporter::attr(n, "strides", s);
  return success();
}

/// keepdims from the result's rank; axes an attribute, or an input for
/// ReduceSum from opset 13 (and every reduction from 18).
LogicalResult writeReduce(OpWriter &w, nn::ReduceOp r) {
  const char *type = nullptr;
  switch (r.getKind()) {
  case nn::ReduceKind::sum:
    type = "ReduceSum";
    break;
  case nn::ReduceKind::mean:
    type = "ReduceMean";
    break;
  case nn::ReduceKind::max:
    type = "ReduceMax";
    break;
  case nn::ReduceKind::min:
    type = "ReduceMin";
    break;
  }
  bool keep = rankOf(r.getOutput()) == rankOf(r.getInput());
  bool axesInput = w.ex.opset >= 18 || (r.getKind() == nn::ReduceKind::sum && w.ex.opset >= 13);
  SmallVector<std::string> ins = {w.in(r.getInput(), "input")};
  if (axesInput)
    ins.push_back(w.i64s("axes", r.getAxes()));
  auto &n = w.ex.node(type, w.name, ins, {w.out()});
  if (!axesInput)
    Exporter::attr(n, "axes", r.getAxes());
  Exporter::attr(n, "keepdims", (int64_t)keep);
  return success();
}

/// Before opset 13 Softmax coerced its input to 2-D at `axis`: the same only
/// for the last axis.
LogicalResult writeSoftmax(OpWriter &w, nn::SoftmaxOp s) {
  int64_t rank = rankOf(s.getInput()), axis = (int64_t)s.getAxis();
  if (axis < 0)
    axis += rank;
  if (w.ex.opset < 13 && axis != rank - 1)
    return w.fail("ONNX export: softmax over axis " + Twine(axis) + " of a rank-" + Twine(rank) +
                  " tensor needs opset 13 (the model's opset is " + Twine(w.ex.opset) + ")");
  auto &n = w.ex.node(s.getLog() ? "LogSoftmax" : "Softmax", w.name, {w.in(s.getInput(), "input")}, {w.out()});
  Exporter::attr(n, "axis", axis);
  return success();
}

/// (x - mean) / sqrt(var + eps) over the axes from `axis`, in the ops that
/// compute it (LayerNormalization exists only from opset 17).
LogicalResult writeNormalize(OpWriter &w, nn::NormalizeOp nrm) {
  Exporter &ex = w.ex;
  int64_t rank = rankOf(nrm.getInput());
  SmallVector<int64_t> axes;
  int64_t first = (int64_t)nrm.getAxis();
  for (int64_t a = first < 0 ? first + rank : first; a < rank; ++a)
    axes.push_back(a);
  Type inType = nrm.getInput().getType(), statType = nrm.getMean().getType();
  auto mean = [&](const std::string &x, const std::string &y, const std::string &suffix) {
    auto &n = ex.node("ReduceMean", w.name + suffix, {x}, {y});
    Exporter::attr(n, "axes", ArrayRef<int64_t>(axes));
    Exporter::attr(n, "keepdims", (int64_t)1);
  };
  auto fresh = [&](const std::string &suffix, Type t) {
    std::string v = ex.freshValue(w.name + suffix + "_output_0");
    ex.addValueInfo(v, t);
    return v;
  };
  std::string x = w.in(nrm.getInput(), "input");
  std::string m = ex.output(nrm.getMean(), w.name + "/Mean");
  mean(x, m, "/Mean");
  std::string dev = fresh("/Sub", inType), sq = fresh("/Square", inType), var = fresh("/Var", statType);
  std::string veps = fresh("/AddEps", statType), sd = fresh("/Sqrt", statType);
  ex.node("Sub", w.name + "/Sub", {x, m}, {dev});
  ex.node("Mul", w.name + "/Square", {dev, dev}, {sq});
  mean(sq, var, "/Var");
  std::string eps = ex.initScalar(w.name + ".epsilon", llvm::cast<ShapedType>(statType).getElementType(),
                                  nrm.getEpsilon().convertToDouble());
  ex.node("Add", w.name + "/AddEps", {var, eps}, {veps});
  ex.node("Sqrt", w.name + "/Sqrt", {veps}, {sd});
  std::string inv = ex.output(nrm.getInvStdDev(), w.name + "/InvStdDev");
  ex.node("Reciprocal", w.name + "/InvStdDev", {sd}, {inv});
  ex.node("Mul", w.name, {dev, inv}, {w.out(0)});
  return success();
}

LogicalResult writeSlice(OpWriter &w, nn::SliceOp s) {
  Shape ys = shapeOf(s.getOutput());
  auto starts = s.getStarts(), steps = s.getSteps();
  SmallVector<int64_t> ends, axes;
  for (size_t a = 0; a < ys.size(); ++a) {
    int64_t end = starts[a] + steps[a] * ys[a];
    if (end < 0) // a negative end counts from the back in ONNX: past the front is INT64_MIN
      end = std::numeric_limits<int64_t>::min();
    ends.push_back(end);
    axes.push_back((int64_t)a);
  }
  std::string x = w.in(s.getInput(), "input");
  if (w.ex.opset < 10) {
    if (llvm::any_of(steps, [](int64_t st) { return st != 1; }))
      return w.fail("ONNX export: a strided slice needs opset 10 (the model's opset is " + Twine(w.ex.opset) + ")");
    auto &n = w.ex.node("Slice", w.name, {x}, {w.out()});
    Exporter::attr(n, "axes", ArrayRef<int64_t>(axes));
    Exporter::attr(n, "ends", ArrayRef<int64_t>(ends));
    Exporter::attr(n, "starts", starts);
    return success();
  }
  w.ex.node("Slice", w.name,
            {x, w.i64s("starts", starts), w.i64s("ends", ends), w.i64s("axes", axes), w.i64s("steps", steps)},
            {w.out()});
  return success();
}

LogicalResult writePad(OpWriter &w, nn::PadOp p) {
  std::string x = w.in(p.getInput(), "input");
  float value = p.getValue().convertToFloat();
  if (w.ex.opset < 11) {
    auto &n = w.ex.node("Pad", w.name, {x}, {w.out()});
    Exporter::attr(n, "mode", p.getMode());
    Exporter::attr(n, "pads", p.getPads());
    Exporter::attr(n, "value", value);
    return success();
  }
  SmallVector<std::string> ins = {x, w.i64s("pads", p.getPads())};
  auto elem = llvm::cast<ShapedType>(p.getInput().getType()).getElementType();
  if (p.getMode() == "constant" && value != 0.0f)
    ins.push_back(w.ex.initScalar(w.name + ".constant_value", elem, value));
  Exporter::attr(w.ex.node("Pad", w.name, ins, {w.out()}), "mode", p.getMode());
  return success();
}

/// Resize from opset 11 (roi, scales, sizes inputs; coordinate modes).
LogicalResult writeResize(OpWriter &w, nn::ResizeOp r) {
  if (w.ex.opset < 11)
    return w.fail("ONNX export: resize needs opset 11 (the model's opset is " + Twine(w.ex.opset) + ")");
  if (r.getCoordinateMode() == "tf_crop_and_resize")
    return w.fail("ONNX export: resize with tf_crop_and_resize has no region of interest in nn");
  Shape xs = shapeOf(r.getInput()), ys = shapeOf(r.getOutput());
  auto scales = r.getScales();
  bool scalesGiveSizes = true; // ONNX: out = floor(in * scale)
  for (size_t a = 0; a < xs.size(); ++a)
    scalesGiveSizes &= (int64_t)std::floor((double)xs[a] * (double)scales[a]) == ys[a];
  std::string roi = w.ex.opset >= 13 ? std::string() : w.ex.initF32(w.name + ".roi", {}, {0});
  SmallVector<std::string> ins = {w.in(r.getInput(), "input"), roi};
  if (scalesGiveSizes) {
    ins.push_back(w.ex.initF32(w.name + ".scales", SmallVector<float>(scales), {(int64_t)scales.size()}));
  } else {
    for (size_t a = 0; a < xs.size(); ++a) // with sizes, ONNX's coordinate transform uses out/in
      if ((float)ys[a] / (float)xs[a] != scales[a])
        return w.fail("ONNX export: resize scales that are neither out/in nor give the output size");
    ins.push_back(w.ex.initF32(w.name + ".scales", {}, {0}));
    ins.push_back(w.i64s("sizes", ys));
  }
  auto &n = w.ex.node("Resize", w.name, ins, {w.out()});
  Exporter::attr(n, "coordinate_transformation_mode", r.getCoordinateMode());
  if (r.getMode() == "cubic")
    Exporter::attr(n, "cubic_coeff_a", r.getCubicCoeffA().convertToFloat());
  if (r->hasAttr("exclude_outside"))
    Exporter::attr(n, "exclude_outside", (int64_t)1);
  Exporter::attr(n, "mode", r.getMode());
  if (r.getMode() == "nearest")
    Exporter::attr(n, "nearest_mode", r.getNearestMode());
  return success();
}

LogicalResult writeDataMovement(OpWriter &w, Operation *op) {
  Exporter &ex = w.ex;
  if (auto t = llvm::dyn_cast<nn::TransposeOp>(op)) {
    Exporter::attr(ex.node("Transpose", w.name, {w.in(t.getInput(), "input")}, {w.out()}), "perm", t.getPerm());
  } else if (auto r = llvm::dyn_cast<nn::ReshapeOp>(op)) {
    ex.node("Reshape", w.name, {w.in(r.getInput(), "input"), w.i64s("shape", shapeOf(r.getOutput()))}, {w.out()});
  } else if (auto c = llvm::dyn_cast<nn::ConcatOp>(op)) {
    SmallVector<std::string> ins;
    for (auto [k, v] : llvm::enumerate(c.getInputs()))
      ins.push_back(w.in(v, "input_" + std::to_string(k)));
    int64_t axis = (int64_t)c.getAxis();
    if (axis < 0)
      axis += rankOf(c.getOutput());
    Exporter::attr(ex.node("Concat", w.name, ins, {w.out()}), "axis", axis);
  } else if (auto g = llvm::dyn_cast<nn::GatherOp>(op)) {
    auto &n = ex.node("Gather", w.name, {w.in(g.getInput(), "data"), w.in(g.getIndices(), "indices")}, {w.out()});
    Exporter::attr(n, "axis", (int64_t)g.getAxis());
  } else if (auto c = llvm::dyn_cast<nn::CastOp>(op)) {
    auto &n = ex.node("Cast", w.name, {w.in(c.getInput(), "input")}, {w.out()});
    Exporter::attr(n, "to", (int64_t)onnxElementType(llvm::cast<ShapedType>(c.getType()).getElementType()));
  } else {
    return failure();
  }
  return success();
}

/// An element type ONNX export cannot write (quantized tensors): the error names the op.
LogicalResult checkTypes(Operation *op) {
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  for (Type t : types) {
    auto shaped = llvm::dyn_cast<ShapedType>(t);
    if (shaped && onnxElementType(shaped.getElementType()))
      continue;
    std::string s;
    llvm::raw_string_ostream os(s);
    os << t;
    return op->emitError() << "ONNX export: " << op->getName() << " on " << os.str()
                           << " cannot be written (quantized or non-tensor values; export the float model, before "
                              "quantization)";
  }
  return success();
}

} // namespace

void Exporter::clamp(const std::string &base, bool fused, const std::string &x, std::optional<float> lo,
                     std::optional<float> hi, Value result) {
  if (lo && std::isinf(*lo) && *lo < 0)
    lo.reset();
  if (hi && std::isinf(*hi) && *hi > 0)
    hi.reset();
  if (lo && *lo == 0.0f && !hi) {
    std::string node = fused ? base + "/Relu" : base;
    this->node("Relu", node, {x}, {output(result, node)});
    return;
  }
  std::string node = fused ? base + "/Clip" : base;
  if (opset < 11) {
    auto &n = this->node("Clip", node, {x}, {output(result, node)});
    Exporter::attr(n, "max", hi.value_or(FLT_MAX));
    Exporter::attr(n, "min", lo.value_or(-FLT_MAX));
    return;
  }
  Type elem = llvm::cast<ShapedType>(result.getType()).getElementType();
  SmallVector<std::string> ins = {x, lo ? initScalar(node + ".min", elem, *lo) : std::string()};
  if (hi)
    ins.push_back(initScalar(node + ".max", elem, *hi));
  this->node("Clip", node, ins, {output(result, node)});
}

LogicalResult Exporter::exportOp(Operation *op) {
  if (failed(checkTypes(op)))
    return failure();
  if (!llvm::isa<nn::NNDialect>(op->getDialect()))
    return op->emitError() << "ONNX export: " << op->getName()
                           << " is not an nn op (export runs on the float nn module, before kernel lowering)";
  OpWriter w(*this, op);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](nn::Conv2DOp c) { return writeConv(w, c); })
      .Case([&](nn::ConvTranspose2DOp c) { return writeConvTranspose(w, c); })
      .Case([&](nn::FullyConnectedOp f) { return writeFullyConnected(w, f); })
      .Case([&](nn::MatMulOp m) {
        node("MatMul", w.name, {w.in(m.getLhs(), "A"), w.in(m.getRhs(), "B")}, {w.out()});
        return success();
      })
      .Case([&](nn::BinaryOp b) { return writeBinary(w, b); })
      .Case([&](nn::UnaryOp u) { return writeUnary(w, u); })
      .Case([&](nn::Pool2DOp p) { return writePool(w, p); })
      .Case([&](nn::ReduceOp r) { return writeReduce(w, r); })
      .Case([&](nn::SoftmaxOp s) { return writeSoftmax(w, s); })
      .Case([&](nn::NormalizeOp n) { return writeNormalize(w, n); })
      .Case([&](nn::SliceOp s) { return writeSlice(w, s); })
      .Case([&](nn::PadOp p) { return writePad(w, p); })
      .Case([&](nn::ResizeOp r) { return writeResize(w, r); })
      .Default([&](Operation *o) {
        if (succeeded(writeDataMovement(w, o)))
          return success();
        return w.fail("ONNX export: " + o->getName().getStringRef() + " has no ONNX form in the exporter");
      });
}

} // namespace emlc::exporter
