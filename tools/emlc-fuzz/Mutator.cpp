//===- Mutator.cpp - structure-aware mutations of an ONNX model -----------===//

#include "Mutator.h"
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace emlc::fuzz {

namespace {

using Rng = std::minstd_rand;

size_t pick(Rng &rng, size_t n) { return n ? rng() % n : 0; }
bool coin(Rng &rng) { return rng() & 1; }

// Edge values of the classes that broke compilers before: 0, negatives, the
// int32/int64 limits and sizes whose products overflow.
const int64_t kInts[] = {0,
                         1,
                         2,
                         3,
                         4,
                         -1,
                         -2,
                         7,
                         16,
                         64,
                         255,
                         256,
                         65535,
                         1LL << 31,
                         -(1LL << 31),
                         1LL << 32,
                         1LL << 40,
                         1LL << 62,
                         std::numeric_limits<int64_t>::max(),
                         std::numeric_limits<int64_t>::min()};
const float kFloats[] = {0.0f,
                         -0.0f,
                         1.0f,
                         -1.0f,
                         0.5f,
                         2.0f,
                         1e-30f,
                         1e30f,
                         -1e30f,
                         std::numeric_limits<float>::infinity(),
                         -std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::quiet_NaN(),
                         std::numeric_limits<float>::denorm_min()};

// The op types emlc imports, plus a few it does not (they must be refused cleanly).
const char *const kOps[] = {"Conv",
                            "ConvTranspose",
                            "Gemm",
                            "MatMul",
                            "Relu",
                            "LeakyRelu",
                            "PRelu",
                            "Clip",
                            "Sigmoid",
                            "HardSigmoid",
                            "HardSwish",
                            "Tanh",
                            "Elu",
                            "Selu",
                            "Softmax",
                            "LogSoftmax",
                            "Exp",
                            "Log",
                            "Sqrt",
                            "Abs",
                            "Neg",
                            "Reciprocal",
                            "Floor",
                            "Ceil",
                            "Erf",
                            "Pow",
                            "MaxPool",
                            "AveragePool",
                            "GlobalAveragePool",
                            "GlobalMaxPool",
                            "BatchNormalization",
                            "InstanceNormalization",
                            "LayerNormalization",
                            "Add",
                            "Sub",
                            "Mul",
                            "Div",
                            "Min",
                            "Max",
                            "Sum",
                            "Mean",
                            "Concat",
                            "Reshape",
                            "Flatten",
                            "Squeeze",
                            "Unsqueeze",
                            "Transpose",
                            "Pad",
                            "Slice",
                            "Split",
                            "Gather",
                            "ReduceMean",
                            "ReduceMax",
                            "ReduceMin",
                            "ReduceSum",
                            "Identity",
                            "Dropout",
                            "Constant",
                            "Shape",
                            "Cast",
                            "Resize",
                            "Upsample",
                            "DepthToSpace",
                            "SpaceToDepth",
                            "LSTM",
                            "GRU",
                            "RNN",
                            "Round",
                            "QuantizeLinear",
                            "DequantizeLinear",
                            "QLinearConv",
                            "QLinearMatMul",
                            "ConvInteger",
                            "MatMulInteger",
                            "DynamicQuantizeLinear",
                            "Expand",
                            "Tile",
                            "ConstantOfShape",
                            "Where",
                            "Hardmax",
                            "Loop",
                            "If",
                            "TopK",
                            ""};

const char *const kAttrs[] = {
    "axis",        "axes",  "pads",           "strides",      "kernel_shape",     "dilations", "group",    "perm",
    "hidden_size", "alpha", "beta",           "epsilon",      "transA",           "transB",    "keepdims", "mode",
    "scales",      "value", "blocksize",      "auto_pad",     "ceil_mode",        "split",     "to",       "direction",
    "min",         "max",   "output_padding", "output_shape", "count_include_pad"};

int64_t anInt(Rng &rng) { return coin(rng) ? kInts[pick(rng, std::size(kInts))] : (int64_t)(rng() % 9) - 2; }
float aFloat(Rng &rng) {
  return coin(rng) ? kFloats[pick(rng, std::size(kFloats))] : (float)((int)(rng() % 2001) - 1000) / 100.0f;
}

/// Every tensor name the graph mentions (for rewiring), plus "" and a fresh one.
std::string aName(const ::onnx::GraphProto &g, Rng &rng) {
  std::vector<const std::string *> names;
  for (const auto &n : g.node()) {
    for (const auto &s : n.input())
      names.push_back(&s);
    for (const auto &s : n.output())
      names.push_back(&s);
  }
  for (const auto &t : g.initializer())
    names.push_back(&t.name());
  for (const auto &v : g.input())
    names.push_back(&v.name());
  size_t r = pick(rng, names.size() + 2);
  if (r < names.size())
    return *names[r];
  return r == names.size() ? std::string() : "fz" + std::to_string(rng() % 16);
}

/// The value infos of the graph's inputs, outputs and intermediates.
std::vector<::onnx::ValueInfoProto *> valueInfos(::onnx::GraphProto &g) {
  std::vector<::onnx::ValueInfoProto *> v;
  for (auto &x : *g.mutable_input())
    v.push_back(&x);
  for (auto &x : *g.mutable_output())
    v.push_back(&x);
  for (auto &x : *g.mutable_value_info())
    v.push_back(&x);
  return v;
}

void mutateDims(::onnx::GraphProto &g, Rng &rng) {
  auto infos = valueInfos(g);
  if (infos.empty())
    return;
  ::onnx::ValueInfoProto *v = infos[pick(rng, infos.size())];
  auto *t = v->mutable_type()->mutable_tensor_type();
  auto *shape = t->mutable_shape();
  switch (rng() % 5) {
  case 0: // a dim's value
    if (shape->dim_size())
      shape->mutable_dim(pick(rng, shape->dim_size()))->set_dim_value(anInt(rng));
    break;
  case 1: // a symbolic dim
    if (shape->dim_size())
      shape->mutable_dim(pick(rng, shape->dim_size()))->set_dim_param(coin(rng) ? "N" : "");
    break;
  case 2: // one more dim
    shape->add_dim()->set_dim_value(1 + rng() % 4);
    break;
  case 3: // one dim fewer (rank 0 included)
    if (shape->dim_size())
      shape->mutable_dim()->RemoveLast();
    break;
  default: // another element type (float16, int8, string, an undefined number)
    t->set_elem_type((int32_t)(rng() % 18) - (coin(rng) ? 0 : 1));
  }
}

void setAttrValue(::onnx::AttributeProto &a, Rng &rng) {
  switch (rng() % 5) {
  case 0:
    a.set_type(::onnx::AttributeProto::INT);
    a.set_i(anInt(rng));
    break;
  case 1:
    a.set_type(::onnx::AttributeProto::FLOAT);
    a.set_f(aFloat(rng));
    break;
  case 2:
    a.set_type(::onnx::AttributeProto::INTS);
    a.clear_ints();
    for (size_t k = rng() % 5; k; --k)
      a.add_ints(anInt(rng));
    break;
  case 3:
    a.set_type(::onnx::AttributeProto::FLOATS);
    a.clear_floats();
    for (size_t k = rng() % 4; k; --k)
      a.add_floats(aFloat(rng));
    break;
  default:
    a.set_type(::onnx::AttributeProto::STRING);
    a.set_s(coin(rng) ? "NOTSET" : coin(rng) ? "nearest" : "*/x");
  }
}

void mutateAttribute(::onnx::NodeProto &n, Rng &rng) {
  if (!n.attribute_size() || rng() % 4 == 0) { // a new attribute, of any known name and type
    auto *a = n.add_attribute();
    a->set_name(kAttrs[pick(rng, std::size(kAttrs))]);
    setAttrValue(*a, rng);
    return;
  }
  auto &a = *n.mutable_attribute(pick(rng, n.attribute_size()));
  switch (rng() % 6) {
  case 0:
    a.set_i(anInt(rng));
    break;
  case 1:
    a.set_f(aFloat(rng));
    break;
  case 2:
    if (a.ints_size())
      a.set_ints(pick(rng, a.ints_size()), anInt(rng));
    else
      a.add_ints(anInt(rng));
    break;
  case 3: // one element more or fewer
    if (coin(rng) && a.ints_size())
      a.mutable_ints()->RemoveLast();
    else
      a.add_ints(anInt(rng));
    break;
  case 4:
    if (a.floats_size())
      a.set_floats(pick(rng, a.floats_size()), aFloat(rng));
    else
      a.set_f(aFloat(rng));
    break;
  default:
    if (coin(rng))
      setAttrValue(a, rng); // the same name, another type
    else
      n.mutable_attribute()->DeleteSubrange(pick(rng, n.attribute_size()), 1);
  }
}

void mutateWiring(::onnx::GraphProto &g, ::onnx::NodeProto &n, Rng &rng) {
  switch (rng() % 5) {
  case 0:
    if (n.input_size())
      n.set_input(pick(rng, n.input_size()), aName(g, rng));
    break;
  case 1:
    if (n.input_size())
      n.mutable_input()->DeleteSubrange(pick(rng, n.input_size()), 1);
    break;
  case 2:
    n.add_input(aName(g, rng));
    break;
  case 3:
    if (n.output_size())
      n.set_output(pick(rng, n.output_size()), aName(g, rng));
    else
      n.add_output(aName(g, rng));
    break;
  default:
    if (n.output_size() && coin(rng))
      n.mutable_output()->RemoveLast();
    else
      n.add_output(aName(g, rng));
  }
}

void mutateNodes(::onnx::GraphProto &g, Rng &rng) {
  if (!g.node_size())
    return;
  int k = (int)pick(rng, g.node_size());
  switch (rng() % 4) {
  case 0: // drop
    g.mutable_node()->DeleteSubrange(k, 1);
    break;
  case 1: // duplicate (a second producer of the same names)
    *g.add_node() = g.node(k);
    break;
  case 2: // swap two (a use before its definition)
    g.mutable_node()->SwapElements(k, (int)pick(rng, g.node_size()));
    break;
  default:
    g.mutable_node(k)->set_op_type(kOps[pick(rng, std::size(kOps))]);
  }
}

void mutateInitializer(::onnx::GraphProto &g, Rng &rng) {
  if (!g.initializer_size())
    return;
  auto &t = *g.mutable_initializer(pick(rng, g.initializer_size()));
  switch (rng() % 6) {
  case 0:
    if (t.dims_size())
      t.set_dims(pick(rng, t.dims_size()), anInt(rng));
    break;
  case 1:
    if (coin(rng) && t.dims_size())
      t.mutable_dims()->RemoveLast();
    else
      t.add_dims(1 + rng() % 3);
    break;
  case 2:
    t.set_data_type((int32_t)(rng() % 18));
    break;
  case 3: // payload shorter or longer than the dims say
    if (!t.raw_data().empty())
      t.mutable_raw_data()->resize(coin(rng) ? t.raw_data().size() / 2 : t.raw_data().size() + 1 + rng() % 8);
    else if (t.float_data_size())
      t.mutable_float_data()->RemoveLast();
    else
      t.add_int64_data(anInt(rng));
    break;
  case 4: // a value
    if (t.raw_data().size() >= 4) {
      float f = aFloat(rng);
      size_t at = pick(rng, t.raw_data().size() / 4) * 4;
      std::memcpy(&(*t.mutable_raw_data())[at], &f, 4);
    } else if (t.float_data_size()) {
      t.set_float_data(pick(rng, t.float_data_size()), aFloat(rng));
    } else if (t.int64_data_size()) {
      t.set_int64_data(pick(rng, t.int64_data_size()), anInt(rng));
    }
    break;
  default: // external data (must be refused: the fuzz target has no model folder)
    t.set_data_location(::onnx::TensorProto::EXTERNAL);
    auto *e = t.add_external_data();
    e->set_key(coin(rng) ? "location" : "offset");
    e->set_value(coin(rng) ? "w.bin" : "99999999999999999999");
  }
}

void mutateGraphIO(::onnx::ModelProto &m, Rng &rng) {
  auto &g = *m.mutable_graph();
  switch (rng() % 5) {
  case 0:
    if (m.opset_import_size())
      m.mutable_opset_import(0)->set_version(coin(rng) ? anInt(rng) : 6 + rng() % 16);
    else
      m.add_opset_import()->set_version(13);
    break;
  case 1: // duplicate or drop a graph input
    if (g.input_size() && coin(rng))
      *g.add_input() = g.input(pick(rng, g.input_size()));
    else if (g.input_size())
      g.mutable_input()->DeleteSubrange(pick(rng, g.input_size()), 1);
    break;
  case 2: // an output that names another tensor, or a new output
    if (g.output_size() && coin(rng))
      g.mutable_output(pick(rng, g.output_size()))->set_name(aName(g, rng));
    else
      *g.add_output() = g.input_size() ? g.input(0) : ::onnx::ValueInfoProto();
    break;
  case 3: // a hostile name: C comment and preprocessor characters, non-ASCII
    if (g.node_size())
      g.mutable_node(pick(rng, g.node_size()))
          ->set_name(coin(rng) ? "a*/ int x; /*"
                               : "#\\\n\xc3\xa9?"
                                 "?=");
    break;
  default:
    if (g.input_size())
      g.mutable_input(pick(rng, g.input_size()))->set_name(aName(g, rng));
  }
}

} // namespace

void mutateModel(::onnx::ModelProto &m, Rng &rng) {
  auto &g = *m.mutable_graph();
  switch (rng() % 8) {
  case 0:
  case 1:
    mutateDims(g, rng);
    break;
  case 2:
  case 3:
    if (g.node_size())
      mutateAttribute(*g.mutable_node(pick(rng, g.node_size())), rng);
    break;
  case 4:
    if (g.node_size())
      mutateWiring(g, *g.mutable_node(pick(rng, g.node_size())), rng);
    break;
  case 5:
    mutateNodes(g, rng);
    break;
  case 6:
    mutateInitializer(g, rng);
    break;
  default:
    mutateGraphIO(m, rng);
  }
}

void crossOver(::onnx::ModelProto &m, const ::onnx::ModelProto &other, Rng &rng) {
  auto &g = *m.mutable_graph();
  const auto &o = other.graph();
  if (o.node_size()) { // a run of the other graph's nodes, appended with what they read
    int from = (int)pick(rng, o.node_size()), count = 1 + (int)pick(rng, 4);
    for (int k = from; k < o.node_size() && k < from + count; ++k)
      *g.add_node() = o.node(k);
  }
  for (int k = 0; k < o.initializer_size() && k < 8; ++k)
    if (coin(rng))
      *g.add_initializer() = o.initializer(k);
  if (o.output_size() && coin(rng))
    *g.add_output() = o.output(pick(rng, o.output_size()));
}

} // namespace emlc::fuzz
