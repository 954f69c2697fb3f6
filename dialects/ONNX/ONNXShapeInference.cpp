//===- ONNXShapeInference.cpp - static result types of onnx ops ----------===//
//
// One rule per operator, keyed by mnemonic. Every rule reads only static
// operand shapes, attributes and constant operands, and names what it needs
// when something is missing (e.g. a Reshape target computed at run time).
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "llvm/ADT/StringMap.h"
#include <functional>
#include <numeric>

using namespace mlir;
namespace emlc::onnx {

namespace {
using Shape = SmallVector<int64_t>;

struct Ctx {
  ValueRange operands;
  DictionaryAttr attrs;
  unsigned numResults;
  SmallVectorImpl<Type> &results;
  std::string &error;

  bool fail(const std::string &msg) {
    error = msg;
    return false;
  }
  bool has(unsigned i) const { return i < operands.size() && !isNone(operands[i]); }
  RankedTensorType type(unsigned i) const {
    return llvm::dyn_cast<RankedTensorType>(operands[i].getType());
  }
  Shape shape(unsigned i) const {
    auto t = type(i);
    return Shape(t.getShape().begin(), t.getShape().end());
  }
  Type elem(unsigned i) const { return type(i).getElementType(); }
  void add(ArrayRef<int64_t> s, Type e) { results.push_back(RankedTensorType::get(s, e)); }
  /// Same type as operand 0 for every result.
  bool same() {
    for (unsigned i = 0; i < numResults; ++i)
      results.push_back(operands[0].getType());
    return true;
  }
};

bool inferBroadcast(Ctx &c, Type elem) {
  Shape out = c.shape(0);
  for (unsigned i = 1; i < c.operands.size(); ++i) {
    Shape next;
    if (!broadcastShapes(out, c.shape(i), next))
      return c.fail("inputs 0 and " + std::to_string(i) + " do not broadcast");
    out = next;
  }
  c.add(out, elem);
  return true;
}

bool inferConv(Ctx &c, bool transpose) {
  Shape x = c.shape(0), w = c.shape(1);
  if (x.size() < 3 || w.size() != x.size())
    return c.fail("expects input and weight of equal rank >= 3");
  size_t n = x.size() - 2;
  int64_t group = getIntAttr(c.attrs, "group", 1);
  Shape kernel(w.begin() + 2, w.end());
  if (auto ks = getIntsAttr(c.attrs, "kernel_shape"))
    if (!llvm::equal(*ks, kernel))
      return c.fail("kernel_shape does not match the weight shape");
  if (!transpose) {
    if (group <= 0 || x[1] != w[1] * group)
      return c.fail("input channels " + std::to_string(x[1]) + " != weight channels " +
                    std::to_string(w[1]) + " x group " + std::to_string(group));
    WindowGeometry g;
    std::string err = resolveWindow(c.attrs, ArrayRef<int64_t>(x).drop_front(2), kernel, g, false);
    if (!err.empty())
      return c.fail(err);
    Shape out{x[0], w[0]};
    out.append(g.out.begin(), g.out.end());
    c.add(out, c.elem(0));
    return true;
  }
  if (x[1] != w[0])
    return c.fail("input channels do not match the weight's first dimension");
  auto strides = getIntsAttr(c.attrs, "strides").value_or(std::vector<int64_t>(n, 1));
  auto dil = getIntsAttr(c.attrs, "dilations").value_or(std::vector<int64_t>(n, 1));
  auto outPad = getIntsAttr(c.attrs, "output_padding").value_or(std::vector<int64_t>(n, 0));
  auto pads = getIntsAttr(c.attrs, "pads").value_or(std::vector<int64_t>(2 * n, 0));
  Shape out{x[0], w[1] * group};
  if (auto os = getIntsAttr(c.attrs, "output_shape")) {
    if (os->size() != n && os->size() != n + 2)
      return c.fail("output_shape has the wrong rank");
    Shape sp(os->end() - n, os->end());
    out.append(sp.begin(), sp.end());
  } else {
    std::string autoPad = getStrAttr(c.attrs, "auto_pad", "NOTSET");
    for (size_t i = 0; i < n; ++i) {
      if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
        out.push_back(x[i + 2] * strides[i]);
      else
        out.push_back(strides[i] * (x[i + 2] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1 -
                      (autoPad == "VALID" ? 0 : pads[i] + pads[i + n]));
    }
  }
  c.add(out, c.elem(0));
  return true;
}

bool inferPool(Ctx &c, bool isMax) {
  Shape x = c.shape(0);
  if (x.size() < 3)
    return c.fail("expects an input of rank >= 3 (N, C, spatial...)");
  auto ks = getIntsAttr(c.attrs, "kernel_shape");
  if (!ks)
    return c.fail("attribute kernel_shape is required");
  WindowGeometry g;
  std::string err = resolveWindow(c.attrs, ArrayRef<int64_t>(x).drop_front(2), *ks, g, true);
  if (!err.empty())
    return c.fail(err);
  Shape out{x[0], x[1]};
  out.append(g.out.begin(), g.out.end());
  c.add(out, c.elem(0));
  if (isMax && c.numResults > 1)
    c.add(out, IntegerType::get(c.operands[0].getContext(), 64));
  return true;
}

/// Reduce axes from operand 1 (normalized at import) with keepdims.
bool inferReduce(Ctx &c) {
  Shape x = c.shape(0);
  std::vector<int64_t> axes;
  if (c.has(1)) {
    auto a = getConstInts(c.operands[1]);
    if (!a)
      return c.fail("axes must be a constant");
    axes = *a;
  }
  bool keep = getIntAttr(c.attrs, "keepdims", 1) != 0;
  if (axes.empty() && getIntAttr(c.attrs, "noop_with_empty_axes", 0) != 0)
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
    else if (keep)
      out.push_back(1);
  c.add(out, c.elem(0));
  return true;
}

bool inferReshape(Ctx &c) {
  Shape x = c.shape(0);
  auto target = getConstInts(c.operands[1]);
  if (!target)
    return c.fail("the target shape is computed at run time; emlc needs it constant "
                  "(bind dynamic inputs with --shape)");
  bool allowZero = getIntAttr(c.attrs, "allowzero", 0) != 0;
  int64_t total = std::accumulate(x.begin(), x.end(), int64_t(1), std::multiplies<>());
  Shape out;
  int64_t known = 1, inferAt = -1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !allowZero) {
      if (i >= x.size())
        return c.fail("shape entry 0 copies a dimension the input does not have");
      d = x[i];
    }
    if (d == -1) {
      if (inferAt >= 0)
        return c.fail("more than one -1 in the target shape");
      inferAt = i;
      out.push_back(1);
      continue;
    }
    if (d < 0)
      return c.fail("negative dimension in the target shape");
    known *= d;
    out.push_back(d);
  }
  if (inferAt >= 0) {
    if (known == 0 || total % known)
      return c.fail("cannot infer the -1 dimension");
    out[inferAt] = total / known;
  } else if (known != total) {
    return c.fail("target shape has " + std::to_string(known) + " elements, input has " +
                  std::to_string(total));
  }
  c.add(out, c.elem(0));
  return true;
}

bool inferSlice(Ctx &c) {
  Shape x = c.shape(0);
  auto starts = getConstInts(c.operands[1]), ends = getConstInts(c.operands[2]);
  if (!starts || !ends)
    return c.fail("starts and ends must be constants");
  std::vector<int64_t> axes(starts->size()), steps(starts->size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (c.has(3)) {
    auto a = getConstInts(c.operands[3]);
    if (!a)
      return c.fail("axes must be a constant");
    axes = *a;
  }
  if (c.has(4)) {
    auto s = getConstInts(c.operands[4]);
    if (!s)
      return c.fail("steps must be a constant");
    steps = *s;
  }
  if (axes.size() != starts->size() || ends->size() != starts->size() || steps.size() != starts->size())
    return c.fail("starts/ends/axes/steps lengths differ");
  Shape out = x;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = normalizeAxis(axes[i], x.size());
    if (a < 0 || a >= (int64_t)x.size())
      return c.fail("axis out of range");
    int64_t d = x[a], st = steps[i];
    if (st == 0)
      return c.fail("step 0");
    int64_t b = (*starts)[i], e = (*ends)[i];
    if (b < 0) b += d;
    if (e < 0) e += d;
    if (st > 0) {
      b = std::clamp<int64_t>(b, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      out[a] = std::max<int64_t>(0, (e - b + st - 1) / st);
    } else {
      b = std::clamp<int64_t>(b, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      out[a] = std::max<int64_t>(0, (b - e + (-st) - 1) / (-st));
    }
  }
  c.add(out, c.elem(0));
  return true;
}

bool inferRecurrent(Ctx &c, int gates) {
  Shape x = c.shape(0), w = c.shape(1);
  bool batchFirst = getIntAttr(c.attrs, "layout", 0) != 0;
  if (x.size() != 3 || w.size() != 3)
    return c.fail("X and W must be 3-D");
  int64_t hidden = getIntAttr(c.attrs, "hidden_size", w[1] / gates);
  int64_t dirs = w[0];
  int64_t seq = batchFirst ? x[1] : x[0], batch = batchFirst ? x[0] : x[1];
  Type e = c.elem(0);
  if (batchFirst)
    c.add({batch, seq, dirs, hidden}, e);
  else
    c.add({seq, dirs, batch, hidden}, e);
  for (unsigned i = 1; i < c.numResults; ++i)
    if (batchFirst)
      c.add({batch, dirs, hidden}, e);
    else
      c.add({dirs, batch, hidden}, e);
  return true;
}

bool inferResize(Ctx &c) {
  Shape x = c.shape(0);
  Shape out = x;
  // Operands after import normalization: X, roi, scales, sizes.
  if (c.has(3)) {
    auto sizes = getConstInts(c.operands[3]);
    if (!sizes || sizes->size() != x.size())
      return c.fail("sizes must be a constant with one entry per axis");
    out.assign(sizes->begin(), sizes->end());
  } else if (c.has(2)) {
    auto scales = getConstFloats(c.operands[2]);
    if (!scales || scales->size() != x.size())
      return c.fail("scales must be a constant with one entry per axis");
    for (size_t i = 0; i < x.size(); ++i)
      out[i] = (int64_t)std::floor(x[i] * (*scales)[i]);
  } else {
    return c.fail("needs scales or sizes");
  }
  c.add(out, c.elem(0));
  return true;
}

using Rule = std::function<bool(Ctx &)>;

const llvm::StringMap<Rule> &rules() {
  static const llvm::StringMap<Rule> table = [] {
    llvm::StringMap<Rule> t;
    auto same = [](Ctx &c) { return c.same(); };
    for (const char *n : {"relu", "leaky_relu", "clip", "sigmoid", "hard_sigmoid", "hard_swish", "tanh",
                          "elu", "selu", "softmax", "log_softmax", "exp", "log", "sqrt", "abs", "neg",
                          "reciprocal", "floor", "ceil", "round", "erf", "softplus", "softsign", "sin", "cos",
                          "identity", "instance_normalization"})
      t[n] = same;
    t["p_relu"] = [](Ctx &c) {
      Shape out;
      if (!broadcastShapes(c.shape(0), preluSlopeShape(c.shape(0), c.shape(1)), out))
        return c.fail("slope does not broadcast to the input");
      c.add(out, c.elem(0));
      return true;
    };
    for (const char *n : {"add", "sub", "mul", "div", "pow", "min", "max", "sum", "mean"})
      t[n] = [](Ctx &c) { return inferBroadcast(c, c.elem(0)); };
    t["equal"] = [](Ctx &c) { return inferBroadcast(c, IntegerType::get(c.elem(0).getContext(), 1)); };
    t["where"] = [](Ctx &c) {
      Shape s;
      if (!broadcastShapes(c.shape(0), c.shape(1), s))
        return c.fail("inputs do not broadcast");
      Shape s2;
      if (!broadcastShapes(s, c.shape(2), s2))
        return c.fail("inputs do not broadcast");
      c.add(s2, c.elem(1));
      return true;
    };
    t["dropout"] = [](Ctx &c) {
      c.add(c.shape(0), c.elem(0));
      if (c.numResults > 1)
        c.add(c.shape(0), IntegerType::get(c.elem(0).getContext(), 1));
      return true;
    };
    t["cast"] = [](Ctx &c) {
      Type e = elementTypeFromONNX(c.elem(0).getContext(), getIntAttr(c.attrs, "to", 0));
      if (!e)
        return c.fail("cast target type " + std::to_string(getIntAttr(c.attrs, "to", 0)) +
                      " is not supported");
      c.add(c.shape(0), e);
      return true;
    };
    t["dequantize_linear"] = [](Ctx &c) {
      c.add(c.shape(0), Float32Type::get(c.elem(0).getContext()));
      return true;
    };
    t["quantize_linear"] = [](Ctx &c) {
      Type e = c.has(2) ? c.elem(2) : IntegerType::get(c.elem(0).getContext(), 8, IntegerType::Unsigned);
      c.add(c.shape(0), e);
      return true;
    };
    t["conv"] = [](Ctx &c) { return inferConv(c, false); };
    // Integer and QOperator forms: the float op's geometry on (x, w), the
    // element type of the zero point of y (QLinear*) or int32 (*Integer).
    auto onPair = [](unsigned x, unsigned w, int yzp, bool conv) {
      return [=](Ctx &c) {
        if (!c.has(x) || !c.has(w) || (yzp >= 0 && !c.has(yzp)))
          return c.fail("missing input");
        SmallVector<Value> pair{c.operands[x], c.operands[w]};
        SmallVector<Type> types;
        Ctx sub{pair, c.attrs, 1, types, c.error};
        if (!(conv ? inferConv(sub, false) : rules().lookup("mat_mul")(sub)))
          return false;
        c.add(llvm::cast<RankedTensorType>(types[0]).getShape(),
              yzp >= 0 ? c.elem(yzp) : IntegerType::get(c.elem(0).getContext(), 32));
        return true;
      };
    };
    t["q_linear_conv"] = onPair(0, 3, 7, true);
    t["q_linear_mat_mul"] = onPair(0, 3, 7, false);
    t["conv_integer"] = onPair(0, 1, -1, true);
    t["mat_mul_integer"] = onPair(0, 1, -1, false);
    t["dynamic_quantize_linear"] = [](Ctx &c) {
      MLIRContext *ctx = c.elem(0).getContext();
      Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
      c.add(c.shape(0), u8);
      c.add({}, Float32Type::get(ctx));
      c.add({}, u8);
      return true;
    };
    t["conv_transpose"] = [](Ctx &c) { return inferConv(c, true); };
    t["gemm"] = [](Ctx &c) {
      Shape a = c.shape(0), b = c.shape(1);
      if (a.size() != 2 || b.size() != 2)
        return c.fail("A and B must be 2-D");
      bool ta = getIntAttr(c.attrs, "transA", 0), tb = getIntAttr(c.attrs, "transB", 0);
      int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
      int64_t kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
      if (k != kb)
        return c.fail("inner dimensions differ (" + std::to_string(k) + " vs " + std::to_string(kb) + ")");
      c.add({m, n}, c.elem(0));
      return true;
    };
    t["mat_mul"] = [](Ctx &c) {
      Shape a = c.shape(0), b = c.shape(1);
      if (a.empty() || b.empty())
        return c.fail("scalar operands");
      bool va = a.size() == 1, vb = b.size() == 1;
      if (va) a.insert(a.begin(), 1);
      if (vb) b.push_back(1);
      if (a.back() != b[b.size() - 2])
        return c.fail("inner dimensions differ");
      Shape batch;
      if (!broadcastShapes(ArrayRef<int64_t>(a).drop_back(2), ArrayRef<int64_t>(b).drop_back(2), batch))
        return c.fail("batch dimensions do not broadcast");
      Shape out = batch;
      if (!va) out.push_back(a[a.size() - 2]);
      if (!vb) out.push_back(b.back());
      c.add(out, c.elem(0));
      return true;
    };
    t["lstm"] = [](Ctx &c) { return inferRecurrent(c, 4); };
    t["gru"] = [](Ctx &c) { return inferRecurrent(c, 3); };
    t["rnn"] = [](Ctx &c) { return inferRecurrent(c, 1); };
    t["max_pool"] = [](Ctx &c) { return inferPool(c, true); };
    t["average_pool"] = [](Ctx &c) { return inferPool(c, false); };
    auto global = [](Ctx &c) {
      Shape x = c.shape(0);
      if (x.size() < 3)
        return c.fail("expects an input of rank >= 3");
      for (size_t i = 2; i < x.size(); ++i)
        x[i] = 1;
      c.add(x, c.elem(0));
      return true;
    };
    t["global_average_pool"] = global;
    t["global_max_pool"] = global;
    t["batch_normalization"] = [](Ctx &c) {
      if (c.numResults > 1 || getIntAttr(c.attrs, "training_mode", 0))
        return c.fail("training mode (running mean/var outputs) is not supported");
      return c.same();
    };
    t["layer_normalization"] = [](Ctx &c) {
      Shape x = c.shape(0);
      int64_t axis = normalizeAxis(getIntAttr(c.attrs, "axis", -1), x.size());
      c.add(x, c.elem(0));
      Shape stat = x;
      for (size_t i = axis; i < x.size(); ++i)
        stat[i] = 1;
      for (unsigned i = 1; i < c.numResults; ++i)
        c.add(stat, c.elem(0));
      return true;
    };
    for (const char *n : {"reduce_mean", "reduce_max", "reduce_min", "reduce_sum"})
      t[n] = inferReduce;
    t["concat"] = [](Ctx &c) {
      Shape out = c.shape(0);
      int64_t axis = normalizeAxis(getIntAttr(c.attrs, "axis", 0), out.size());
      if (axis < 0 || axis >= (int64_t)out.size())
        return c.fail("axis out of range");
      for (unsigned i = 1; i < c.operands.size(); ++i) {
        Shape s = c.shape(i);
        if (s.size() != out.size())
          return c.fail("inputs have different ranks");
        for (size_t d = 0; d < s.size(); ++d)
          if ((int64_t)d != axis && s[d] != out[d])
            return c.fail("input " + std::to_string(i) + " differs off the concat axis");
        out[axis] += s[axis];
      }
      c.add(out, c.elem(0));
      return true;
    };
    t["reshape"] = inferReshape;
    t["flatten"] = [](Ctx &c) {
      Shape x = c.shape(0);
      int64_t axis = normalizeAxis(getIntAttr(c.attrs, "axis", 1), x.size());
      if (axis < 0 || axis > (int64_t)x.size())
        return c.fail("axis out of range");
      int64_t a = 1, b = 1;
      for (int64_t i = 0; i < (int64_t)x.size(); ++i)
        (i < axis ? a : b) *= x[i];
      c.add({a, b}, c.elem(0));
      return true;
    };
    t["squeeze"] = [](Ctx &c) {
      Shape x = c.shape(0);
      std::vector<bool> drop(x.size(), false);
      if (c.has(1)) {
        auto axes = getConstInts(c.operands[1]);
        if (!axes)
          return c.fail("axes must be a constant");
        for (int64_t a : *axes) {
          a = normalizeAxis(a, x.size());
          if (a < 0 || a >= (int64_t)x.size() || x[a] != 1)
            return c.fail("cannot squeeze axis " + std::to_string(a));
          drop[a] = true;
        }
      } else {
        for (size_t i = 0; i < x.size(); ++i)
          drop[i] = x[i] == 1;
      }
      Shape out;
      for (size_t i = 0; i < x.size(); ++i)
        if (!drop[i])
          out.push_back(x[i]);
      c.add(out, c.elem(0));
      return true;
    };
    t["unsqueeze"] = [](Ctx &c) {
      Shape x = c.shape(0);
      auto axes = getConstInts(c.operands[1]);
      if (!axes)
        return c.fail("axes must be a constant");
      int64_t r = x.size() + axes->size();
      std::vector<bool> ins(r, false);
      for (int64_t a : *axes) {
        a = normalizeAxis(a, r);
        if (a < 0 || a >= r || ins[a])
          return c.fail("bad unsqueeze axis");
        ins[a] = true;
      }
      Shape out;
      size_t k = 0;
      for (int64_t i = 0; i < r; ++i)
        out.push_back(ins[i] ? 1 : x[k++]);
      c.add(out, c.elem(0));
      return true;
    };
    t["transpose"] = [](Ctx &c) {
      Shape x = c.shape(0);
      std::vector<int64_t> perm(x.size());
      std::iota(perm.rbegin(), perm.rend(), 0);
      perm = getIntsAttr(c.attrs, "perm").value_or(perm);
      if (perm.size() != x.size())
        return c.fail("perm has the wrong length");
      Shape out;
      for (int64_t p : perm) {
        if (p < 0 || p >= (int64_t)x.size())
          return c.fail("perm entry out of range");
        out.push_back(x[p]);
      }
      c.add(out, c.elem(0));
      return true;
    };
    t["pad"] = [](Ctx &c) {
      Shape x = c.shape(0);
      auto pads = getConstInts(c.operands[1]);
      if (!pads || pads->size() != 2 * x.size())
        return c.fail("pads must be a constant of length 2 x rank");
      Shape out = x;
      for (size_t i = 0; i < x.size(); ++i)
        out[i] += (*pads)[i] + (*pads)[i + x.size()];
      c.add(out, c.elem(0));
      return true;
    };
    t["slice"] = inferSlice;
    t["split"] = [](Ctx &c) {
      Shape x = c.shape(0);
      int64_t axis = normalizeAxis(getIntAttr(c.attrs, "axis", 0), x.size());
      if (axis < 0 || axis >= (int64_t)x.size())
        return c.fail("axis out of range");
      std::vector<int64_t> parts;
      if (c.has(1)) {
        auto s = getConstInts(c.operands[1]);
        if (!s)
          return c.fail("split must be a constant");
        parts = *s;
      } else {
        int64_t n = c.numResults, d = x[axis];
        int64_t chunk = (d + n - 1) / n;
        for (int64_t i = 0; i < n; ++i)
          parts.push_back(std::min(chunk, d - chunk * i));
      }
      if (parts.size() != c.numResults ||
          std::accumulate(parts.begin(), parts.end(), int64_t(0)) != x[axis])
        return c.fail("split sizes do not add up to the axis");
      for (int64_t p : parts) {
        Shape s = x;
        s[axis] = p;
        c.add(s, c.elem(0));
      }
      return true;
    };
    t["gather"] = [](Ctx &c) {
      Shape x = c.shape(0), idx = c.shape(1);
      int64_t axis = normalizeAxis(getIntAttr(c.attrs, "axis", 0), x.size());
      if (axis < 0 || axis >= (int64_t)x.size())
        return c.fail("axis out of range");
      Shape out(x.begin(), x.begin() + axis);
      out.append(idx.begin(), idx.end());
      out.append(x.begin() + axis + 1, x.end());
      c.add(out, c.elem(0));
      return true;
    };
    t["shape"] = [](Ctx &c) {
      int64_t r = c.shape(0).size();
      int64_t b = std::clamp<int64_t>(normalizeAxis(getIntAttr(c.attrs, "start", 0), r), 0, r);
      int64_t e = std::clamp<int64_t>(normalizeAxis(getIntAttr(c.attrs, "end", r), r), 0, r);
      c.add({std::max<int64_t>(0, e - b)}, IntegerType::get(c.elem(0).getContext(), 64));
      return true;
    };
    t["constant_of_shape"] = [](Ctx &c) {
      auto s = getConstInts(c.operands[0]);
      if (!s)
        return c.fail("the shape must be a constant");
      Type e = Float32Type::get(c.elem(0).getContext());
      if (auto v = c.attrs ? c.attrs.getAs<DenseElementsAttr>("value") : nullptr)
        e = v.getElementType();
      c.add(*s, e);
      return true;
    };
    t["expand"] = [](Ctx &c) {
      auto s = getConstInts(c.operands[1]);
      if (!s)
        return c.fail("the target shape must be a constant");
      Shape out;
      if (!broadcastShapes(c.shape(0), *s, out))
        return c.fail("shape does not broadcast");
      c.add(out, c.elem(0));
      return true;
    };
    t["range"] = [](Ctx &c) {
      auto s = getConstant(c.operands[0]), l = getConstant(c.operands[1]), d = getConstant(c.operands[2]);
      if (!s || !l || !d)
        return c.fail("start, limit and delta must be constants");
      auto val = [](DenseElementsAttr a) {
        return llvm::isa<FloatType>(a.getElementType())
                   ? (*a.getValues<APFloat>().begin()).convertToDouble()
                   : (double)(*a.getValues<APInt>().begin()).getSExtValue();
      };
      double n = std::ceil((val(l) - val(s)) / val(d));
      c.add({std::max<int64_t>(0, (int64_t)n)}, c.elem(0));
      return true;
    };
    t["resize"] = inferResize;
    t["depth_to_space"] = [](Ctx &c) {
      Shape x = c.shape(0);
      int64_t b = getIntAttr(c.attrs, "blocksize", 0);
      if (x.size() != 4 || b <= 0 || x[1] % (b * b))
        return c.fail("expects NCHW input with C divisible by blocksize^2");
      c.add({x[0], x[1] / (b * b), x[2] * b, x[3] * b}, c.elem(0));
      return true;
    };
    t["space_to_depth"] = [](Ctx &c) {
      Shape x = c.shape(0);
      int64_t b = getIntAttr(c.attrs, "blocksize", 0);
      if (x.size() != 4 || b <= 0 || x[2] % b || x[3] % b)
        return c.fail("expects NCHW input with H and W divisible by blocksize");
      c.add({x[0], x[1] * b * b, x[2] / b, x[3] / b}, c.elem(0));
      return true;
    };
    return t;
  }();
  return table;
}
} // namespace

bool inferResultTypes(StringRef opName, ValueRange operands, DictionaryAttr attrs,
                      unsigned numResults, SmallVectorImpl<Type> &resultTypes,
                      std::string &error) {
  auto it = rules().find(opName);
  if (it == rules().end()) {
    error = "no shape inference rule";
    return false;
  }
  for (Value v : operands)
    if (!isNone(v) && !llvm::isa<RankedTensorType>(v.getType())) {
      error = "an input has no static shape";
      return false;
    }
  Ctx c{operands, attrs, numResults, resultTypes, error};
  if (!it->second(c))
    return false;
  if (resultTypes.size() != numResults) {
    error = "produces " + std::to_string(resultTypes.size()) + " results, the node names " +
            std::to_string(numResults);
    return false;
  }
  return true;
}

Operation *buildOp(OpBuilder &b, Location loc, StringRef mnemonic, ValueRange operands, DictionaryAttr attrs,
                   unsigned numResults, std::string &error) {
  SmallVector<Type> types;
  if (!inferResultTypes(mnemonic, operands, attrs, numResults, types, error))
    return nullptr;
  OperationState state(loc, ("onnx." + mnemonic).str());
  state.addOperands(operands);
  state.addTypes(types);
  if (attrs)
    state.addAttributes(attrs.getValue());
  return b.create(state);
}

Type elementTypeFromONNX(MLIRContext *ctx, int64_t onnxType) {
  switch (onnxType) {
  case 1: return Float32Type::get(ctx);
  case 2: return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case 3: return IntegerType::get(ctx, 8);
  case 4: return IntegerType::get(ctx, 16, IntegerType::Unsigned);
  case 5: return IntegerType::get(ctx, 16);
  case 6: return IntegerType::get(ctx, 32);
  case 7: return IntegerType::get(ctx, 64);
  case 9: return IntegerType::get(ctx, 1);
  case 10: return Float16Type::get(ctx);
  case 11: return Float64Type::get(ctx);
  case 12: return IntegerType::get(ctx, 32, IntegerType::Unsigned);
  case 13: return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  default: return {};
  }
}


std::string onnxOpTypeFor(StringRef mnemonic) {
  static const llvm::StringMap<std::string> special = {
      {"lstm", "LSTM"}, {"gru", "GRU"}, {"rnn", "RNN"}, {"p_relu", "PRelu"}, {"mat_mul", "MatMul"}};
  if (auto it = special.find(mnemonic); it != special.end())
    return it->second;
  std::string out;
  bool upper = true;
  for (char ch : mnemonic) {
    if (ch == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper ? (char)std::toupper((unsigned char)ch) : ch);
    upper = false;
  }
  return out;
}

std::string mnemonicFor(StringRef onnxOpType) {
  // Special cases where the ONNX name has an acronym.
  static const llvm::StringMap<std::string> special = {
      {"LSTM", "lstm"}, {"GRU", "gru"}, {"RNN", "rnn"}, {"PRelu", "p_relu"},
      {"MatMul", "mat_mul"}, {"QLinearConv", "q_linear_conv"}, {"QLinearMatMul", "q_linear_mat_mul"}};
  if (auto it = special.find(onnxOpType); it != special.end())
    return it->second;
  std::string out;
  for (size_t i = 0; i < onnxOpType.size(); ++i) {
    char ch = onnxOpType[i];
    if (std::isupper((unsigned char)ch)) {
      if (i > 0)
        out.push_back('_');
      out.push_back(std::tolower((unsigned char)ch));
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

} // namespace emlc::onnx
