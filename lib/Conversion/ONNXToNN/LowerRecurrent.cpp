//===- LowerRecurrent.cpp - LSTM, GRU and RNN unrolled into nn ops --------===//
//
// Unrolled over the (static) sequence: per step and direction, the gate
// pre-activations are x_t * W^T + h * R^T + b (two fully connected ops), split
// per gate with slices, then the ONNX cell equations with elementwise ops.
// Layout 1 (batch first) is a transpose on each side.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace emlc;
using namespace emlc::lowering;

namespace {

enum class Cell { LSTM, GRU, RNN };

/// The attributes of one recurrent op, read through its accessors.
struct Recurrent {
  Cell cell;
  StringRef name;    ///< for messages
  int gates, perDir; ///< gates per cell; activations per direction
  std::optional<int64_t> hiddenSize;
  bool batchFirst = false, inputForget = false, linearBeforeReset = false;
  StringRef direction;
  float clip = 0; ///< 0: none
  std::vector<std::string> acts;
  std::vector<float> alphas, betas;

  template <typename OpT> static Recurrent of(OpT op, Cell cell) {
    Recurrent r;
    r.cell = cell;
    r.name = cell == Cell::LSTM ? "LSTM" : cell == Cell::GRU ? "GRU" : "RNN";
    r.gates = cell == Cell::LSTM ? 4 : cell == Cell::GRU ? 3 : 1;
    r.perDir = cell == Cell::LSTM ? 3 : cell == Cell::GRU ? 2 : 1;
    r.hiddenSize = op.getHiddenSize();
    r.batchFirst = op.getLayout() != 0;
    r.direction = op.getDirection();
    r.clip = op.getClip().value_or(0.0f);
    if (auto a = op.getActivations())
      for (Attribute s : *a)
        r.acts.push_back(llvm::cast<StringAttr>(s).getValue().str());
    if (auto a = op.getActivationAlpha())
      r.alphas.assign(a->begin(), a->end());
    if (auto b = op.getActivationBeta())
      r.betas.assign(b->begin(), b->end());
    if constexpr (std::is_same_v<OpT, onnx::LSTMOp>)
      r.inputForget = op.getInputForget() != 0;
    if constexpr (std::is_same_v<OpT, onnx::GRUOp>)
      r.linearBeforeReset = op.getLinearBeforeReset() != 0;
    return r;
  }
};

/// The activation functions f, g(, h) per direction with their alpha/beta.
struct Activations {
  std::vector<std::string> names;
  std::vector<std::pair<float, float>> params;
  std::string unsupported; ///< set by apply() on a name it does not know

  /// Absent activations take the specification's defaults per direction.
  static Activations of(const Recurrent &r, int64_t dirs) {
    Activations a;
    a.names = r.acts;
    if (a.names.empty()) {
      std::vector<std::string> dflt = r.cell == Cell::LSTM  ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                      : r.cell == Cell::GRU ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                            : std::vector<std::string>{"Tanh"};
      for (int64_t d = 0; d < dirs; ++d)
        a.names.insert(a.names.end(), dflt.begin(), dflt.end());
    }
    // Alphas/betas are consumed in order by the activations that take them.
    a.params.assign(a.names.size(), {0.0f, 0.0f});
    size_t ai = 0, bi = 0;
    for (size_t i = 0; i < a.names.size(); ++i) {
      const std::string &n = a.names[i];
      if (n == "LeakyRelu" || n == "Elu" || n == "HardSigmoid" || n == "ThresholdedRelu" || n == "ScaledTanh" ||
          n == "Affine")
        a.params[i].first = ai < r.alphas.size() ? r.alphas[ai++]
                                                 : (n == "LeakyRelu"     ? 0.01f
                                                    : n == "HardSigmoid" ? 0.2f
                                                                         : 1.0f);
      if (n == "HardSigmoid" || n == "ScaledTanh" || n == "Affine")
        a.params[i].second = bi < r.betas.size() ? r.betas[bi++] : (n == "HardSigmoid" ? 0.5f : 0.0f);
    }
    return a;
  }

  Value apply(Lowerer &L, Value v, size_t idx) {
    const std::string &a = names[idx];
    auto [alpha, beta] = params[idx];
    using K = nn::UnaryKind;
    if (a == "Sigmoid")
      return L.unary(K::sigmoid, v);
    if (a == "Tanh")
      return L.unary(K::tanh, v);
    if (a == "Relu")
      return L.unary(K::relu, v);
    if (a == "LeakyRelu")
      return L.unary(K::leaky_relu, v, alpha);
    if (a == "Elu")
      return L.unary(K::elu, v, alpha);
    if (a == "HardSigmoid")
      return L.unary(K::hard_sigmoid, v, alpha, beta);
    if (a == "Softsign")
      return L.unary(K::softsign, v);
    if (a == "Softplus")
      return L.unary(K::softplus, v);
    unsupported = a;
    return v;
  }
};

/// The unrolling of one op: sizes, builders, and one direction at a time.
struct Unroller {
  Lowerer &L;
  const Recurrent &r;
  Activations &acts;
  Value X, W, R;
  int64_t dirs, H, seq, batch, in;
  Type f32;

  Value slice(Value v, int64_t axis, int64_t start, int64_t len) {
    Shape s = L.shape(v);
    SmallVector<int64_t> begin(s.size(), 0), step(s.size(), 1);
    begin[axis] = start;
    s[axis] = len;
    if (auto c = getConstant(v); c && start == 0 && len == L.shape(v)[axis])
      return v;
    return L.rw.create<nn::SliceOp>(L.loc, RankedTensorType::get(s, f32), v, L.rw.getDenseI64ArrayAttr(begin),
                                    L.rw.getDenseI64ArrayAttr(step));
  }
  Value fc(Value x, Value w, Value b) {
    int64_t n = L.shape(w)[0];
    return L.rw.create<nn::FullyConnectedOp>(L.loc, RankedTensorType::get({L.shape(x)[0], n}, f32), x, w, b, nullptr,
                                             nullptr);
  }
  Value clipped(Value v) { return r.clip > 0 ? L.unary(nn::UnaryKind::clip, v, -r.clip, r.clip) : v; }
  /// Initial h (operand 5) or c (operand 6) of direction d, zeros if absent.
  Value initial(unsigned idx, int64_t d) {
    if (!L.has(idx))
      return L.f32({batch, H}, std::vector<float>(batch * H, 0.0f));
    Value v = L.in(idx);
    if (r.batchFirst)
      v = L.transpose(v, {1, 0, 2});
    return L.reshape(slice(v, 0, d, 1), {batch, H});
  }

  /// One GRU step: z, r gates, then the candidate with the reset gate applied
  /// before or after the recurrent product.
  Value gruStep(Value gx, Value h, Value Rd, Value Rb, size_t a0) {
    using B = nn::BinaryKind;
    auto gate = [&](Value v, int g) { return slice(v, 1, g * H, H); };
    Value gh = fc(h, Rd, Rb);
    Value z = acts.apply(L, clipped(L.binary(B::add, gate(gx, 0), gate(gh, 0))), a0);
    Value rg = acts.apply(L, clipped(L.binary(B::add, gate(gx, 1), gate(gh, 1))), a0);
    Value hh;
    if (r.linearBeforeReset) {
      hh = L.binary(B::add, gate(gx, 2), L.binary(B::mul, rg, gate(gh, 2)));
    } else {
      Value Rh = slice(Rd, 0, 2 * H, H), Rbh = slice(Rb, 0, 2 * H, H);
      hh = L.binary(B::add, gate(gx, 2), fc(L.binary(B::mul, rg, h), Rh, Rbh));
    }
    hh = acts.apply(L, clipped(hh), a0 + 1);
    // h = (1 - z) * hh + z * h = hh + z * (h - hh)
    return L.binary(B::add, hh, L.binary(B::mul, z, L.binary(B::sub, h, hh)));
  }

  /// One LSTM step (gates i, o, f, c, optional peepholes P): updates h and c.
  void lstmStep(Value pre, Value P, size_t a0, Value &h, Value &c) {
    using B = nn::BinaryKind;
    auto gate = [&](Value v, int g) { return slice(v, 1, g * H, H); };
    Value i = gate(pre, 0), o = gate(pre, 1), f = gate(pre, 2), cc = gate(pre, 3);
    if (P) {
      i = L.binary(B::add, i, L.binary(B::mul, slice(P, 0, 0, H), c));
      f = L.binary(B::add, f, L.binary(B::mul, slice(P, 0, 2 * H, H), c));
    }
    i = acts.apply(L, clipped(i), a0);
    f = acts.apply(L, clipped(f), a0);
    cc = acts.apply(L, clipped(cc), a0 + 1);
    c = L.binary(B::add, L.binary(B::mul, f, c), L.binary(B::mul, i, cc));
    if (P)
      o = L.binary(B::add, o, L.binary(B::mul, slice(P, 0, H, H), c));
    o = acts.apply(L, clipped(o), a0);
    h = L.binary(B::mul, o, acts.apply(L, c, a0 + 2));
  }

  /// Direction d over the sequence: Y [seq, 1, batch, H], the last h and c.
  void direction(int64_t d, Value &Y, Value &hLast, Value &cLast) {
    bool reverse = r.direction == "reverse" || (r.direction == "bidirectional" && d == 1);
    int64_t G = r.gates;
    Value Wd = L.reshape(slice(W, 0, d, 1), {G * H, in});
    Value Rd = L.reshape(slice(R, 0, d, 1), {G * H, H});
    Value Wb, Rb;
    if (L.has(3)) {
      Value Bd = L.reshape(slice(L.in(3), 0, d, 1), {2 * G * H});
      Wb = slice(Bd, 0, 0, G * H);
      Rb = slice(Bd, 0, G * H, G * H);
    } else {
      Wb = L.f32({G * H}, std::vector<float>(G * H, 0.0f));
      Rb = Wb;
    }
    Value h = initial(5, d), c = r.cell == Cell::LSTM ? initial(6, d) : Value();
    Value P;
    if (r.cell == Cell::LSTM && L.has(7))
      P = L.reshape(slice(L.in(7), 0, d, 1), {3 * H});
    size_t a0 = d * r.perDir;
    SmallVector<Value> steps(seq);
    for (int64_t k = 0; k < seq; ++k) {
      int64_t t = reverse ? seq - 1 - k : k;
      Value xt = L.reshape(slice(X, 0, t, 1), {batch, in});
      Value gx = fc(xt, Wd, Wb); // [batch, gates*H]
      if (r.cell == Cell::GRU) {
        h = gruStep(gx, h, Rd, Rb, a0);
      } else {
        Value pre = L.binary(nn::BinaryKind::add, gx, fc(h, Rd, Rb));
        if (r.cell == Cell::RNN)
          h = acts.apply(L, clipped(pre), a0);
        else
          lstmStep(pre, P, a0, h, c);
      }
      steps[t] = L.reshape(h, {1, 1, batch, H});
    }
    Y = seq == 1 ? steps[0]
                 : Value(L.rw.create<nn::ConcatOp>(L.loc, RankedTensorType::get({seq, 1, batch, H}, f32), steps,
                                                   L.rw.getI64IntegerAttr(0)));
    hLast = L.reshape(h, {1, batch, H});
    cLast = c ? L.reshape(c, {1, batch, H}) : Value();
  }
};

LogicalResult lowerRecurrent(Lowerer &L, const Recurrent &r) {
  Value X = L.in(0), W = L.in(1), R = L.in(2);
  Shape ws = L.shape(W);
  int64_t dirs = ws[0], H = r.hiddenSize.value_or(ws[1] / r.gates);
  if (r.batchFirst)
    X = L.transpose(X, {1, 0, 2});
  Shape xs = L.shape(X);
  Type f32 = L.type(X).getElementType();
  if (!f32.isF32())
    return L.fail(r.name + " is supported on float32 only");
  if (L.has(4)) {
    auto lens = getConstInts(L.in(4));
    if (!lens || llvm::any_of(*lens, [&](int64_t n) { return n != xs[0]; }))
      return L.fail("sequence_lens shorter than the sequence are not supported (pad the sequences instead)");
  }
  if (r.inputForget)
    return L.fail("LSTM input_forget=1 is not supported");
  if (std::string e = unrollLimitError(r.name.str(), "unrolled into one cell per time step and direction", xs[0], dirs,
                                       kMaxUnrolledCells, "recurrent layers for microcontrollers run a few dozen steps",
                                       "a shorter sequence");
      !e.empty())
    return L.fail(e);
  Activations acts = Activations::of(r, dirs);
  if ((int64_t)acts.names.size() < r.perDir * dirs)
    return L.fail("expected " + Twine(r.perDir * dirs) + " activations");
  Unroller u{L, r, acts, X, W, R, dirs, H, xs[0], xs[1], xs[2], f32};
  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < dirs; ++d) {
    Value y, h, c;
    u.direction(d, y, h, c);
    if (!acts.unsupported.empty())
      return L.fail("activation '" + acts.unsupported + "' is not supported in " + r.name);
    ys.push_back(y);
    hs.push_back(h);
    if (c)
      cs.push_back(c);
  }
  auto cat = [&](SmallVector<Value> &vs, int64_t axis) {
    if (vs.size() == 1)
      return vs[0];
    Shape s = L.shape(vs[0]);
    s[axis] *= vs.size();
    return Value(L.rw.create<nn::ConcatOp>(L.loc, RankedTensorType::get(s, f32), vs, L.rw.getI64IntegerAttr(axis)));
  };
  Value Y = cat(ys, 1), Yh = cat(hs, 0), Yc = cs.empty() ? Value() : cat(cs, 0);
  if (r.batchFirst) {
    Y = L.transpose(Y, {2, 0, 1, 3});
    Yh = L.transpose(Yh, {1, 0, 2});
    if (Yc)
      Yc = L.transpose(Yc, {1, 0, 2});
  }
  SmallVector<Value> outs{Y, Yh};
  if (Yc)
    outs.push_back(Yc);
  outs.resize(L.op->getNumResults());
  for (auto [res, v] : llvm::zip(L.op->getResults(), outs))
    if (!res.use_empty() && (!v || v.getType() != res.getType()))
      return L.fail("internal: recurrent output shape mismatch");
  L.replace(outs);
  return success();
}
} // namespace

namespace emlc::lowering {
void addRecurrentLowerings(LoweringTable &t) {
  t.add<onnx::LSTMOp>([](Lowerer &L, onnx::LSTMOp op) { return lowerRecurrent(L, Recurrent::of(op, Cell::LSTM)); });
  t.add<onnx::GRUOp>([](Lowerer &L, onnx::GRUOp op) { return lowerRecurrent(L, Recurrent::of(op, Cell::GRU)); });
  t.add<onnx::RNNOp>([](Lowerer &L, onnx::RNNOp op) { return lowerRecurrent(L, Recurrent::of(op, Cell::RNN)); });
}
} // namespace emlc::lowering
