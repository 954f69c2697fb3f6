//===- ChannelGroups.cpp - channels that must be pruned together ----------===//
//
// See ChannelGroups.h. One walk in program order gives every value its
// channel slots; apply() then rewrites weights, constants and result types
// in place and verifies the function.
//
//===----------------------------------------------------------------------===//

#include "emlc/Pruning/ChannelGroups.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include <algorithm>
#include <numeric>

using namespace mlir;

namespace emlc {

namespace {
ArrayRef<int64_t> shapeOf(Value v) { return llvm::cast<ShapedType>(v.getType()).getShape(); }

int64_t product(ArrayRef<int64_t> dims, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to; ++i)
    p *= dims[i];
  return p;
}
} // namespace

ChannelGraph::ChannelGraph(func::FuncOp fn) : fn(fn) {
  for (Operation &op : fn.getBody().front())
    visit(&op);
}

int ChannelGraph::root(int g) const {
  while (parent[g] != g)
    g = parent[g];
  return g;
}

std::vector<int> ChannelGraph::prunable() const {
  std::vector<int> out;
  for (int g = 0; g < (int)groups.size(); ++g)
    if (root(g) == g && groups[g].frozenBy.empty())
      out.push_back(g);
  return out;
}

std::vector<int> ChannelGraph::frozen() const {
  std::vector<int> out;
  for (int g = 0; g < (int)groups.size(); ++g)
    if (root(g) == g && !groups[g].frozenBy.empty())
      out.push_back(g);
  return out;
}

const ChannelAxis *ChannelGraph::channelsOf(Value v) const {
  auto it = channels.find(v);
  return it == channels.end() ? nullptr : &it->second;
}

int ChannelGraph::newGroup(Operation *producer, int64_t n) {
  int g = (int)groups.size();
  groups.push_back({n, {producer}, nodeName(producer->getLoc()), ""});
  parent.push_back(g);
  ChannelAxis axis{1, {}};
  for (int64_t c = 0; c < n; ++c)
    axis.slots.push_back({g, c});
  channels[producer->getResult(0)] = axis;
  return g;
}

void ChannelGraph::merge(int a, int b) {
  a = root(a), b = root(b);
  if (a == b)
    return;
  if (b < a)
    std::swap(a, b);
  parent[b] = a;
  groups[a].producers.insert(groups[a].producers.end(), groups[b].producers.begin(), groups[b].producers.end());
  if (groups[a].frozenBy.empty())
    groups[a].frozenBy = groups[b].frozenBy;
}

void ChannelGraph::freeze(Value v, const std::string &why) {
  if (const ChannelAxis *a = channelsOf(v))
    for (const ChannelSlot &s : a->slots)
      if (s.group >= 0 && groups[root(s.group)].frozenBy.empty())
        groups[root(s.group)].frozenBy = why;
}

void ChannelGraph::visit(Operation *op) {
  auto passThrough = [&](int64_t axis) {
    if (const ChannelAxis *in = channelsOf(op->getOperand(0)))
      channels[op->getResult(0)] = {axis, in->slots};
  };
  std::string name = nodeName(op->getLoc());
  auto freezeOperands = [&](const std::string &why) {
    for (Value v : op->getOperands())
      freeze(v, why);
  };
  if (llvm::isa<arith::ConstantOp>(op))
    return;
  if (llvm::isa<func::ReturnOp>(op))
    return freezeOperands("a graph output");
  if (llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(op))
    return visitConv(op);
  if (llvm::isa<nn::BinaryOp>(op))
    return visitBinary(op);
  if (llvm::isa<nn::ReshapeOp>(op))
    return visitReshape(op);
  const ChannelAxis *in = op->getNumOperands() ? channelsOf(op->getOperand(0)) : nullptr;
  if (!in) { // nothing to follow; any other operand carrying channels is read by an op we cannot slice
    freezeOperands("read by '" + name + "' (" + op->getName().getStringRef().str() + ")");
    return;
  }
  int64_t axis = in->axis;
  if (llvm::isa<nn::UnaryOp, nn::CastOp, nn::Pool2DOp>(op) && op->getNumOperands() == 1)
    return passThrough(axis);
  if (auto r = llvm::dyn_cast<nn::ReduceOp>(op)) {
    ArrayRef<int64_t> axes = r.getAxes();
    if (llvm::is_contained(axes, axis))
      return freezeOperands("reduced over its channels by '" + name + "'");
    bool keep = shapeOf(r.getOutput()).size() == shapeOf(r.getInput()).size();
    return passThrough(keep ? axis : axis - llvm::count_if(axes, [&](int64_t a) { return a < axis; }));
  }
  if (auto s = llvm::dyn_cast<nn::SoftmaxOp>(op))
    return (int64_t)s.getAxis() == axis ? freezeOperands("a softmax over its channels") : passThrough(axis);
  if (auto n = llvm::dyn_cast<nn::NormalizeOp>(op))
    return (int64_t)n.getAxis() <= axis ? freezeOperands("normalized over its channels") : passThrough(axis);
  if (auto t = llvm::dyn_cast<nn::TransposeOp>(op)) {
    ArrayRef<int64_t> perm = t.getPerm();
    return passThrough(std::find(perm.begin(), perm.end(), axis) - perm.begin());
  }
  if (auto p = llvm::dyn_cast<nn::PadOp>(op)) {
    ArrayRef<int64_t> pads = p.getPads();
    size_t rank = pads.size() / 2;
    return pads[axis] || pads[rank + axis] ? freezeOperands("padded along its channels") : passThrough(axis);
  }
  if (llvm::isa<nn::SliceOp, nn::ResizeOp>(op) && shapeOf(op->getOperand(0))[axis] == shapeOf(op->getResult(0))[axis])
    return passThrough(axis);
  if (auto c = llvm::dyn_cast<nn::ConcatOp>(op)) {
    if ((int64_t)c.getAxis() != axis)
      return freezeOperands("concatenated along another axis");
    ChannelAxis out{axis, {}};
    for (Value v : c.getInputs()) {
      const ChannelAxis *a = channelsOf(v);
      if (a && a->axis != axis)
        return freezeOperands("concatenated along another axis");
      if (a)
        out.slots.insert(out.slots.end(), a->slots.begin(), a->slots.end());
      else
        out.slots.resize(out.slots.size() + shapeOf(v)[axis]);
    }
    channels[c.getOutput()] = out;
    return;
  }
  freezeOperands("read by '" + name + "' (" + op->getName().getStringRef().str() + ")");
}

void ChannelGraph::visitConv(Operation *op) {
  Value input = op->getOperand(0), weight = op->getOperand(1);
  Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  const ChannelAxis *in = channelsOf(input);
  std::string name = nodeName(op->getLoc());
  bool constant = f32ConstantOf(weight) && (!bias || f32ConstantOf(bias)) &&
                  llvm::cast<ShapedType>(op->getResult(0).getType()).getElementType().isF32();
  auto conv = llvm::dyn_cast<nn::Conv2DOp>(op);
  bool rank2 = !conv && shapeOf(input).size() == 2 && shapeOf(op->getResult(0)).size() == 2;
  if (!constant || (!conv && !rank2))
    return freeze(input, "read by '" + name + "', whose weights are not a float constant");
  int64_t groupCount = conv ? conv.getGroups() : 1;
  int64_t cin = shapeOf(input)[1], m = shapeOf(weight)[0];
  if (groupCount == 1) {
    if (in && in->axis == 1)
      consumerOps.push_back(op);
    else if (in)
      freeze(input, "read by '" + name + "' along another axis");
    newGroup(op, m);
    return;
  }
  if (groupCount == cin && m == cin) { // depthwise: channel c in, channel c out
    if (in && in->axis == 1)
      channels[op->getResult(0)] = *in;
    return;
  }
  freeze(input, "read by the grouped convolution '" + name + "'");
}

void ChannelGraph::visitBinary(Operation *op) {
  auto b = llvm::cast<nn::BinaryOp>(op);
  std::string name = nodeName(op->getLoc());
  size_t rank = shapeOf(b.getOutput()).size();
  Value operands[2] = {b.getLhs(), b.getRhs()};
  const ChannelAxis *axes[2] = {channelsOf(operands[0]), channelsOf(operands[1])};
  auto outAxis = [&](int i) { return axes[i]->axis + (int64_t)(rank - shapeOf(operands[i]).size()); };
  if (!axes[0] && !axes[1])
    return;
  if (axes[0] && axes[1]) {
    const ChannelAxis &a = *axes[0], &c = *axes[1];
    bool sameAxis = outAxis(0) == outAxis(1) && a.slots.size() == c.slots.size();
    if (!sameAxis)
      return freeze(operands[0], "combined by '" + name + "' with other channels"),
             freeze(operands[1], "combined by '" + name + "' with other channels");
    // Equal slots merge group by group; anything else (e.g. a permutation) is frozen.
    for (size_t i = 0; i < a.slots.size(); ++i)
      if ((a.slots[i].group < 0) != (c.slots[i].group < 0) || a.slots[i].channel != c.slots[i].channel)
        return freeze(operands[0], "combined by '" + name + "' with other channels"),
               freeze(operands[1], "combined by '" + name + "' with other channels");
    for (size_t i = 0; i < a.slots.size(); ++i)
      if (a.slots[i].group >= 0)
        merge(a.slots[i].group, c.slots[i].group);
    channels[b.getOutput()] = {outAxis(0), a.slots};
    return;
  }
  int i = axes[0] ? 0 : 1;
  Value other = operands[1 - i];
  int64_t axis = outAxis(i);
  int64_t otherAxis = axis - (int64_t)(rank - shapeOf(other).size());
  int64_t otherDim = otherAxis >= 0 ? shapeOf(other)[otherAxis] : 1;
  if (shapeOf(b.getOutput())[axis] != (int64_t)axes[i]->slots.size())
    return freeze(operands[i], "broadcast by '" + name + "'");
  if (otherDim != 1) {
    if (!f32ConstantOf(other))
      return freeze(operands[i], "combined by '" + name + "' with a tensor it cannot slice");
    perChannelConstants.push_back({op, (unsigned)(1 - i)});
  }
  channels[b.getOutput()] = {axis, axes[i]->slots};
}

void ChannelGraph::visitReshape(Operation *op) {
  Value input = op->getOperand(0), output = op->getResult(0);
  const ChannelAxis *in = channelsOf(input);
  if (!in)
    return;
  ArrayRef<int64_t> s = shapeOf(input), t = shapeOf(output);
  size_t a = in->axis;
  // An output axis b that holds exactly the input axes [i0, i1] around the channel axis.
  for (size_t b = 0; b < t.size(); ++b)
    for (size_t i0 = 0; i0 <= a; ++i0)
      for (size_t i1 = a; i1 < s.size(); ++i1) {
        if (product(s, 0, i0) != product(t, 0, b) || product(s, i0, i1 + 1) != t[b])
          continue;
        int64_t inner = product(s, a + 1, i1 + 1);
        ChannelAxis out{(int64_t)b, {}};
        for (int64_t j = 0; j < t[b]; ++j)
          out.slots.push_back(in->slots[(j / inner) % s[a]]);
        channels[output] = out;
        return;
      }
  freeze(input, "split along its channels by '" + nodeName(op->getLoc()) + "'");
}

std::vector<int64_t> ChannelGraph::keptSlots(Value v, const ChannelPlan &plan) const {
  const ChannelAxis *a = channelsOf(v);
  std::vector<int64_t> kept;
  if (!a)
    return kept;
  for (size_t i = 0; i < a->slots.size(); ++i) {
    const ChannelSlot &s = a->slots[i];
    auto it = s.group < 0 ? plan.end() : plan.find(root(s.group));
    if (it == plan.end() || std::binary_search(it->second.begin(), it->second.end(), s.channel))
      kept.push_back((int64_t)i);
  }
  return kept;
}

int64_t ChannelGraph::keptCount(Value v, const ChannelPlan &plan) const { return (int64_t)keptSlots(v, plan).size(); }

ChannelGraph::Cost ChannelGraph::cost(const ChannelPlan &plan, const LayerCostModel &model) const {
  Cost c;
  for (Operation &op : fn.getBody().front()) {
    if (!llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(&op))
      continue;
    Value in = op.getOperand(0), out = op.getResult(0);
    ArrayRef<int64_t> w = shapeOf(op.getOperand(1)), y = shapeOf(out);
    int64_t m = channelsOf(out) ? keptCount(out, plan) : w[0];
    int64_t perRow = product(w, 1, w.size()); // inputs per output (per group for convolutions)
    auto conv = llvm::dyn_cast<nn::Conv2DOp>(&op);
    if (channelsOf(in) && (!conv || conv.getGroups() == 1))
      perRow = perRow / (int64_t)channelsOf(in)->slots.size() * keptCount(in, plan);
    int64_t positions = conv ? y[0] * y[2] * y[3] : product(y, 0, y.size() - 1);
    c.macs += m * perRow * positions;
    c.params += m * perRow + (op.getNumOperands() > 2 ? m : 0);
    bool depthwise = conv && conv.getGroups() > 1;
    double perMac = !conv ? model.fullyConnectedPerMac : depthwise ? model.depthwisePerMac : model.convPerMac;
    c.instructions += perMac * (double)(m * perRow * positions) + model.perOutput * (double)(m * positions) +
                      (conv && !depthwise ? model.perPatchElement * (double)(perRow * positions) : 0.0);
  }
  return c;
}

bool ChannelGraph::apply(const ChannelPlan &plan, std::string &error) {
  OpBuilder b(fn.getContext());
  auto replaceConstant = [&](Operation *op, unsigned idx, DenseElementsAttr value) {
    b.setInsertionPoint(op);
    op->setOperand(idx, b.create<arith::ConstantOp>(op->getOperand(idx).getLoc(), value));
  };
  std::vector<Operation *> ops;
  for (Operation &op : fn.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(op) && f32ConstantOf(op->getOperand(1))) {
      Value in = op->getOperand(0), out = op->getResult(0);
      DenseElementsAttr w = f32ConstantOf(op->getOperand(1));
      auto conv = llvm::dyn_cast<nn::Conv2DOp>(op);
      bool depthwise = conv && conv.getGroups() > 1;
      std::vector<int64_t> rows = channelsOf(out) ? keptSlots(out, plan) : std::vector<int64_t>();
      bool pruneRows = channelsOf(out) && rows.size() < channelsOf(out)->slots.size();
      if (pruneRows)
        w = selectAlong(w, 0, rows);
      if (channelsOf(in) && !depthwise && keptSlots(in, plan).size() < channelsOf(in)->slots.size())
        w = selectAlong(w, 1, keptSlots(in, plan));
      if (w != f32ConstantOf(op->getOperand(1)))
        replaceConstant(op, 1, w);
      if (pruneRows && op->getNumOperands() > 2)
        replaceConstant(op, 2, selectAlong(f32ConstantOf(op->getOperand(2)), 0, rows));
      if (depthwise && pruneRows)
        conv.setGroups((int64_t)rows.size());
    }
    for (auto [bin, idx] : perChannelConstants) {
      if (bin != op)
        continue;
      Value out = op->getResult(0), c = op->getOperand(idx);
      int64_t axis = channelsOf(out)->axis - (int64_t)(shapeOf(out).size() - shapeOf(c).size());
      std::vector<int64_t> kept = keptSlots(out, plan);
      if ((int64_t)kept.size() < shapeOf(c)[axis])
        replaceConstant(op, idx, selectAlong(f32ConstantOf(c), axis, kept));
    }
    for (Value r : op->getResults())
      if (const ChannelAxis *a = channelsOf(r)) {
        auto type = llvm::cast<RankedTensorType>(r.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape[a->axis] = keptCount(r, plan);
        r.setType(type.clone(shape));
      }
  }
  for (Operation *op : ops) // weights no layer reads any more
    if (llvm::isa<arith::ConstantOp>(op) && op->use_empty())
      op->erase();
  if (failed(verify(fn))) {
    error = "pruning left an invalid graph (a coupling the channel analysis missed); please report it";
    return false;
  }
  return true;
}

} // namespace emlc
