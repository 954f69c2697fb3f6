//===- LowerElementwise.cpp - elementwise math, Cast, (de)quantization -> nn ===//
//
// Unary ops become nn.unary with their ONNX parameters; binary and variadic
// ones a chain of nn.binary (float16 computed in float32). Quantize and
// DequantizeLinear that no QDQ fusion claimed cross between float and integer
// with upstream quant casts, or with float nn arithmetic when their
// parameters are computed at run time.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "QDQ.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace emlc;
using namespace emlc::lowering;

namespace {

/// A scalar constant operand as float (min/max of Clip, the value of Pad).
float scalarValue(DenseElementsAttr c) {
  return llvm::isa<FloatType>(c.getElementType()) ? floatValues(c)[0]
                                                  : (float)(*c.getValues<APInt>().begin()).getSExtValue();
}

LogicalResult lowerClip(Lowerer &L, onnx::ClipOp) {
  float lo = -INFINITY, hi = INFINITY;
  for (int i : {1, 2}) {
    if (!L.has(i))
      continue;
    auto c = getConstant(L.in(i));
    if (!c)
      return L.failNeedsConstant("Clip min/max must be constants");
    (i == 1 ? lo : hi) = scalarValue(c);
  }
  L.replace({L.unary(nn::UnaryKind::clip, L.in(0), lo, hi)});
  return success();
}

/// Add/Sub/Mul/Div/Min/Max/Sum/Mean: a left-to-right chain of nn.binary.
LogicalResult lowerVariadic(Lowerer &L, nn::BinaryKind kind, bool isMean) {
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
}

LogicalResult lowerCast(Lowerer &L, onnx::CastOp) {
  Type from = L.type(L.in(0)).getElementType(), to = L.outType().getElementType();
  Value v = L.in(0);
  if ((from.isF16() && !to.isF32()) || (to.isF16() && !from.isF32()))
    v = L.cast(v, L.rw.getF32Type()); // float16 converts through float32
  L.replace({L.cast(v, to)});
  return success();
}

/// saturate(round_half_even(x / scale) + zp) in float nn ops, then cast to
/// `elem`: QuantizeLinear whose scale or zero point is computed at run time.
Value quantizeInFloat(Lowerer &L, Value x, Value scale, Value zp, Type elem, int64_t axis) {
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

/// "" when `t` is an integer type a quantized value can be stored in (ONNX: 4, 8, 16 or 32 bits), else why not.
std::string quantStorageError(const char *what, Type t) {
  if (auto it = llvm::dyn_cast<IntegerType>(t);
      it && (it.getWidth() == 4 || it.getWidth() == 8 || it.getWidth() == 16 || it.getWidth() == 32))
    return "";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << what << " must be a 4-, 8-, 16- or 32-bit integer tensor (int4, int8, uint8, int16, uint16, int32), not " << t;
  return os.str();
}

LogicalResult lowerDequantize(Lowerer &L, onnx::DequantizeLinearOp op) {
  // A float input would be reinterpreted as an integer storage type below (emlc-fuzz found it under UBSan).
  if (std::string err = quantStorageError("DequantizeLinear's input", L.type(L.in(0)).getElementType()); !err.empty())
    return L.fail(err);
  SmallVector<Attribute> operands;
  for (Value v : L.op->getOperands())
    operands.push_back(getConstant(v));
  SmallVector<OpFoldResult> folded;
  if (operands[0] && succeeded(L.op->fold(operands, folded)) && !folded.empty()) {
    // Constant integer weights of a float model: dequantize at compile time.
    L.replace({L.constant(llvm::cast<DenseElementsAttr>(llvm::cast<Attribute>(folded[0])))});
    return success();
  }
  auto p = qparams(op);
  if (!p) { // run-time parameters: (x - zp) * scale in float
    int64_t axis = op.getAxis(), rank = L.shape(L.in(0)).size();
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
}

LogicalResult lowerQuantize(Lowerer &L, onnx::QuantizeLinearOp op) {
  auto p = qparams(op);
  auto ot = L.outType();
  if (std::string err = quantStorageError("QuantizeLinear's output", ot.getElementType()); !err.empty())
    return L.fail(err);
  if (!p) {
    L.replace({quantizeInFloat(L, L.in(0), L.in(1), L.has(2) ? L.in(2) : Value(), ot.getElementType(), op.getAxis())});
    return success();
  }
  Type q = quantType(ot.getElementType(), *p, ot.getRank());
  Value v = L.rw.create<quant::QuantizeCastOp>(L.loc, RankedTensorType::get(ot.getShape(), q), L.in(0));
  L.replace({L.rw.create<quant::StorageCastOp>(L.loc, ot, v)});
  return success();
}

/// ONNX's definition, in float nn ops: the range [min(x, 0), max(x, 0)]
/// mapped onto uint8 [0, 255].
LogicalResult lowerDynamicQuantize(Lowerer &L, onnx::DynamicQuantizeLinearOp) {
  Value x = L.in(0);
  Type f32 = L.rw.getF32Type(), u8 = L.outType(0).getElementType();
  auto all = [&](nn::ReduceKind k) {
    Shape ones(L.shape(x).size(), 1);
    SmallVector<int64_t> axes(ones.size());
    std::iota(axes.begin(), axes.end(), 0);
    Value r =
        L.rw.create<nn::ReduceOp>(L.loc, RankedTensorType::get(ones, f32),
                                  nn::ReduceKindAttr::get(L.rw.getContext(), k), x, L.rw.getDenseI64ArrayAttr(axes));
    return L.reshape(r, {});
  };
  Value zero = L.f32({}, {0.0f});
  Value lo = L.binary(nn::BinaryKind::min, all(nn::ReduceKind::min), zero);
  Value hi = L.binary(nn::BinaryKind::max, all(nn::ReduceKind::max), zero);
  Value scale = L.binary(nn::BinaryKind::div, L.binary(nn::BinaryKind::sub, hi, lo), L.f32({}, {255.0f}));
  Value zp = L.unary(
      nn::UnaryKind::clip,
      L.unary(nn::UnaryKind::round, L.binary(nn::BinaryKind::sub, zero, L.binary(nn::BinaryKind::div, lo, scale))),
      0.0f, 255.0f);
  L.replace({quantizeInFloat(L, x, scale, zp, u8, 1), scale, L.cast(zp, u8)});
  return success();
}

/// A unary op with a fixed nn kind and no parameters.
template <nn::UnaryKind K> LogicalResult lowerUnary(Lowerer &L, Operation *) {
  L.replace({L.unary(K, L.in(0))});
  return success();
}
} // namespace

namespace emlc::lowering {
void addElementwiseLowerings(LoweringTable &t) {
  using namespace onnx;
  using K = nn::UnaryKind;
  using B = nn::BinaryKind;
  t.add<ReluOp>(lowerUnary<K::relu>);
  t.add<SigmoidOp>(lowerUnary<K::sigmoid>);
  t.add<TanhOp>(lowerUnary<K::tanh>);
  t.add<ExpOp>(lowerUnary<K::exp>);
  t.add<LogOp>(lowerUnary<K::log>);
  t.add<SqrtOp>(lowerUnary<K::sqrt>);
  t.add<AbsOp>(lowerUnary<K::abs>);
  t.add<NegOp>(lowerUnary<K::neg>);
  t.add<ReciprocalOp>(lowerUnary<K::reciprocal>);
  t.add<FloorOp>(lowerUnary<K::floor>);
  t.add<CeilOp>(lowerUnary<K::ceil>);
  t.add<RoundOp>(lowerUnary<K::round>);
  t.add<ErfOp>(lowerUnary<K::erf>);
  t.add<SoftplusOp>(lowerUnary<K::softplus>);
  t.add<SoftsignOp>(lowerUnary<K::softsign>);
  t.add<SinOp>(lowerUnary<K::sin>);
  t.add<CosOp>(lowerUnary<K::cos>);
  t.add<HardSwishOp>([](Lowerer &L, HardSwishOp) {
    L.replace({L.unary(K::hard_swish, L.in(0), 1.0f / 6, 0.5f)});
    return success();
  });
  t.add<LeakyReluOp>([](Lowerer &L, LeakyReluOp op) {
    L.replace({L.unary(K::leaky_relu, L.in(0), op.getAlpha())});
    return success();
  });
  t.add<EluOp>([](Lowerer &L, EluOp op) {
    L.replace({L.unary(K::elu, L.in(0), op.getAlpha())});
    return success();
  });
  t.add<SeluOp>([](Lowerer &L, SeluOp op) {
    L.replace({L.unary(K::selu, L.in(0), op.getAlpha(), op.getGamma())});
    return success();
  });
  t.add<HardSigmoidOp>([](Lowerer &L, HardSigmoidOp op) {
    L.replace({L.unary(K::hard_sigmoid, L.in(0), op.getAlpha(), op.getBeta())});
    return success();
  });
  t.add<ClipOp>(lowerClip);
  t.add<PReluOp>([](Lowerer &L, PReluOp) {
    Value slope = L.reshape(L.in(1), onnx::preluSlopeShape(L.shape(L.in(0)), L.shape(L.in(1))));
    L.replace({L.binary(B::prelu, L.in(0), slope)});
    return success();
  });
  t.add<PowOp>([](Lowerer &L, PowOp) {
    // Mixed types: the exponent takes the base's type (ONNX's result type).
    Value e = L.cast(L.in(1), L.type(L.in(0)).getElementType());
    L.replace({L.binary(B::pow, L.in(0), e)});
    return success();
  });
  t.add<AddOp>([](Lowerer &L, AddOp) { return lowerVariadic(L, B::add, false); });
  t.add<SubOp>([](Lowerer &L, SubOp) { return lowerVariadic(L, B::sub, false); });
  t.add<MulOp>([](Lowerer &L, MulOp) { return lowerVariadic(L, B::mul, false); });
  t.add<DivOp>([](Lowerer &L, DivOp) { return lowerVariadic(L, B::div, false); });
  t.add<MinOp>([](Lowerer &L, MinOp) { return lowerVariadic(L, B::min, false); });
  t.add<MaxOp>([](Lowerer &L, MaxOp) { return lowerVariadic(L, B::max, false); });
  t.add<SumOp>([](Lowerer &L, SumOp) { return lowerVariadic(L, B::add, false); });
  t.add<MeanOp>([](Lowerer &L, MeanOp) { return lowerVariadic(L, B::add, true); });
  t.add<CastOp>(lowerCast);
  // Quantize/DequantizeLinear that no fusion claimed: the value crosses
  // between float and integer here (a float model boundary, or an op that
  // runs in float between two integer ones).
  t.add<DequantizeLinearOp>(lowerDequantize);
  t.add<QuantizeLinearOp>(lowerQuantize);
  t.add<DynamicQuantizeLinearOp>(lowerDynamicQuantize);
}
} // namespace emlc::lowering
