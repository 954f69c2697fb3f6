//===- ONNXExport.cpp - a float nn module written back as ONNX ----------------===//
//
// Names first, then nodes: the graph inputs and outputs keep their ONNX names
// (`emlc.name`), so they are reserved and bound before any node is written;
// then the ops of `@main` in program order each write their nodes
// (ExportOps.cpp), naming nodes after their locations and constants after
// their first user. Every name is chosen from the IR and program order only,
// never from pointers, so the bytes are deterministic.
//
//===----------------------------------------------------------------------===//

#include "emlc/Export/ONNXExport.h"
#include "Exporter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/APFloat.h"
#include <cstring>

using namespace mlir;

namespace emlc::exporter {

int32_t onnxElementType(Type t) {
  using TP = ::onnx::TensorProto;
  if (t.isF32())
    return TP::FLOAT;
  if (t.isF64())
    return TP::DOUBLE;
  if (t.isF16())
    return TP::FLOAT16;
  if (t.isBF16())
    return TP::BFLOAT16;
  auto i = llvm::dyn_cast<IntegerType>(t);
  if (!i)
    return 0;
  bool u = i.isUnsigned();
  switch (i.getWidth()) {
  case 1:
    return TP::BOOL;
  case 8:
    return u ? TP::UINT8 : TP::INT8;
  case 16:
    return u ? TP::UINT16 : TP::INT16;
  case 32:
    return u ? TP::UINT32 : TP::INT32;
  case 64:
    return u ? TP::UINT64 : TP::INT64;
  default:
    return 0;
  }
}

/// The name a location carries (NameLoc, or the first inside a FusedLoc / CallSiteLoc).
static std::string locationName(Location loc) {
  if (auto n = llvm::dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = llvm::dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (std::string s = locationName(l); !s.empty())
        return s;
  if (auto c = llvm::dyn_cast<CallSiteLoc>(loc))
    return locationName(c.getCallee());
  return "";
}

std::string Exporter::nodeName(Operation *op, StringRef suffix) {
  std::string base = locationName(op->getLoc());
  if (base.empty()) // nodes emlc created without a name: the op's kind
    base = op->getName().stripDialect().str();
  base += suffix.str();
  std::string name = base;
  for (int k = 1; usedNodes.count(name); ++k)
    name = base + "_" + std::to_string(k);
  usedNodes.insert(name);
  return name;
}

std::string Exporter::freshValue(const std::string &base) {
  std::string name = base;
  for (int k = 1; usedValues.count(name); ++k)
    name = base + "_" + std::to_string(k);
  usedValues.insert(name);
  return name;
}

std::string Exporter::input(Value v, StringRef node, StringRef role) {
  auto it = names.find(v);
  if (it != names.end())
    return it->second;
  // Values are written in program order, so an unnamed operand is a constant.
  auto c = v.getDefiningOp<arith::ConstantOp>();
  auto dense = c ? llvm::dyn_cast<DenseElementsAttr>(c.getValue()) : DenseElementsAttr();
  if (!dense) {
    hadError = true;
    emitError(v.getLoc()) << "ONNX export: an operand of node '" << node
                          << "' is neither a value written before it nor a dense constant";
    return "";
  }
  std::string name = initializer((node + "." + role).str(), dense);
  names[v] = name;
  return name;
}

std::string Exporter::output(Value v, StringRef node) {
  auto it = names.find(v);
  if (it != names.end()) // a graph output
    return it->second;
  unsigned k = llvm::cast<OpResult>(v).getResultNumber();
  std::string name = freshValue((node + "_output_" + std::to_string(k)).str());
  names[v] = name;
  addValueInfo(name, v.getType());
  return name;
}

void Exporter::addValueInfo(const std::string &name, Type t) {
  if (valueInfo)
    describe(*g.add_value_info(), name, t);
}

/// Appends the little-endian bytes of `value` (type `t`) to `raw`.
static void appendElement(std::string &raw, Type t, Attribute value) {
  auto put = [&](uint64_t bits, unsigned bytes) {
    for (unsigned b = 0; b < bytes; ++b)
      raw.push_back((char)((bits >> (8 * b)) & 0xff));
  };
  if (auto f = llvm::dyn_cast<FloatAttr>(value)) {
    APInt bits = f.getValue().bitcastToAPInt();
    put(bits.getZExtValue(), bits.getBitWidth() / 8);
    return;
  }
  auto i = llvm::cast<IntegerAttr>(value);
  unsigned width = t.getIntOrFloatBitWidth();
  put(i.getValue().getZExtValue(), width == 1 ? 1 : width / 8);
}

std::string Exporter::initializer(const std::string &base, DenseElementsAttr value, bool weights) {
  std::string name = freshValue(base);
  ::onnx::TensorProto &t = *g.add_initializer();
  t.set_name(name);
  ShapedType type = value.getType();
  t.set_data_type(onnxElementType(type.getElementType()));
  for (int64_t d : type.getShape())
    t.add_dims(d);
  std::string raw;
  Type elem = type.getElementType();
  if (elem.isF32() && !value.isSplat()) { // the weights: their storage is already little-endian float32
    for (float f : value.getValues<float>())
      raw.append(reinterpret_cast<const char *>(&f), sizeof f);
  } else {
    raw.reserve(type.getNumElements() * std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8));
    Attribute splat = value.isSplat() ? value.getSplatValue<Attribute>() : Attribute();
    if (splat)
      for (int64_t k = 0; k < type.getNumElements(); ++k)
        appendElement(raw, elem, splat);
    else
      for (Attribute a : value.getValues<Attribute>())
        appendElement(raw, elem, a);
  }
  t.set_raw_data(raw);
  if (weights && elem.isF32())
    parameters += type.getNumElements();
  initializerNames.push_back(name);
  return name;
}

std::string Exporter::initF32(const std::string &name, ArrayRef<float> values, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, Float32Type::get(ctx));
  return initializer(name, DenseElementsAttr::get(type, values), /*weights=*/false);
}

std::string Exporter::initI64(const std::string &name, ArrayRef<int64_t> values, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, IntegerType::get(ctx, 64));
  return initializer(name, DenseElementsAttr::get(type, values), /*weights=*/false);
}

std::string Exporter::initScalar(const std::string &name, Type elem, double value) {
  auto type = RankedTensorType::get({}, elem);
  if (llvm::isa<FloatType>(elem))
    return initializer(name, DenseElementsAttr::get(type, FloatAttr::get(elem, value).getValue()), false);
  auto i = llvm::cast<IntegerType>(elem);
  APInt v(i.getWidth(), (uint64_t)(int64_t)value, /*isSigned=*/!i.isUnsigned());
  return initializer(name, DenseElementsAttr::get(type, v), false);
}

::onnx::NodeProto &Exporter::node(StringRef type, StringRef name, ArrayRef<std::string> inputs,
                                  ArrayRef<std::string> outputs) {
  ::onnx::NodeProto &n = *g.add_node();
  n.set_op_type(type.str());
  std::string unique = name.str();
  for (int k = 1; writtenNodes.count(unique); ++k)
    unique = name.str() + "_" + std::to_string(k);
  writtenNodes.insert(unique);
  usedNodes.insert(unique);
  n.set_name(unique);
  for (const std::string &i : inputs)
    n.add_input(i);
  for (const std::string &o : outputs)
    n.add_output(o);
  return n;
}

void Exporter::attr(::onnx::NodeProto &n, StringRef name, int64_t v) {
  auto &a = *n.add_attribute();
  a.set_name(name.str());
  a.set_type(::onnx::AttributeProto::INT);
  a.set_i(v);
}
void Exporter::attr(::onnx::NodeProto &n, StringRef name, float v) {
  auto &a = *n.add_attribute();
  a.set_name(name.str());
  a.set_type(::onnx::AttributeProto::FLOAT);
  a.set_f(v);
}
void Exporter::attr(::onnx::NodeProto &n, StringRef name, StringRef v) {
  auto &a = *n.add_attribute();
  a.set_name(name.str());
  a.set_type(::onnx::AttributeProto::STRING);
  a.set_s(v.str());
}
void Exporter::attr(::onnx::NodeProto &n, StringRef name, ArrayRef<int64_t> v) {
  auto &a = *n.add_attribute();
  a.set_name(name.str());
  a.set_type(::onnx::AttributeProto::INTS);
  for (int64_t x : v)
    a.add_ints(x);
}
void Exporter::attr(::onnx::NodeProto &n, StringRef name, ArrayRef<float> v) {
  auto &a = *n.add_attribute();
  a.set_name(name.str());
  a.set_type(::onnx::AttributeProto::FLOATS);
  for (float x : v)
    a.add_floats(x);
}

void Exporter::describe(::onnx::ValueInfoProto &vi, const std::string &name, Type t) {
  vi.set_name(name);
  auto shaped = llvm::cast<ShapedType>(t);
  auto *tt = vi.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnxElementType(shaped.getElementType()));
  auto *shape = tt->mutable_shape();
  for (int64_t d : shaped.getShape())
    shape->add_dim()->set_dim_value(d);
}

} // namespace emlc::exporter

namespace emlc {
using exporter::Exporter;

/// The IR version ONNX introduced each opset with (onnx/helper.py's table),
/// for modules the importer did not annotate.
static int64_t defaultIRVersion(int64_t opset) {
  if (opset <= 8)
    return 3;
  if (opset == 9)
    return 4;
  if (opset == 10)
    return 5;
  if (opset == 11)
    return 6;
  if (opset <= 14)
    return 7;
  return 8;
}

/// A value of the graph's signature that ONNX cannot hold, as an error on the function.
static LogicalResult checkSignatureType(func::FuncOp fn, Type t, const std::string &what) {
  auto shaped = llvm::dyn_cast<RankedTensorType>(t);
  if (shaped && exporter::onnxElementType(shaped.getElementType()))
    return success();
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return fn.emitError() << what << " has type " << os.str()
                        << ", which ONNX export does not write (quantized or non-tensor values: export the float "
                           "model, before quantization)";
}

/// Graph inputs and outputs under their ONNX names; a returned value that is
/// not a node's own result (a graph input, a constant, a value returned
/// twice) is copied by an Identity node at the end.
static LogicalResult exportSignature(func::FuncOp fn, Exporter &ex, ::onnx::GraphProto &g,
                                     std::vector<std::pair<Value, std::string>> &copies) {
  auto nameOf = [](DictionaryAttr attrs, const std::string &fallback) {
    auto n = attrs ? attrs.getAs<StringAttr>("emlc.name") : StringAttr();
    return n ? n.str() : fallback;
  };
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    std::string name = nameOf(fn.getArgAttrDict(i), "input_" + std::to_string(i));
    if (failed(checkSignatureType(fn, fn.getArgument(i).getType(), "graph input '" + name + "'")))
      return failure();
    ex.reserve(name);
    ex.bind(fn.getArgument(i), name);
    Exporter::describe(*g.add_input(), name, fn.getArgument(i).getType());
  }
  auto ret = llvm::cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (unsigned i = 0; i < fn.getNumResults(); ++i) {
    std::string name = nameOf(fn.getResultAttrDict(i), "output_" + std::to_string(i));
    if (failed(checkSignatureType(fn, fn.getResultTypes()[i], "graph output '" + name + "'")))
      return failure();
    ex.reserve(name);
    Value v = ret.getOperand(i);
    if (llvm::isa<OpResult>(v) && !v.getDefiningOp<arith::ConstantOp>() && !ex.isBound(v))
      ex.bind(v, name);
    else
      copies.push_back({v, name});
    Exporter::describe(*g.add_output(), name, fn.getResultTypes()[i]);
  }
  return success();
}

LogicalResult exportONNX(ModuleOp module, const ExportOptions &options, std::string &bytesOut, ExportStats *stats) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  if (!fn || fn.getBody().getBlocks().size() != 1)
    return module.emitError("ONNX export needs a module with one single-block function @main (nn dialect)");
  auto opsetAttr = module->getAttrOfType<IntegerAttr>("emlc.opset");
  int64_t opset = opsetAttr ? opsetAttr.getInt() : 17;
  if (opset < 7)
    return module.emitError() << "ONNX export writes opset 7 or newer; the model uses opset " << opset
                              << " (re-export it with a newer opset)";
  auto irAttr = module->getAttrOfType<IntegerAttr>("emlc.ir_version");
  int64_t irVersion = irAttr ? irAttr.getInt() : defaultIRVersion(opset);

  ::onnx::ModelProto model;
  model.set_ir_version(irVersion);
  model.set_producer_name(options.producerName);
  if (!options.producerVersion.empty())
    model.set_producer_version(options.producerVersion);
  if (auto p = module->getAttrOfType<StringAttr>("emlc.producer"); p && !p.getValue().empty())
    model.set_doc_string("exported by emlc from a model produced by " + p.str());
  auto *os = model.add_opset_import();
  os->set_domain("");
  os->set_version(opset);
  ::onnx::GraphProto &g = *model.mutable_graph();
  auto graphName = module->getAttrOfType<StringAttr>("emlc.graph_name");
  g.set_name(graphName && !graphName.getValue().empty() ? graphName.str() : "main");

  Exporter ex(module.getContext(), opset, options.valueInfo, g);
  std::vector<std::pair<Value, std::string>> copies;
  if (failed(exportSignature(fn, ex, g, copies)))
    return failure();
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (llvm::isa<arith::ConstantOp>(op))
      continue; // written as an initializer where it is first used
    if (failed(ex.exportOp(&op)) || ex.hadError)
      return failure();
  }
  for (auto &[v, name] : copies) {
    std::string from = ex.input(v, name, "value");
    if (from != name) // a graph input returned under its own name needs no node
      ex.node("Identity", name + "/Identity", {from}, {name});
  }
  // Before IR version 4 every initializer is also a graph input.
  if (irVersion < 4)
    for (const ::onnx::TensorProto &t : g.initializer()) {
      ::onnx::ValueInfoProto &vi = *g.add_input();
      vi.set_name(t.name());
      auto *tt = vi.mutable_type()->mutable_tensor_type();
      tt->set_elem_type(t.data_type());
      auto *shape = tt->mutable_shape();
      for (int64_t d : t.dims())
        shape->add_dim()->set_dim_value(d);
    }
  if (stats) {
    stats->nodes = g.node_size();
    stats->initializers = g.initializer_size();
    stats->parameters = ex.parameters;
  }
  bytesOut.clear();
  if (!model.SerializeToString(&bytesOut))
    return module.emitError("ONNX export: the model does not serialize (over 2 GB?)");
  return success();
}

} // namespace emlc
