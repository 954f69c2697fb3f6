//===- Importer.cpp - ONNX protobuf -> onnx dialect -----------------------===//
//
// Walks the graph in order, turning initializers and Constant nodes into
// arith.constant, and every other node into the onnx op of the same name with
// static result types (the op's InferTypeOpInterface). Opset differences are normalized
// here (see normalizeNode) so that the dialect has one meaning per op. Ops
// whose operands are all constants fold on the spot, which is how PyTorch's
// Shape -> Gather -> Concat -> Reshape subgraphs become constant shapes.
//
//===----------------------------------------------------------------------===//

#include "emlc/Importer/Importer.h"
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "dialects/ONNX/ONNXShapeInference.h"
#include "emlc/Support/TensorFiles.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/Path.h"

#include <fstream>
#include <onnx/onnx_pb.h>
#include <set>
#include <sstream>

using namespace mlir;

namespace emlc {
namespace {

/// Attributes of older opsets that the normalization reads before the op
/// exists (Clip-6 min/max, Pad-2 value, Softmax-1 axis, legacy broadcast...):
/// their defaults are those opsets', not the dialect's.
int64_t legacyInt(DictionaryAttr attrs, StringRef name, int64_t dflt) {
  auto a = attrs.getAs<IntegerAttr>(name);
  return a ? a.getInt() : dflt;
}
float legacyFloat(DictionaryAttr attrs, StringRef name, float dflt) {
  auto a = attrs.getAs<FloatAttr>(name);
  return a ? (float)a.getValueAsDouble() : dflt;
}

std::string fmtShape(ArrayRef<int64_t> s) { return onnx::shapeString(s); }

class Importer {
public:
  Importer(MLIRContext &ctx, const ImportOptions &opts, std::string modelDir)
      : ctx(ctx), opts(opts), modelDir(std::move(modelDir)), builder(&ctx) {}

  ImportResult run(const ::onnx::ModelProto &model);
  bool readTensor(const ::onnx::TensorProto &t, DenseElementsAttr &out, std::string &err) {
    return tensorFromProto(t, ctx, modelDir, out, err);
  }

private:
  MLIRContext &ctx;
  const ImportOptions &opts;
  std::string modelDir;
  OpBuilder builder;
  ImportResult result;
  llvm::StringMap<Value> values;
  /// Who produced each tensor name ("graph input", "initializer", "node 'x'"):
  /// ONNX's SSA rule says one producer per name, and a second one would
  /// silently replace the first.
  llvm::StringMap<std::string> producers;
  int64_t opset = 0;
  std::string unboundNote; ///< appended to shape errors when a dim defaulted to 1
  std::vector<std::pair<std::string, DenseElementsAttr>> pendingConstants; ///< --input-value

  bool fail(const std::string &msg) {
    if (result.error.empty())
      result.error = msg;
    return false;
  }
  std::string where(const ::onnx::NodeProto &n) {
    return "node '" + (n.name().empty() ? (n.output_size() ? n.output(0) : std::string("?")) : n.name()) + "' (" +
           n.op_type() + ", opset " + std::to_string(opset) + ")";
  }

  Location loc(const ::onnx::NodeProto &n) {
    return NameLoc::get(StringAttr::get(&ctx, n.name().empty() && n.output_size() ? n.output(0) : n.name()));
  }

  bool importInputs(const ::onnx::GraphProto &g, func::FuncOp &fn, Block *&body);
  bool importInitializers(const ::onnx::GraphProto &g);
  bool importNode(const ::onnx::NodeProto &n);
  bool importConstant(const ::onnx::NodeProto &n, DictionaryAttr dict, Location l, const std::string &who);
  bool checkNodeStructure(const ::onnx::NodeProto &n, const std::string &who);
  bool produce(const std::string &name, const std::string &by, const std::string &who);
  /// Refuses a shape over the element cap (or overflowing int64); `what` names the tensor.
  bool checkElements(ArrayRef<int64_t> shape, const std::string &what);
  bool importOp(const ::onnx::NodeProto &n, SmallVector<Value> operands, NamedAttrList attrs, DictionaryAttr dict,
                std::string mnemonic, Location l, const std::string &who);
  bool convertAttribute(const ::onnx::AttributeProto &a, NamedAttribute &out, std::string &err);
  Value constI64(ArrayRef<int64_t> v, Location l) {
    auto t = RankedTensorType::get({(int64_t)v.size()}, builder.getI64Type());
    return builder.create<arith::ConstantOp>(l, DenseElementsAttr::get(t, v));
  }
  Value constF32(ArrayRef<float> v, Location l, bool scalar = false) {
    auto t = scalar ? RankedTensorType::get({}, builder.getF32Type())
                    : RankedTensorType::get({(int64_t)v.size()}, builder.getF32Type());
    return builder.create<arith::ConstantOp>(l, DenseElementsAttr::get(t, v));
  }
  Value none(Location l) { return builder.create<onnx::NoneOp>(l, builder.getNoneType()); }
  /// Creates an onnx op with inferred result types and folds it when it can.
  bool createOp(const std::string &mnemonic, SmallVector<Value> operands, NamedAttrList attrs, unsigned numResults,
                Location l, const std::string &who, SmallVectorImpl<Value> &results);
};

bool Importer::convertAttribute(const ::onnx::AttributeProto &a, NamedAttribute &out, std::string &err) {
  Attribute v;
  switch (a.type()) {
  case ::onnx::AttributeProto::INT:
    v = builder.getI64IntegerAttr(a.i());
    break;
  case ::onnx::AttributeProto::FLOAT:
    v = builder.getF32FloatAttr(a.f());
    break;
  case ::onnx::AttributeProto::STRING:
    v = builder.getStringAttr(a.s());
    break;
  case ::onnx::AttributeProto::INTS:
    v = builder.getDenseI64ArrayAttr(SmallVector<int64_t>(a.ints().begin(), a.ints().end()));
    break;
  case ::onnx::AttributeProto::FLOATS:
    v = builder.getDenseF32ArrayAttr(SmallVector<float>(a.floats().begin(), a.floats().end()));
    break;
  case ::onnx::AttributeProto::STRINGS: {
    SmallVector<Attribute> s;
    for (const auto &x : a.strings())
      s.push_back(builder.getStringAttr(x));
    v = builder.getArrayAttr(s);
    break;
  }
  case ::onnx::AttributeProto::TENSOR: {
    // Like an initializer: the declared shape is checked before any data is read.
    SmallVector<int64_t> dims(a.t().dims().begin(), a.t().dims().end());
    if (!checkElements(dims, "attribute '" + a.name() + "'")) {
      err = result.error;
      result.error.clear();
      return false;
    }
    DenseElementsAttr d;
    if (!readTensor(a.t(), d, err))
      return false;
    v = d;
    break;
  }
  default:
    err = "attribute '" + a.name() + "' has a type emlc does not support (graphs, sparse tensors, type protos)";
    return false;
  }
  out = NamedAttribute(builder.getStringAttr(a.name()), v);
  return true;
}

bool Importer::importInputs(const ::onnx::GraphProto &g, func::FuncOp &fn, Block *&body) {
  std::set<std::string> inits;
  for (const auto &t : g.initializer()) {
    if (t.name().empty())
      return fail("an initializer has an empty name (every initializer needs one)");
    if (!inits.insert(t.name()).second)
      return fail("initializer '" + t.name() + "' is listed twice; every tensor name must have one producer");
  }
  std::set<std::string> inputNames;
  for (const auto &in : g.input()) {
    if (in.name().empty())
      return fail("a graph input has an empty name (every graph input needs one)");
    if (!inputNames.insert(in.name()).second)
      return fail("graph input '" + in.name() + "' is listed twice; every graph input needs its own name");
  }
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  std::set<std::string> seenBindings;
  std::set<std::string> seenValues;
  for (const auto &in : g.input()) {
    if (inits.count(in.name()))
      continue;
    if (auto v = opts.inputValues.find(in.name()); v != opts.inputValues.end()) {
      seenValues.insert(in.name());
      DenseElementsAttr d;
      std::string err;
      if (!readTensorFile(v->second, ctx, d, err))
        return fail("--input-value " + in.name() + ": " + err);
      pendingConstants.push_back({in.name(), d});
      continue;
    }
    if (!in.type().has_tensor_type())
      return fail("graph input '" + in.name() + "' is not a tensor (sequences, maps and optionals are not supported)");
    const auto &tt = in.type().tensor_type();
    Type elem = onnx::elementTypeFromONNX(&ctx, tt.elem_type());
    if (!elem)
      return fail("graph input '" + in.name() + "' has unsupported element type " + std::to_string(tt.elem_type()));
    SmallVector<int64_t> shape;
    auto bound = opts.inputShapes.find(in.name());
    if (bound != opts.inputShapes.end()) {
      seenBindings.insert(in.name());
      shape.assign(bound->second.begin(), bound->second.end());
      if (tt.has_shape() && tt.shape().dim_size() != (int)shape.size())
        return fail("--shape " + in.name() + "=" + fmtShape(shape) + " has rank " + std::to_string(shape.size()) +
                    ", the model's input has rank " + std::to_string(tt.shape().dim_size()));
      if (tt.has_shape())
        for (int i = 0; i < tt.shape().dim_size(); ++i)
          if (tt.shape().dim(i).has_dim_value() && tt.shape().dim(i).dim_value() != shape[i])
            return fail("--shape " + in.name() + "=" + fmtShape(shape) + " contradicts the model's static dimension " +
                        std::to_string(i) + " = " + std::to_string(tt.shape().dim(i).dim_value()));
    } else {
      if (!tt.has_shape())
        return fail("graph input '" + in.name() + "' has no shape; give one with --shape " + in.name() + "=DxDx...");
      for (int i = 0; i < tt.shape().dim_size(); ++i) {
        const auto &d = tt.shape().dim(i);
        if (d.has_dim_value() && d.dim_value() > 0) {
          shape.push_back(d.dim_value());
          continue;
        }
        std::string name = d.has_dim_param() ? d.dim_param() : "?";
        result.warnings.push_back("input '" + in.name() + "' dimension " + std::to_string(i) + " ('" + name +
                                  "') is dynamic; using 1 (bind it with --shape " + in.name() + "=...)");
        unboundNote = " (input '" + in.name() + "' has a dynamic dimension '" + name +
                      "' set to 1; bind it with --shape " + in.name() + "=...)";
        shape.push_back(1);
      }
    }
    if (!checkElements(shape, "graph input '" + in.name() + "'"))
      return false;
    argTypes.push_back(RankedTensorType::get(shape, elem));
    argNames.push_back(in.name());
  }
  for (const auto &kv : opts.inputValues)
    if (!seenValues.count(kv.first))
      return fail("--input-value names '" + kv.first + "', which is not a graph input");
  for (const auto &kv : opts.inputShapes)
    if (!seenBindings.count(kv.first)) {
      std::string names;
      for (auto &n : argNames)
        names += (names.empty() ? "" : ", ") + n;
      return fail("--shape names '" + kv.first + "', which is not a graph input (inputs: " + names + ")");
    }
  fn = builder.create<func::FuncOp>(UnknownLoc::get(&ctx), "main", builder.getFunctionType(argTypes, {}));
  body = fn.addEntryBlock();
  for (size_t i = 0; i < argNames.size(); ++i) {
    fn.setArgAttr(i, "emlc.name", builder.getStringAttr(argNames[i]));
    values[argNames[i]] = body->getArgument(i);
    producers[argNames[i]] = "graph input '" + argNames[i] + "'";
  }
  builder.setInsertionPointToEnd(body);
  for (auto &[name, attr] : pendingConstants) {
    values[name] = builder.create<arith::ConstantOp>(NameLoc::get(builder.getStringAttr(name)), attr);
    producers[name] = "graph input '" + name + "' (--input-value)";
  }
  for (const auto &t : g.initializer())
    producers[t.name()] = "initializer '" + t.name() + "'";
  return true;
}

bool Importer::importInitializers(const ::onnx::GraphProto &g) {
  for (const auto &t : g.initializer()) {
    // The declared shape is checked before the data is read or allocated.
    SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
    if (llvm::any_of(dims, [](int64_t d) { return d < 0; }))
      return fail("initializer: tensor '" + t.name() + "' has a negative dimension (" + fmtShape(dims) + ")");
    if (!checkElements(dims, "initializer '" + t.name() + "'"))
      return false;
    DenseElementsAttr d;
    std::string err;
    if (!readTensor(t, d, err))
      return fail("initializer: " + err);
    values[t.name()] = builder.create<arith::ConstantOp>(NameLoc::get(builder.getStringAttr(t.name())), d);
  }
  return true;
}

bool Importer::createOp(const std::string &mnemonic, SmallVector<Value> operands, NamedAttrList attrs,
                        unsigned numResults, Location l, const std::string &who, SmallVectorImpl<Value> &results) {
  auto name = RegisteredOperationName::lookup("onnx." + mnemonic, &ctx);
  if (!name)
    return fail(who + ": operator is not supported by emlc (`emlc inspect MODEL` lists every unsupported node; "
                      "supported operators are listed in docs/OPERATORS.md)");
  // An empty name marks an absent optional input; in a required position it
  // is an error, said before the trailing absent ones are dropped.
  if (auto arity = onnx::inputArity(name->getStringRef()))
    for (int i = 0; i < arity->first && i < (int)operands.size(); ++i)
      if (onnx::isNone(operands[i]))
        return fail(who + ": " + OpTrait::requiredMessage(i));
  // Trailing absent optional inputs are dropped so arity checks see ONNX's count.
  while (!operands.empty() && onnx::isNone(operands.back()))
    operands.pop_back();
  if (numResults == 0)
    return fail(who + ": the node has no outputs (every node must name at least one output)");
  std::string err;
  Operation *op = onnx::buildOp(builder, l, *name, operands, attrs, numResults, err);
  if (!op)
    return fail(who + ": " + err + unboundNote);
  // The cap applies before verification and folding, which would allocate.
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (auto rt = llvm::dyn_cast<RankedTensorType>(t);
        rt && !checkElements(rt.getShape(), "result " + std::to_string(i))) {
      result.error = who + ": " + result.error;
      op->erase();
      return false;
    }
  std::string verifyError;
  {
    // The verifier's diagnostic becomes the message (nothing else prints it).
    ScopedDiagnosticHandler capture(&ctx, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && verifyError.empty())
        verifyError = d.str();
      return success();
    });
    if (failed(mlir::verify(op))) {
      op->erase();
      return fail(who + ": " + (verifyError.empty() ? std::string("the operator is invalid") : verifyError));
    }
  }
  SmallVector<Value> folded;
  // DequantizeLinear stays: QDQ fusion needs the integer weights and scales.
  if (!llvm::isa<onnx::DequantizeLinearOp>(op) && succeeded(builder.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    results.assign(folded.begin(), folded.end());
    return true;
  }
  results.assign(op->result_begin(), op->result_end());
  return true;
}

bool Importer::importNode(const ::onnx::NodeProto &n) {
  std::string who = where(n);
  Location l = loc(n);
  if (!n.domain().empty() && n.domain() != "ai.onnx")
    return fail(who + ": operator domain '" + n.domain() + "' is not supported (only the default ONNX domain)");
  NamedAttrList attrs;
  std::set<std::string> attrNames;
  for (const auto &a : n.attribute()) {
    // A DictionaryAttr must not hold a name twice: its lookups (and the op's typed accessors) may then find
    // the other kind (a STRING "group" beside the INT one read as an integer crashed the verifier).
    if (!attrNames.insert(a.name()).second)
      return fail(who + ": attribute '" + a.name() + "' is given twice; every attribute of a node needs its own name");
    NamedAttribute na(builder.getStringAttr(a.name()), builder.getUnitAttr());
    std::string err;
    if (!convertAttribute(a, na, err))
      return fail(who + ": " + err);
    attrs.append(na);
  }
  DictionaryAttr dict = attrs.getDictionary(&ctx);
  const std::string &type = n.op_type();
  if (!checkNodeStructure(n, who))
    return false;
  if (type == "Constant")
    return importConstant(n, dict, l, who);

  SmallVector<Value> operands;
  for (const auto &in : n.input()) {
    if (in.empty()) {
      operands.push_back(none(l));
      continue;
    }
    auto it = values.find(in);
    if (it == values.end())
      return fail(who + ": input '" + in + "' is not produced by any earlier node (graph not in topological order?)");
    operands.push_back(it->second);
  }
  // Every supported operator reads input 0, and so do importOp's opset rewrites, which are only for supported
  // operators (an unsupported one with no inputs, Hardmax at opset 7, read past its operands: emlc-fuzz).
  std::string mnemonic = onnx::mnemonicFor(type);
  bool known = type == "Upsample" || RegisteredOperationName::lookup("onnx." + mnemonic, &ctx).has_value();
  if (known && (operands.empty() || onnx::isNone(operands[0])))
    return fail(
        who + ": " +
        (operands.empty() ? std::string("the node has no inputs; input 0 is required") : OpTrait::requiredMessage(0)));
  return importOp(n, std::move(operands), std::move(attrs), dict, mnemonic, l, who);
}

bool Importer::checkNodeStructure(const ::onnx::NodeProto &n, const std::string &who) {
  bool named = false;
  std::set<std::string> seen;
  for (const auto &o : n.output()) {
    if (o.empty())
      continue; // an absent optional output
    named = true;
    if (!seen.insert(o).second)
      return fail(who + ": output '" + o + "' is named twice by this node");
  }
  if (!named)
    return fail(who + ": the node has no outputs (every node must name at least one output)");
  if (n.op_type() == "Constant" && (n.output_size() != 1 || n.output(0).empty()))
    return fail(who + ": a Constant node has exactly one output, with a name");
  for (const auto &o : n.output())
    if (!o.empty() && !produce(o, "node '" + (n.name().empty() ? n.output(0) : n.name()) + "'", who))
      return false;
  return true;
}

bool Importer::produce(const std::string &name, const std::string &by, const std::string &who) {
  auto [it, inserted] = producers.try_emplace(name, by);
  if (inserted)
    return true;
  return fail(who + ": tensor '" + name + "' is already produced by " + it->second +
              "; every tensor name must have exactly one producer (rename one of them)");
}

bool Importer::checkElements(ArrayRef<int64_t> shape, const std::string &what) {
  std::optional<int64_t> n = onnx::elementCount(shape);
  if (!n)
    return fail(what + " has shape " + fmtShape(shape) +
                ", whose element count overflows int64 (check the model's dimensions and any --shape)");
  if (*n > opts.maxTensorElements)
    return fail(what + " has shape " + fmtShape(shape) + ", " + std::to_string(*n) + " elements, more than the " +
                std::to_string(opts.maxTensorElements) +
                " elements a tensor may have (raise the limit with --max-tensor-elements N if this is intended)");
  return true;
}

bool Importer::importConstant(const ::onnx::NodeProto &n, DictionaryAttr dict, Location l, const std::string &who) {
  Attribute v;
  if (auto t = dict.getAs<DenseElementsAttr>("value"))
    v = t;
  else if (auto f = dict.getAs<FloatAttr>("value_float"))
    v = DenseElementsAttr::get(RankedTensorType::get({}, builder.getF32Type()), (float)f.getValueAsDouble());
  else if (auto i = dict.getAs<IntegerAttr>("value_int"))
    v = DenseElementsAttr::get(RankedTensorType::get({}, builder.getI64Type()), i.getInt());
  else if (auto fs = dict.getAs<DenseF32ArrayAttr>("value_floats"))
    v = DenseElementsAttr::get(RankedTensorType::get({(int64_t)fs.size()}, builder.getF32Type()), fs.asArrayRef());
  else if (auto is = dict.getAs<DenseI64ArrayAttr>("value_ints"))
    v = DenseElementsAttr::get(RankedTensorType::get({(int64_t)is.size()}, builder.getI64Type()), is.asArrayRef());
  else
    return fail(who + ": only value, value_float(s) and value_int(s) constants are supported");
  values[n.output(0)] = builder.create<arith::ConstantOp>(l, llvm::cast<TypedAttr>(v));
  return true;
}

bool Importer::importOp(const ::onnx::NodeProto &n, SmallVector<Value> operands, NamedAttrList attrs,
                        DictionaryAttr dict, std::string mnemonic, Location l, const std::string &who) {
  const std::string &type = n.op_type();
  auto operandAt = [&](size_t i) -> Value & {
    while (operands.size() <= i)
      operands.push_back(none(l));
    return operands[i];
  };
  auto attrToOperand = [&](StringRef name, size_t index) {
    if (auto v = dict.getAs<DenseI64ArrayAttr>(name)) {
      operandAt(index) = constI64(v.asArrayRef(), l);
      attrs.erase(name);
    }
  };

  // --- Opset normalization: the dialect always has the newest form. ---
  unsigned numResults = n.output_size();
  if (type == "Clip" && opset < 11) {
    operandAt(1) = constF32({legacyFloat(dict, "min", -3.4028234663852886e38)}, l, true);
    operandAt(2) = constF32({legacyFloat(dict, "max", 3.4028234663852886e38)}, l, true);
    attrs.erase("min");
    attrs.erase("max");
  } else if (type == "Pad" && opset < 11) {
    attrToOperand("pads", 1);
    operandAt(2) = constF32({legacyFloat(dict, "value", 0.0f)}, l, true);
    attrs.erase("value");
  } else if (type == "Split") {
    if (opset < 13)
      attrToOperand("split", 1);
    // Equal parts: the node's output count, as opset 18's num_outputs says.
    if (operands.size() < 2 || onnx::isNone(operands[1]))
      attrs.set("num_outputs", builder.getI64IntegerAttr(numResults));
  } else if ((type == "Squeeze" || type == "Unsqueeze") && opset < 13) {
    attrToOperand("axes", 1);
  } else if (StringRef(type).starts_with("Reduce")) {
    attrToOperand("axes", 1);
  } else if (type == "Slice" && opset < 10) {
    attrToOperand("starts", 1);
    attrToOperand("ends", 2);
    attrToOperand("axes", 3);
  } else if (type == "Upsample" || (type == "Resize" && opset < 11)) {
    // Upsample and Resize-10 use asymmetric coordinates with floor rounding.
    Value scales;
    if (auto s = dict.getAs<DenseF32ArrayAttr>("scales")) {
      scales = constF32(s.asArrayRef(), l);
      attrs.erase("scales");
    } else {
      scales = operandAt(1);
    }
    operands = {operands[0], none(l), scales};
    mnemonic = "resize";
    attrs.set("coordinate_transformation_mode", builder.getStringAttr("asymmetric"));
    attrs.set("nearest_mode", builder.getStringAttr("floor"));
    auto mode = dict.getAs<StringAttr>("mode");
    if (mode && mode.getValue() == "bilinear")
      attrs.set("mode", builder.getStringAttr("linear"));
  } else if ((type == "Softmax" || type == "LogSoftmax") && opset < 13) {
    // Before opset 13 the input was coerced to 2-D at `axis`.
    auto t = llvm::cast<RankedTensorType>(operands[0].getType());
    int64_t rawAxis = legacyInt(dict, "axis", 1), axis = onnx::normalizeAxis(rawAxis, t.getRank());
    if (axis < 0 || axis >= std::max<int64_t>(t.getRank(), 1))
      return fail(who + ": axis " + std::to_string(rawAxis) + " is out of range for an input of rank " +
                  std::to_string(t.getRank()));
    if (axis != t.getRank() - 1) {
      int64_t a = 1, b = 1;
      for (int64_t i = 0; i < t.getRank(); ++i)
        (i < axis ? a : b) *= t.getDimSize(i);
      SmallVector<Value> r;
      if (!createOp("reshape", {operands[0], constI64({a, b}, l)}, {}, 1, l, who, r))
        return false;
      NamedAttrList sa;
      sa.set("axis", builder.getI64IntegerAttr(1));
      SmallVector<Value> s;
      if (!createOp(mnemonic, {r[0]}, sa, 1, l, who, s))
        return false;
      SmallVector<int64_t> shape(t.getShape());
      if (!createOp("reshape", {s[0], constI64(shape, l)}, {}, 1, l, who, r))
        return false;
      values[n.output(0)] = r[0];
      return true;
    }
    attrs.set("axis", builder.getI64IntegerAttr(axis));
  } else if ((type == "Add" || type == "Sub" || type == "Mul" || type == "Div") && opset < 7 &&
             legacyInt(dict, "broadcast", 0) && operands.size() == 2 && !onnx::isNone(operands[1])) {
    // Legacy broadcast: B's dims align with A's starting at `axis`.
    auto ta = llvm::cast<RankedTensorType>(operands[0].getType());
    auto tb = llvm::cast<RankedTensorType>(operands[1].getType());
    int64_t axis = legacyInt(dict, "axis", ta.getRank() - tb.getRank());
    if (axis < 0) // emlc-fuzz: axis INT32_MIN grew the shape below to 2^31 dims (24 GB)
      axis += ta.getRank();
    if (axis < 0 || axis + tb.getRank() > ta.getRank())
      return fail(who + ": legacy broadcast axis " + std::to_string(legacyInt(dict, "axis", 0)) + " must place B's " +
                  std::to_string(tb.getRank()) + " dims within A's " + std::to_string(ta.getRank()));
    SmallVector<int64_t> shape(tb.getShape());
    while ((int64_t)shape.size() < ta.getRank() - axis)
      shape.push_back(1);
    SmallVector<Value> r;
    if (!createOp("reshape", {operands[1], constI64(shape, l)}, {}, 1, l, who, r))
      return false;
    operands[1] = r[0];
    attrs.erase("broadcast");
    attrs.erase("axis");
  } else if (type == "BatchNormalization") {
    attrs.erase("spatial");
    attrs.erase("is_test");
    attrs.erase("consumed_inputs");
    // Older opsets list running-stat outputs even in inference; they must be unused.
    for (int i = 1; i < n.output_size(); ++i)
      if (!n.output(i).empty())
        return fail(who + ": training-mode outputs (running mean/var) are not supported");
    numResults = 1;
  } else if (type == "Dropout") {
    // Inference only: with training_mode the output is random.
    if (n.input_size() > 2 && !n.input(2).empty()) {
      auto mode = onnx::getConstInts(operands[2]);
      auto ratio = n.input_size() > 1 && !n.input(1).empty() ? onnx::getConstFloats(operands[1]) : std::nullopt;
      bool zeroRatio = ratio && !ratio->empty() && (*ratio)[0] == 0.0;
      if ((!mode || (*mode)[0] != 0) && !zeroRatio)
        return fail(who + ": training_mode Dropout is random; emlc compiles inference graphs only "
                          "(export the model in eval mode)");
    }
  }

  SmallVector<Value> results;
  if (!createOp(mnemonic, operands, attrs, numResults, l, who, results))
    return false;
  for (int i = 0; i < n.output_size() && i < (int)results.size(); ++i)
    if (!n.output(i).empty())
      values[n.output(i)] = results[i];
  return true;
}

ImportResult Importer::run(const ::onnx::ModelProto &model) {
  bool declared = false;
  for (const auto &os : model.opset_import())
    if (os.domain().empty() || os.domain() == "ai.onnx") {
      opset = os.version();
      declared = true;
    }
  result.opset = opset;
  if (!declared) {
    fail("the model declares no ONNX opset (opset_import has no entry for the default domain); re-export it, "
         "e.g. with opset_version=17");
    return std::move(result);
  }
  if (opset < 1) {
    fail("the model declares ONNX opset " + std::to_string(opset) +
         "; opsets start at 1 (the file is corrupt or its exporter is broken; re-export it with opset_version=17)");
    return std::move(result);
  }
  if (opset > 17) {
    fail("the model uses ONNX opset " + std::to_string(opset) +
         "; emlc supports opsets up to 17 (re-export the model with opset_version=17)");
    return std::move(result);
  }
  if (!model.has_graph()) {
    fail("the file parsed as ONNX but has no graph (not an ONNX model?)");
    return std::move(result);
  }
  const auto &g = model.graph();
  auto module = ModuleOp::create(UnknownLoc::get(&ctx));
  builder.setInsertionPointToEnd(module.getBody());
  func::FuncOp fn;
  Block *body = nullptr;
  if (!importInputs(g, fn, body)) {
    module.erase();
    return std::move(result);
  }
  builder.setInsertionPointToEnd(body);
  if (!importInitializers(g)) {
    module.erase();
    return std::move(result);
  }
  for (const auto &n : g.node())
    if (!importNode(n)) {
      module.erase();
      return std::move(result);
    }
  SmallVector<Value> outs;
  SmallVector<Type> outTypes;
  for (const auto &o : g.output()) {
    if (o.name().empty()) {
      fail("graph output " + std::to_string(outs.size()) + " has an empty name (every graph output needs one)");
      module.erase();
      return std::move(result);
    }
    auto it = values.find(o.name());
    if (it == values.end()) {
      fail("graph output '" + o.name() + "' is not produced by any node");
      module.erase();
      return std::move(result);
    }
    // The C API is typed from what the graph computes; a declaration that says
    // otherwise is a broken model, not a conversion to make silently.
    Type declared = o.type().has_tensor_type() && o.type().tensor_type().elem_type()
                        ? onnx::elementTypeFromONNX(&ctx, o.type().tensor_type().elem_type())
                        : Type();
    Type computed = llvm::cast<ShapedType>(it->second.getType()).getElementType();
    if (declared && declared != computed) {
      fail("graph output '" + o.name() + "' is declared as " + onnx::Shapes::typeName(declared) + " but computes " +
           onnx::Shapes::typeName(computed) + " (fix the output's declared type, or add a Cast)");
      module.erase();
      return std::move(result);
    }
    outs.push_back(it->second);
    outTypes.push_back(it->second.getType());
  }
  builder.create<func::ReturnOp>(UnknownLoc::get(&ctx), outs);
  fn.setType(builder.getFunctionType(fn.getArgumentTypes(), outTypes));
  for (int i = 0; i < g.output_size(); ++i)
    fn.setResultAttr(i, "emlc.name", builder.getStringAttr(g.output(i).name()));
  module->setAttr("emlc.opset", builder.getI64IntegerAttr(opset));
  // What ONNX export (lib/Export) writes back: the same IR version, and where the model came from.
  module->setAttr("emlc.ir_version", builder.getI64IntegerAttr(model.ir_version()));
  std::string producer = model.producer_name();
  if (!model.producer_version().empty())
    producer += (producer.empty() ? "" : " ") + model.producer_version();
  if (!producer.empty())
    module->setAttr("emlc.producer", builder.getStringAttr(producer));
  if (!g.name().empty())
    module->setAttr("emlc.graph_name", builder.getStringAttr(g.name()));
  result.module = module;
  return std::move(result);
}
} // namespace

ImportResult importONNXBytes(const std::string &bytes, const std::string &modelDir, MLIRContext &ctx,
                             const ImportOptions &options) {
  ctx.loadDialect<onnx::ONNXDialect, arith::ArithDialect, func::FuncDialect>();
  ::onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes)) {
    ImportResult r;
    r.error = "not a valid ONNX model: the protobuf does not parse (truncated or corrupt file?)";
    return r;
  }
  Importer imp(ctx, options, modelDir);
  return imp.run(model);
}

ImportResult importONNXFile(const std::string &path, MLIRContext &ctx, const ImportOptions &options) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    ImportResult r;
    r.error = "cannot open '" + path + "': no such file or not readable";
    return r;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  return importONNXBytes(ss.str(), dir.str().str(), ctx, options);
}

std::vector<std::string> graphInputNames(const std::string &path, std::vector<int64_t> *ranks) {
  std::ifstream f(path, std::ios::binary);
  ::onnx::ModelProto model;
  std::vector<std::string> names;
  if (!f || !model.ParseFromIstream(&f))
    return names;
  std::set<std::string> inits;
  for (const auto &t : model.graph().initializer())
    inits.insert(t.name());
  for (const auto &in : model.graph().input())
    if (!inits.count(in.name())) {
      names.push_back(in.name());
      if (ranks)
        ranks->push_back(in.type().tensor_type().has_shape() ? in.type().tensor_type().shape().dim_size() : -1);
    }
  return names;
}

} // namespace emlc
