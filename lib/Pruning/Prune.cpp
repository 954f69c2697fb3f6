//===- Prune.cpp - structured channel pruning of a float nn function ------===//
//
// See Prune.h. Copies of the function (FuncCopy) are pruned to measure a
// candidate; the analysis is re-run on each copy, whose groups are numbered
// alike (program order).
//
//===----------------------------------------------------------------------===//

#include "emlc/Pruning/Prune.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Interpreter/LayerInputs.h"
#include "emlc/Quantization/ErrorFeedback.h"
#include "emlc/Quantization/MixedPrecision.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;

namespace emlc {

namespace {

/// An unlinked copy of a function, destroyed with this object.
struct FuncCopy {
  explicit FuncCopy(func::FuncOp fn) : fn(fn.clone()) {}
  ~FuncCopy() { fn.erase(); }
  FuncCopy(const FuncCopy &) = delete;
  FuncCopy &operator=(const FuncCopy &) = delete;
  func::FuncOp fn;
};

/// The function's convolutions and fully connected layers, in program order.
std::vector<Operation *> layersOf(func::FuncOp fn) {
  std::vector<Operation *> out;
  for (Operation &op : fn.getBody().front())
    if (llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(&op))
      out.push_back(&op);
  return out;
}

/// Importance of every channel of every prunable group (index: group root).
bool channelScores(ChannelGraph &graph, func::FuncOp fn, const std::string &criterion,
                   const std::vector<Tensor> &samples, std::map<int, std::vector<double>> &scores, std::string &error) {
  for (int g : graph.prunable())
    scores[g].assign(graph.group(g).channels, 0.0);
  if (criterion == "bn") { // |gamma| of the BatchNorm after each producer (folded into it, or the mul that follows)
    for (auto &[g, score] : scores)
      for (Operation *p : graph.group(g).producers) {
        auto gamma = p->getAttrOfType<DenseF32ArrayAttr>("emlc.bn_gamma");
        Value out = p->getResult(0);
        if (!gamma && out.hasOneUse())
          gamma = (*out.getUsers().begin())->getAttrOfType<DenseF32ArrayAttr>("emlc.bn_gamma");
        if (!gamma || gamma.size() != (int64_t)score.size()) {
          error = "--prune-importance=bn: no BatchNormalization follows '" + nodeName(p->getLoc()) +
                  "' (use l1, l2 or reconstruction)";
          return false;
        }
        for (size_t c = 0; c < score.size(); ++c)
          score[c] += std::fabs(gamma[c]);
      }
    return true;
  }
  if (criterion == "l1" || criterion == "l2") {
    for (auto &[g, score] : scores)
      for (Operation *p : graph.group(g).producers) {
        std::vector<float> w = floatValues(f32ConstantOf(p->getOperand(1)));
        int64_t rows = (int64_t)score.size(), per = (int64_t)w.size() / rows;
        std::vector<double> norm(rows, 0.0);
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t k = 0; k < per; ++k)
            norm[r] += criterion == "l1" ? std::fabs(w[r * per + k]) : (double)w[r * per + k] * w[r * per + k];
        if (criterion == "l2")
          for (double &n : norm)
            n = std::sqrt(n);
        double mean = std::accumulate(norm.begin(), norm.end(), 0.0) / rows;
        for (int64_t r = 0; r < rows; ++r)
          score[r] += mean > 0 ? norm[r] / mean : 0.0;
      }
    return true;
  }
  // reconstruction: E[x_i^2] at each consumer input position i, times its weight column's energy.
  const std::vector<Operation *> &consumers = graph.consumers();
  DenseMap<Value, std::vector<double>> energy;
  for (Operation *c : consumers)
    energy[c->getOperand(0)].assign(graph.channelsOf(c->getOperand(0))->slots.size(), 0.0);
  Interpreter interp(fn);
  for (const Tensor &s : samples) {
    std::vector<Tensor> outs;
    bool ok = interp.run({s}, outs, error, [&](Operation *op, unsigned r, const Tensor &t) {
      auto it = energy.find(op->getResult(r));
      if (it == energy.end())
        return;
      int64_t axis = graph.channelsOf(op->getResult(r))->axis, inner = 1, dim = t.shape[axis];
      for (size_t d = axis + 1; d < t.shape.size(); ++d)
        inner *= t.shape[d];
      for (int64_t e = 0; e < t.size(); ++e)
        it->second[(e / inner) % dim] += (double)t.data[e] * t.data[e];
    });
    if (!ok)
      return false;
  }
  for (Operation *c : consumers) {
    const ChannelAxis *axis = graph.channelsOf(c->getOperand(0));
    std::vector<float> w = floatValues(f32ConstantOf(c->getOperand(1)));
    ArrayRef<int64_t> ws = llvm::cast<ShapedType>(c->getOperand(1).getType()).getShape();
    int64_t cols = ws[1], taps = ws.size() == 4 ? ws[2] * ws[3] : 1;
    const std::vector<double> &e = energy[c->getOperand(0)];
    for (int64_t i = 0; i < cols; ++i) {
      const ChannelSlot &s = axis->slots[i];
      auto it = s.group < 0 ? scores.end() : scores.find(graph.root(s.group));
      if (it == scores.end())
        continue;
      double col = 0;
      for (int64_t o = 0; o < ws[0]; ++o)
        for (int64_t t = 0; t < taps; ++t)
          col += (double)w[(o * cols + i) * taps + t] * w[(o * cols + i) * taps + t];
      it->second[s.channel] += e[i] * col;
    }
  }
  return true;
}

/// The `count` most important channels of a group, sorted.
std::vector<int64_t> topChannels(const std::vector<double> &score, int64_t count) {
  std::vector<int64_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return score[a] > score[b]; });
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

/// The channel counts a group may keep, all first: C, then multiples of m below it.
std::vector<int64_t> levelsOf(int64_t channels, int64_t m) {
  std::vector<int64_t> out{channels};
  for (int64_t k = (channels - 1) / m * m; k >= m; k -= m)
    out.push_back(k);
  return out;
}

/// Solves (A + ridge) X = B for the symmetric positive semi-definite A (n x n)
/// and B (n x m), in place into B. False if A is singular even with the ridge.
bool solveRidge(std::vector<double> a, int64_t n, std::vector<double> &b, int64_t m) {
  double trace = 0;
  for (int64_t i = 0; i < n; ++i)
    trace += a[i * n + i];
  for (int64_t i = 0; i < n; ++i)
    a[i * n + i] += 1e-4 * trace / n + 1e-12;
  if (!cholesky(a, n)) // a = L L^T, L in the lower triangle
    return false;
  for (int64_t c = 0; c < m; ++c) {
    for (int64_t i = 0; i < n; ++i) { // L y = b
      double s = b[i * m + c];
      for (int64_t k = 0; k < i; ++k)
        s -= a[i * n + k] * b[k * m + c];
      b[i * m + c] = s / a[i * n + i];
    }
    for (int64_t i = n - 1; i >= 0; --i) { // L^T x = y
      double s = b[i * m + c];
      for (int64_t k = i + 1; k < n; ++k)
        s -= a[k * n + i] * b[k * m + c];
      b[i * m + c] = s / a[i * n + i];
    }
  }
  return true;
}

/// The input tensor of `layer` in a run of its function on `sample`.
bool layerInput(Interpreter &interp, func::FuncOp fn, Operation *layer, const Tensor &sample, Tensor &out,
                std::string &error) {
  Value in = layer->getOperand(0);
  if (in == fn.getArgument(0)) {
    out = sample;
    return true;
  }
  std::vector<Tensor> outs;
  return interp.run({sample}, outs, error, [&](Operation *op, unsigned r, const Tensor &t) {
    if (op->getResult(r) == in)
      out = t;
  });
}

/// Least-squares correction of the layers of `pruned` that lost input channels:
/// weights and bias that best give `original`'s outputs of the kept rows.
bool correctLayers(func::FuncOp original, func::FuncOp pruned, ChannelGraph &graph, const ChannelPlan &plan,
                   const std::vector<Tensor> &fit, int64_t positions, const PruneProgress &progress,
                   std::string &error) {
  std::vector<Operation *> lo = layersOf(original), lp = layersOf(pruned);
  std::vector<size_t> todo;
  for (size_t j = 0; j < lo.size(); ++j) {
    auto conv = llvm::dyn_cast<nn::Conv2DOp>(lo[j]);
    if ((!conv || conv.getGroups() == 1) && lo[j]->getOperand(0).getType() != lp[j]->getOperand(0).getType())
      todo.push_back(j);
  }
  Interpreter io(original);
  OpBuilder b(pruned.getContext());
  for (size_t t = 0; t < todo.size(); ++t) {
    size_t j = todo[t];
    if (progress)
      progress("pruning: least-squares correction", (int64_t)t, (int64_t)todo.size());
    LayerInputRows ro(lo[j]), rp(lp[j]);
    bool bias = lp[j]->getNumOperands() > 2;
    int64_t Ko = ro.K, n = rp.K + (bias ? 1 : 0);
    std::vector<double> A(n * n, 0.0), C(n * (Ko + 1), 0.0);
    Interpreter ip(pruned);
    for (const Tensor &s : fit) {
      Tensor xo, xp;
      if (!layerInput(io, original, lo[j], s, xo, error) || !layerInput(ip, pruned, lp[j], s, xp, error))
        return false;
      std::vector<std::vector<double>> rowsO;
      ro.forEach(xo, positions, [&](int64_t, const std::vector<double> &v) { rowsO.push_back(v); });
      size_t r = 0;
      rp.forEach(xp, positions, [&](int64_t, const std::vector<double> &v) {
        const std::vector<double> &vo = rowsO[r++];
        for (int64_t a = 0; a < n; ++a) {
          double va = a < rp.K ? v[a] : 1.0;
          if (va == 0)
            continue;
          for (int64_t c = a; c < n; ++c)
            A[a * n + c] += va * (c < rp.K ? v[c] : 1.0);
          for (int64_t c = 0; c < Ko; ++c)
            C[a * (Ko + 1) + c] += va * vo[c];
          C[a * (Ko + 1) + Ko] += va;
        }
      });
    }
    for (int64_t a = 0; a < n; ++a)
      for (int64_t c = 0; c < a; ++c)
        A[a * n + c] = A[c * n + a];
    // The original layer's kept rows (weights | bias) are the targets.
    std::vector<int64_t> rows = graph.keptSlots(lo[j]->getResult(0), plan);
    if (!graph.channelsOf(lo[j]->getResult(0))) {
      rows.resize(llvm::cast<ShapedType>(lo[j]->getOperand(1).getType()).getShape()[0]);
      std::iota(rows.begin(), rows.end(), 0);
    }
    std::vector<float> wo = floatValues(f32ConstantOf(lo[j]->getOperand(1)));
    std::vector<float> bo = bias ? floatValues(f32ConstantOf(lo[j]->getOperand(2))) : std::vector<float>();
    int64_t m = (int64_t)rows.size();
    std::vector<double> B(n * m, 0.0);
    for (int64_t a = 0; a < n; ++a)
      for (int64_t o = 0; o < m; ++o) {
        double s = bias ? C[a * (Ko + 1) + Ko] * bo[rows[o]] : 0.0;
        for (int64_t c = 0; c < Ko; ++c)
          s += C[a * (Ko + 1) + c] * wo[rows[o] * Ko + c];
        B[a * m + o] = s;
      }
    if (!solveRidge(A, n, B, m))
      continue; // degenerate inputs (all zero): keep the pruned weights
    std::vector<float> w(m * rp.K), nb(m);
    for (int64_t o = 0; o < m; ++o) {
      for (int64_t k = 0; k < rp.K; ++k)
        w[o * rp.K + k] = (float)B[k * m + o];
      if (bias)
        nb[o] = (float)B[rp.K * m + o];
    }
    b.setInsertionPoint(lp[j]);
    auto wType = llvm::cast<ShapedType>(lp[j]->getOperand(1).getType());
    lp[j]->setOperand(1,
                      b.create<arith::ConstantOp>(lp[j]->getLoc(), f32Constant(b.getContext(), wType.getShape(), w)));
    if (bias)
      lp[j]->setOperand(2, b.create<arith::ConstantOp>(lp[j]->getLoc(), f32Constant(b.getContext(), {m}, nb)));
  }
  if (progress)
    progress("pruning: least-squares correction", (int64_t)todo.size(), (int64_t)todo.size());
  return true;
}

/// Kept channel counts per prunable group, as level indices (0: all).
struct Search {
  ChannelGraph &graph;
  std::vector<int> groups;
  std::vector<std::vector<int64_t>> levels;
  std::map<int, std::vector<double>> scores;
  enum class Goal { Macs, Flash, Instructions } kind;
  int64_t bytesPerWeight;
  double goal;
  LayerCostModel model;

  ChannelPlan planOf(const std::vector<size_t> &at) {
    ChannelPlan plan;
    for (size_t i = 0; i < groups.size(); ++i)
      if (at[i] > 0)
        plan[groups[i]] = topChannels(scores[groups[i]], levels[i][at[i]]);
    return plan;
  }
  double metric(const std::vector<size_t> &at) { return metricOf(graph.cost(planOf(at), model)); }
  double metricOf(const ChannelGraph::Cost &c) const {
    return kind == Goal::Flash          ? (double)c.params * bytesPerWeight
           : kind == Goal::Instructions ? c.instructions
                                        : (double)c.macs;
  }

  /// The smallest share of every group's channels whose removal meets the goal.
  bool uniform(std::vector<size_t> &at) {
    for (int step = 0; step <= 400; ++step) {
      double keep = 1.0 - 0.98 * step / 400.0;
      for (size_t i = 0; i < groups.size(); ++i) {
        double want = keep * (double)levels[i][0];
        at[i] = 0;
        for (size_t l = 1; l < levels[i].size(); ++l)
          if (std::fabs((double)levels[i][l] - want) < std::fabs((double)levels[i][at[i]] - want))
            at[i] = l;
      }
      if (metric(at) <= goal)
        return true;
    }
    return false;
  }

  /// noise[i][l]: output noise on `check` with only group i pruned to level l.
  /// With `fit` samples each candidate is measured after its own least-squares
  /// correction (the error that remains, not the raw one, which overstates
  /// the early layers' share: their consumers recover most of it).
  bool sensitivity(func::FuncOp fn, const std::vector<Tensor> &check, const std::vector<std::vector<Tensor>> &ref,
                   const std::vector<Tensor> &fit, int64_t positions, const PruneProgress &progress,
                   std::vector<std::vector<double>> &noise, std::string &error) {
    int64_t total = 0, done = 0;
    for (const auto &l : levels)
      total += (int64_t)l.size() - 1;
    for (size_t i = 0; i < groups.size(); ++i) {
      noise.push_back({0.0});
      for (size_t l = 1; l < levels[i].size(); ++l) {
        if (progress)
          progress("pruning: measuring sensitivity", done++, total);
        FuncCopy copy(fn);
        ChannelGraph g(copy.fn);
        ChannelPlan plan{{groups[i], topChannels(scores[groups[i]], levels[i][l])}};
        if (!g.apply(plan, error) ||
            (!fit.empty() && !correctLayers(fn, copy.fn, graph, plan, fit, positions, nullptr, error)))
          return false;
        double n = outputNoise(copy.fn, check, ref, error);
        if (n < 0)
          return false;
        noise[i].push_back(n);
      }
    }
    if (progress)
      progress("pruning: measuring sensitivity", total, total);
    return true;
  }

  /// From all channels, the step with the least noise added per instruction saved, until the goal.
  bool greedy(const std::vector<std::vector<double>> &noise, std::vector<size_t> &at) {
    ChannelGraph::Cost current = graph.cost(planOf(at), model);
    while (metricOf(current) > goal) {
      double best = INFINITY;
      ChannelGraph::Cost bestCost;
      size_t bestGroup = groups.size();
      for (size_t i = 0; i < groups.size(); ++i) {
        if (at[i] + 1 >= levels[i].size())
          continue;
        ++at[i];
        ChannelGraph::Cost c = graph.cost(planOf(at), model);
        --at[i];
        if (metricOf(c) >= metricOf(current) || c.instructions >= current.instructions)
          continue;
        double rate = (noise[i][at[i] + 1] - noise[i][at[i]]) / (current.instructions - c.instructions);
        if (rate < best)
          best = rate, bestGroup = i, bestCost = c;
      }
      if (bestGroup == groups.size())
        return false;
      ++at[bestGroup];
      current = bestCost;
    }
    return true;
  }
};

/// Gives channels back, a step at a time, while the goal still holds: the
/// schedules stop at the first plan under the goal, often well under it.
/// `gain(i)` ranks the candidates (largest first).
void fillBack(Search &search, std::vector<size_t> &at, const std::function<double(size_t)> &gain) {
  for (;;) {
    size_t best = at.size();
    for (size_t i = 0; i < at.size(); ++i) {
      if (at[i] == 0)
        continue;
      --at[i];
      bool fits = search.metric(at) <= search.goal;
      ++at[i];
      if (fits && (best == at.size() || gain(i) > gain(best)))
        best = i;
    }
    if (best == at.size())
      return;
    --at[best];
  }
}

/// Replaces each group's levels by levels half as far apart (at least 4
/// channels), moving `at` and the schedule's noise to them (noise linear in
/// the channel count between two measured levels).
void halveSteps(Search &search, std::vector<size_t> &at, std::vector<std::vector<double>> &noise) {
  for (size_t i = 0; i < at.size(); ++i) {
    const std::vector<int64_t> coarse = search.levels[i]; // C, then multiples of the step down to it
    std::vector<int64_t> fine =
        coarse.size() > 1 ? levelsOf(coarse[0], std::max<int64_t>(4, coarse.back() / 2)) : coarse;
    int64_t kept = coarse[at[i]];
    at[i] = std::find(fine.begin(), fine.end(), kept) - fine.begin();
    if (at[i] == fine.size()) // not on the finer grid (a step not a multiple of 4): the group's levels stay
      fine = coarse, at[i] = std::find(coarse.begin(), coarse.end(), kept) - coarse.begin();
    if (!noise.empty()) {
      std::vector<double> fineNoise;
      for (int64_t c : fine) {
        size_t hi = 0; // the measured level at or above c, and the one below it
        while (hi + 1 < coarse.size() && coarse[hi + 1] >= c)
          ++hi;
        size_t lo = std::min(hi + 1, coarse.size() - 1);
        double t = coarse[hi] == coarse[lo] ? 0.0 : (double)(coarse[hi] - c) / (double)(coarse[hi] - coarse[lo]);
        fineNoise.push_back(noise[i][hi] + t * (noise[i][lo] - noise[i][hi]));
      }
      noise[i] = std::move(fineNoise);
    }
    search.levels[i] = std::move(fine);
  }
}

std::string describeGoal(const PruneRequest &req, double before) {
  char buf[160];
  if (req.instructionReduction > 0)
    snprintf(buf, sizeof buf, "%.0f%% fewer estimated instructions in the conv/fully connected layers",
             100 * req.instructionReduction);
  else if (req.flashLimit >= 0)
    snprintf(buf, sizeof buf, "%lld bytes of conv/fully connected weights", (long long)req.flashLimit);
  else
    snprintf(buf, sizeof buf, "%.0f%% fewer MACs (%.0f of %.0f)", 100 * req.macReduction,
             (1 - req.macReduction) * before, before);
  return buf;
}

} // namespace

bool pruneFunction(func::FuncOp fn, const PruneRequest &req, const std::vector<Tensor> &samples,
                   const PruneProgress &progress, PruneResult &result, std::string &error) {
  ChannelGraph graph(fn);
  size_t held = std::min(samples.size(), (size_t)req.heldOut);
  std::vector<Tensor> check(samples.end() - held, samples.end());
  std::vector<Tensor> fit(samples.begin(), samples.size() > held ? samples.end() - held : samples.end());
  if (fit.size() > (size_t)req.fitSamples)
    fit.resize(req.fitSamples);
  result.importance = !req.importance.empty() ? req.importance : samples.empty() ? "l2" : "reconstruction";
  result.schedule = !req.schedule.empty() ? req.schedule : samples.empty() ? "uniform" : "sensitivity";
  bool correct = req.correction == "on" || (req.correction == "auto" && !samples.empty());
  if (samples.empty() && (result.importance == "reconstruction" || result.schedule == "sensitivity" || correct)) {
    error = std::string("pruning with ") +
            (result.schedule == "sensitivity"        ? "the sensitivity schedule"
             : result.importance == "reconstruction" ? "reconstruction importance"
                                                     : "least-squares correction") +
            " needs calibration samples (--calibration X.npy); without them use --prune-importance=l1|l2 "
            "--prune-schedule=uniform --prune-correction=off";
    return false;
  }
  using Goal = Search::Goal;
  Goal kind = req.instructionReduction > 0 ? Goal::Instructions : req.flashLimit >= 0 ? Goal::Flash : Goal::Macs;
  result.before = result.after = graph.cost({}, req.costModel);
  Search search{graph, graph.prunable(), {}, {}, kind, req.bytesPerWeight, 0, req.costModel};
  search.goal = kind == Goal::Instructions ? (1.0 - req.instructionReduction) * result.before.instructions
                : kind == Goal::Flash      ? (double)req.flashLimit
                                           : (1.0 - req.macReduction) * (double)result.before.macs;
  for (int g : graph.frozen())
    result.frozen.push_back(graph.group(g).name + ": " + graph.group(g).frozenBy);
  if (!channelScores(graph, fn, result.importance, fit, search.scores, error))
    return false;
  // A group's step: the target's multiple, halved (down to 4) while it is more than a quarter of the group.
  auto stepOf = [&](int64_t channels) {
    int64_t m = req.multiple;
    while (req.adaptMultiple && m > 4 && m * 4 > channels)
      m /= 2;
    return m;
  };
  for (int g : search.groups)
    search.levels.push_back(levelsOf(graph.group(g).channels, stepOf(graph.group(g).channels)));
  std::vector<size_t> at(search.groups.size(), 0);
  std::vector<Tensor> sensitivityFit(fit.begin(),
                                     fit.begin() + std::min(fit.size(), (size_t)req.sensitivityFitSamples));
  std::vector<std::vector<Tensor>> reference;
  if (!check.empty() && !referenceOutputs(fn, check, reference, error))
    return false;
  if (search.metric(at) > search.goal) {
    std::vector<std::vector<double>> noise;
    bool found = result.schedule == "uniform"
                     ? search.uniform(at)
                     : search.sensitivity(fn, check, reference, correct ? sensitivityFit : std::vector<Tensor>(),
                                          req.sensitivityPositions, progress, noise, error) &&
                           search.greedy(noise, at);
    if (!error.empty())
      return false;
    auto back = [&] {
      if (result.schedule == "uniform") // back first where the most was removed
        fillBack(search, at, [&](size_t i) { return 1.0 - (double)search.levels[i][at[i]] / search.levels[i][0]; });
      else // back first where it removes the most noise
        fillBack(search, at, [&](size_t i) { return noise[i][at[i]] - noise[i][at[i] - 1]; });
    };
    if (found)
      back();
    if (found && req.adaptMultiple) { // then in half steps
      halveSteps(search, at, noise);
      back();
    }
    if (!found) {
      std::vector<size_t> most(search.groups.size());
      for (size_t i = 0; i < most.size(); ++i)
        most[i] = search.levels[i].size() - 1;
      ChannelGraph::Cost c = graph.cost(search.planOf(most));
      error = "pruning cannot reach " + describeGoal(req, (double)result.before.macs) + ": ";
      if (search.groups.empty())
        error += "no channel group can be pruned";
      else
        error += "the " + std::to_string(search.groups.size()) +
                 " prunable channel group(s) at their fewest channels " + "(multiples of " +
                 std::to_string(req.multiple) + ") leave " + std::to_string(c.macs) + " MACs and " +
                 std::to_string(c.params * req.bytesPerWeight) + " weight bytes";
      for (size_t i = 0; i < result.frozen.size() && i < 3; ++i)
        error += std::string(i ? "; " : " (kept whole: ") + result.frozen[i];
      error += result.frozen.empty() ? "" : ")";
      return false;
    }
  }
  ChannelPlan plan = search.planOf(at);
  for (size_t i = 0; i < search.groups.size(); ++i)
    result.groups.push_back({graph.group(search.groups[i]).name, search.levels[i][0], search.levels[i][at[i]]});
  result.after = graph.cost(plan, req.costModel);
  if (plan.empty())
    return true;
  FuncCopy original(fn);
  ChannelGraph originalGraph(original.fn);
  if (!graph.apply(plan, error))
    return false;
  if (check.empty())
    return true;
  double signal = outputSignal(reference);
  double plain = outputNoise(fn, check, reference, error);
  if (plain < 0)
    return false;
  result.sqnrUncorrected = result.sqnrCorrected = sqnrDB(signal, plain);
  if (!correct)
    return true;
  FuncCopy uncorrected(fn);
  if (!correctLayers(original.fn, fn, originalGraph, plan, fit, req.positions, progress, error))
    return false;
  double fixed = outputNoise(fn, check, reference, error);
  if (fixed < 0)
    return false;
  result.sqnrCorrected = sqnrDB(signal, fixed);
  result.corrected = req.correction == "on" || fixed < plain;
  if (!result.corrected) // it did not help on the held-out samples: back to the plain pruned weights
    fn.getBody().takeBody(uncorrected.fn.getBody());
  return true;
}

} // namespace emlc
