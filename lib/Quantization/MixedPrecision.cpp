//===- MixedPrecision.cpp - choosing weight precisions per layer -----------===//
//
// See MixedPrecision.h. The search works on numbers only (bytes, noise), so
// it is tested without models; the sensitivity runs the float graph with one
// layer's weights replaced by their quantized values.
//
//===----------------------------------------------------------------------===//

#include "emlc/Quantization/MixedPrecision.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Quantization/ErrorFeedback.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

using namespace mlir;

namespace emlc {

double sqnrDB(double signal, double noise) {
  return noise > 0 ? std::min(200.0, 10.0 * std::log10(signal / noise)) : 200.0;
}

std::optional<PrecisionPlan> searchExact(const std::vector<LayerOptions> &layers, int64_t budget) {
  if (budget < 0)
    return std::nullopt;
  // Bytes in units of `unit` (rounded up per option: a plan that fits in
  // units fits in bytes).
  const int64_t maxUnits = 20000;
  int64_t unit = std::max<int64_t>(1, (budget + maxUnits - 1) / maxUnits), cap = budget / unit;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> best(cap + 1, 0.0), next(cap + 1);
  std::vector<std::vector<uint8_t>> pick(layers.size(), std::vector<uint8_t>(cap + 1, 0));
  for (size_t l = 0; l < layers.size(); ++l) {
    std::fill(next.begin(), next.end(), inf);
    for (size_t o = 0; o < layers[l].size(); ++o) {
      int64_t u = (layers[l][o].bytes + unit - 1) / unit;
      for (int64_t b = u; b <= cap; ++b)
        if (best[b - u] + layers[l][o].noise < next[b])
          next[b] = best[b - u] + layers[l][o].noise, pick[l][b] = (uint8_t)o;
    }
    best.swap(next);
  }
  if (best[cap] == inf)
    return std::nullopt;
  PrecisionPlan plan;
  plan.choice.resize(layers.size());
  for (int64_t l = (int64_t)layers.size() - 1, b = cap; l >= 0; --l) {
    size_t o = pick[l][b];
    plan.choice[l] = o;
    b -= (layers[l][o].bytes + unit - 1) / unit;
  }
  for (size_t l = 0; l < layers.size(); ++l)
    plan.bytes += layers[l][plan.choice[l]].bytes, plan.noise += layers[l][plan.choice[l]].noise;
  // Units round each option up, so a plan within a few bytes of the budget is
  // out of the table's reach (fashion-mlp at 100% of its int8 bytes got 8/4/8):
  // spend the bytes the rounding left on the change that removes the most noise.
  for (bool improved = true; improved;) {
    improved = false;
    size_t bestLayer = 0, bestOption = 0;
    double bestGain = 0;
    for (size_t l = 0; l < layers.size(); ++l)
      for (size_t o = 0; o < layers[l].size(); ++o) {
        const PrecisionOption &now = layers[l][plan.choice[l]], &to = layers[l][o];
        if (plan.bytes - now.bytes + to.bytes <= budget && now.noise - to.noise > bestGain)
          bestGain = now.noise - to.noise, bestLayer = l, bestOption = o, improved = true;
      }
    if (improved) {
      const PrecisionOption &now = layers[bestLayer][plan.choice[bestLayer]], &to = layers[bestLayer][bestOption];
      plan.bytes += to.bytes - now.bytes, plan.noise += to.noise - now.noise;
      plan.choice[bestLayer] = bestOption;
    }
  }
  return plan;
}

std::optional<PrecisionPlan> searchGreedy(const std::vector<LayerOptions> &layers, int64_t budget) {
  PrecisionPlan plan;
  plan.choice.assign(layers.size(), 0);
  for (const LayerOptions &l : layers)
    plan.bytes += l[0].bytes, plan.noise += l[0].noise;
  while (plan.bytes > budget) {
    // The step to a layer's next narrower option adding the least noise per byte saved.
    size_t bestLayer = layers.size();
    double bestRate = std::numeric_limits<double>::infinity();
    for (size_t l = 0; l < layers.size(); ++l) {
      size_t o = plan.choice[l];
      if (o + 1 >= layers[l].size())
        continue;
      int64_t saved = layers[l][o].bytes - layers[l][o + 1].bytes;
      double rate = (layers[l][o + 1].noise - layers[l][o].noise) / (double)std::max<int64_t>(saved, 1);
      if (rate < bestRate)
        bestRate = rate, bestLayer = l;
    }
    if (bestLayer == layers.size())
      return std::nullopt;
    size_t &o = plan.choice[bestLayer];
    plan.bytes += layers[bestLayer][o + 1].bytes - layers[bestLayer][o].bytes;
    plan.noise += layers[bestLayer][o + 1].noise - layers[bestLayer][o].noise;
    ++o;
  }
  return plan;
}

namespace {
/// The search on noise + lambda x instructions, with the plan's true noise and instructions.
std::optional<PrecisionPlan> penalized(const std::vector<LayerOptions> &layers, int64_t budget, double lambda,
                                       bool greedy) {
  std::vector<LayerOptions> cost = layers;
  for (LayerOptions &l : cost)
    for (PrecisionOption &o : l)
      o.noise += lambda * o.instructions;
  std::optional<PrecisionPlan> plan = greedy ? searchGreedy(cost, budget) : searchExact(cost, budget);
  if (plan) {
    plan->noise = plan->instructions = 0;
    for (size_t l = 0; l < layers.size(); ++l)
      plan->noise += layers[l][plan->choice[l]].noise, plan->instructions += layers[l][plan->choice[l]].instructions;
  }
  return plan;
}
} // namespace

std::optional<PrecisionPlan> searchWithin(const std::vector<LayerOptions> &layers, int64_t budget,
                                          double instructionLimit, bool greedy) {
  std::optional<PrecisionPlan> plan = penalized(layers, budget, 0, greedy);
  if (!plan || instructionLimit < 0 || plan->instructions <= instructionLimit)
    return plan;
  // lambda's scale: the layers' noise range per instruction of their range; grown until the limit is met.
  double noiseSpan = 0, instructionSpan = 0;
  for (const LayerOptions &l : layers) {
    auto [n0, n1] = std::minmax_element(l.begin(), l.end(), [](auto &a, auto &b) { return a.noise < b.noise; });
    auto [i0, i1] =
        std::minmax_element(l.begin(), l.end(), [](auto &a, auto &b) { return a.instructions < b.instructions; });
    noiseSpan += n1->noise - n0->noise, instructionSpan += i1->instructions - i0->instructions;
  }
  // The searches fit the same bytes whatever lambda is: a plan exists at every lambda when one does at 0.
  double lo = 0, hi = std::max(noiseSpan, 1e-30) / std::max(instructionSpan, 1.0);
  PrecisionPlan fast = *penalized(layers, budget, hi, greedy);
  for (int k = 0; k < 40 && fast.instructions > instructionLimit; ++k)
    lo = hi, hi *= 4, fast = *penalized(layers, budget, hi, greedy);
  if (fast.instructions > instructionLimit)
    return fast;                                        // even the fastest options within the budget exceed it
  for (int k = 0; k < 40 && hi - lo > 1e-6 * hi; ++k) { // the smallest lambda (least noise) that meets the limit
    double mid = lo > 0 ? std::sqrt(lo * hi) : hi / 1024;
    PrecisionPlan p = *penalized(layers, budget, mid, greedy);
    if (p.instructions <= instructionLimit)
      hi = mid, fast = p;
    else
      lo = mid;
  }
  return fast;
}

std::vector<size_t> chooseWideActivations(size_t candidates, const std::vector<std::pair<size_t, size_t>> &chains,
                                          const std::function<double(const std::vector<size_t> &)> &noiseOf,
                                          const std::function<int64_t(const std::vector<size_t> &)> &arenaOf,
                                          int64_t arenaLimit,
                                          const std::function<bool(const std::vector<size_t> &)> &allowed,
                                          const std::function<void(const std::string &, int64_t, int64_t)> &progress,
                                          double minGain, size_t maxSteps) {
  // The moves: each candidate alone, and each producer-consumer pair together (one alone may gain nothing).
  std::vector<std::vector<size_t>> moves;
  for (size_t c = 0; c < candidates; ++c)
    moves.push_back({c});
  for (auto [from, to] : chains)
    moves.push_back({from, to});
  std::vector<size_t> chosen;
  std::vector<bool> taken(candidates, false);
  double noise = noiseOf(chosen);
  int64_t arena = arenaOf(chosen);
  size_t steps = std::min(maxSteps, candidates);
  for (size_t step = 0; step < steps; ++step) {
    if (progress)
      progress("choosing activation widths", (int64_t)step, (int64_t)steps);
    // The best move: free ones (no arena added) by noise removed, then noise removed per byte.
    std::vector<size_t> best, bestTrial;
    double bestNoise = noise, bestScore = 0;
    bool bestFree = false;
    int64_t bestArena = arena;
    for (const std::vector<size_t> &move : moves) {
      std::vector<size_t> trial = chosen, added;
      for (size_t c : move)
        if (!taken[c])
          trial.push_back(c), added.push_back(c);
      if (added.size() != move.size() || (allowed && !allowed(trial))) // (a pair with one end taken: the other's move)
        continue;
      int64_t a = arenaOf(trial);
      if (a > arenaLimit)
        continue;
      double n = noiseOf(trial), removed = noise - n;
      if (!(removed >= minGain * noise) || removed <= 0)
        continue;
      bool free = a <= arena;
      double score = (free ? removed : removed / (double)(a - arena)) / (double)added.size();
      if (best.empty() || (free && !bestFree) || (free == bestFree && score > bestScore))
        best = added, bestTrial = trial, bestScore = score, bestFree = free, bestNoise = n, bestArena = a;
    }
    if (best.empty())
      break;
    for (size_t c : best)
      taken[c] = true;
    chosen = bestTrial;
    noise = bestNoise, arena = bestArena;
  }
  if (progress)
    progress("choosing activation widths", (int64_t)steps, (int64_t)steps);
  return chosen;
}

std::vector<WeightedLayer> weightedLayers(func::FuncOp fn) {
  std::vector<WeightedLayer> out;
  fn.walk([&](Operation *op) {
    Value w, bias;
    if (auto c = llvm::dyn_cast<nn::Conv2DOp>(op))
      w = c.getWeight(), bias = c.getBias();
    else if (auto f = llvm::dyn_cast<nn::FullyConnectedOp>(op))
      w = f.getWeight(), bias = f.getBias();
    auto id = op->getAttrOfType<IntegerAttr>("emlc.ptq_id");
    DenseElementsAttr wc = f32ConstantOf(w);
    if (!wc || !id || (bias && !f32ConstantOf(bias)) ||
        !llvm::cast<ShapedType>(op->getResult(0).getType()).getElementType().isF32())
      return;
    int64_t rows = wc.getType().getShape()[0];
    out.push_back({id.getInt(), nodeName(op->getLoc()), op, rows, rows ? wc.getNumElements() / rows : 0});
  });
  return out;
}

bool referenceOutputs(func::FuncOp fn, const std::vector<Tensor> &samples, std::vector<std::vector<Tensor>> &outputs,
                      std::string &error) {
  Interpreter interp(fn);
  outputs.assign(samples.size(), {});
  for (size_t i = 0; i < samples.size(); ++i)
    if (!interp.run({samples[i]}, outputs[i], error))
      return false;
  return true;
}

double outputNoise(func::FuncOp fn, const std::vector<Tensor> &samples,
                   const std::vector<std::vector<Tensor>> &reference, std::string &error) {
  Interpreter interp(fn);
  double noise = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    std::vector<Tensor> outs;
    if (!interp.run({samples[i]}, outs, error))
      return -1;
    for (size_t o = 0; o < outs.size(); ++o)
      for (int64_t k = 0; k < outs[o].size(); ++k) {
        double d = (double)outs[o].data[k] - reference[i][o].data[k];
        noise += d * d;
      }
  }
  return noise;
}

double outputSignal(const std::vector<std::vector<Tensor>> &reference) {
  double signal = 0;
  for (const auto &outs : reference)
    for (const Tensor &t : outs)
      for (float f : t.data)
        signal += (double)f * f;
  return signal;
}

bool measureSensitivity(func::FuncOp fn, const std::vector<WeightedLayer> &layers,
                        const std::vector<WeightPrecision> &candidates, const std::vector<Tensor> &samples,
                        WeightQuantizer &weights,
                        const std::function<void(const std::string &, int64_t, int64_t)> &progress,
                        SensitivityTable &table, std::string &error) {
  std::vector<std::vector<Tensor>> reference;
  if (!referenceOutputs(fn, samples, reference, error))
    return false;
  table.signal = outputSignal(reference);
  table.noise.assign(layers.size(), std::vector<double>(candidates.size(), 0.0));
  int64_t done = 0, total = (int64_t)(layers.size() * candidates.size());
  OpBuilder b(fn.getContext());
  for (size_t l = 0; l < layers.size(); ++l) {
    Operation *op = layers[l].op;
    Value original = op->getOperand(1);
    auto wc = llvm::cast<DenseElementsAttr>(original.getDefiningOp<arith::ConstantOp>().getValue());
    for (size_t c = 0; c < candidates.size(); ++c) {
      // The layer's weights as the quantized kernel sees them (dequantized).
      const ChannelQuantized &q = weights.get(layers[l].id, wc, candidates[c]);
      std::vector<float> real(q.values.size());
      int64_t inner = layers[l].perRow;
      for (size_t i = 0; i < real.size(); ++i)
        real[i] = (float)((double)q.values[i] * q.scales[i / inner]);
      b.setInsertionPoint(op);
      auto fake = b.create<arith::ConstantOp>(op->getLoc(), DenseElementsAttr::get(wc.getType(), llvm::ArrayRef(real)));
      op->setOperand(1, fake);
      double noise = outputNoise(fn, samples, reference, error);
      op->setOperand(1, original);
      fake.erase();
      if (noise < 0)
        return false;
      table.noise[l][c] = noise;
      if (progress)
        progress("measuring sensitivity", ++done, total);
    }
  }
  return true;
}

namespace {

/// Bytes of the constants the plan does not change (everything but the
/// layers' weights and biases), at their current width.
int64_t otherConstantBytes(func::FuncOp fn, const std::vector<WeightedLayer> &layers) {
  llvm::DenseSet<Value> mine;
  for (const WeightedLayer &l : layers)
    for (unsigned i = 1; i < l.op->getNumOperands(); ++i)
      mine.insert(l.op->getOperand(i));
  int64_t bytes = 0;
  fn.walk([&](arith::ConstantOp c) {
    auto t = llvm::dyn_cast<ShapedType>(c.getType());
    if (t && !mine.contains(c.getResult()) && t.getElementType().isIntOrFloat())
      bytes += t.getNumElements() * ((t.getElementType().getIntOrFloatBitWidth() + 7) / 8);
  });
  return bytes;
}

/// A layer's flash at `p` as the smallest kernels store it: the packed
/// weights, and the int32 bias where the kernel reads it from flash (every
/// int8 kernel; of the packed ones only convolutions, for windows over the
/// padding). Biases with the input offset folded in are tables in the code.
int64_t layerBytes(const WeightedLayer &l, WeightPrecision p) {
  bool biasInFlash = p == WeightPrecision::Int8 || llvm::isa<nn::Conv2DOp>(l.op);
  return packedBytes(p, l.rows, l.perRow) + (biasInFlash ? 4 * l.rows : 0);
}
/// A layer's instructions at `p` as the driver priced them (ternary runs the 2-bit kernels); 0 unpriced.
double instructionsOf(const PrecisionRequest &request, const std::string &layer, WeightPrecision p) {
  auto it = request.layerInstructions.find(layer);
  if (it == request.layerInstructions.end())
    return 0;
  auto at = it->second.find(p);
  if (at == it->second.end() && p == WeightPrecision::Ternary)
    at = it->second.find(WeightPrecision::Int2);
  return at == it->second.end() ? 0 : at->second;
}
} // namespace

bool parseLayerInstructions(const std::string &entry, std::map<std::string, std::map<WeightPrecision, double>> &into,
                            std::map<std::string, double> &int16Into, std::string &error) {
  size_t eq = entry.rfind('=');
  if (eq == std::string::npos || eq == 0) {
    error = "write NAME=int8:N,int4:N,int2:N[,a16:N]";
    return false;
  }
  std::string layer = entry.substr(0, eq);
  std::map<WeightPrecision, double> &prices = into[layer];
  llvm::SmallVector<llvm::StringRef> items;
  llvm::StringRef(entry).substr(eq + 1).split(items, ',');
  for (llvm::StringRef item : items) {
    auto [name, count] = item.split(':');
    std::optional<WeightPrecision> p = parsePrecision(name.str());
    double n = 0;
    if ((!p && name != "a16") || count.getAsDouble(n) || !(n >= 0)) {
      error = "'" + item.str() +
              "' is not PRECISION:INSTRUCTIONS (int8, int4, int2, ternary, or a16 for int16 activations; a count >= 0)";
      return false;
    }
    (p ? prices[*p] : int16Into[layer]) = n;
  }
  return true;
}

std::string formatLayerInstructions(const std::string &layer, const std::map<WeightPrecision, double> &prices,
                                    double int16) {
  std::string s = layer + "=";
  for (const auto &[p, n] : prices)
    s += (s.back() == '=' ? "" : ",") + std::string(precisionName(p)) + ":" + llvm::formatv("{0:F0}", n).str();
  if (int16 >= 0)
    s += (s.back() == '=' ? "" : ",") + std::string("a16:") + llvm::formatv("{0:F0}", int16).str();
  return s;
}

size_t measuredBatches(const PrecisionRequest &request, const std::vector<Tensor> &batches) {
  if (batches.empty())
    return 0;
  int64_t perBatch = batches[0].shape.empty() ? 1 : std::max<int64_t>(1, batches[0].shape[0]);
  return std::min<size_t>(batches.size(), (size_t)((request.samples + perBatch - 1) / perBatch));
}

size_t heldOut(const PrecisionRequest &request, const std::vector<Tensor> &batches) {
  size_t n = measuredBatches(request, batches);
  return request.precision == "auto" && batches.size() >= 2 * n ? n : 0;
}

bool mayNarrow(const PrecisionRequest &request) {
  return request.precision != "int8" ||
         llvm::any_of(request.pinned, [](const auto &kv) { return kv.second != WeightPrecision::Int8; });
}

double topOneAccuracy(func::FuncOp fn, const std::vector<Tensor> &samples, const std::vector<int64_t> &labels,
                      std::string &error) {
  Interpreter interp(fn);
  int64_t right = 0;
  for (size_t i = 0; i < samples.size() && i < labels.size(); ++i) {
    std::vector<Tensor> outs;
    if (!interp.run({samples[i]}, outs, error))
      return -1;
    const std::vector<float> &o = outs[0].data;
    right += std::max_element(o.begin(), o.end()) - o.begin() == labels[i];
  }
  return samples.empty() ? 0 : (double)right / (double)std::min(samples.size(), labels.size());
}

namespace {
/// The weighted layers a request plans (those kept float are not: their
/// weights count as other constants), with the float and int16 ones noted in
/// `choice`; false with `error` for a --layer-precision name no layer has.
bool plannedLayers(func::FuncOp fn, const PrecisionRequest &request, std::vector<WeightedLayer> &layers,
                   PrecisionChoice &choice, std::string &error) {
  layers = weightedLayers(fn);
  std::set<std::string> names(request.floatLayers);
  names.insert(request.int16Layers.begin(), request.int16Layers.end());
  for (const auto &[name, p] : request.pinned)
    names.insert(name);
  for (const std::string &name : names)
    if (llvm::none_of(layers, [&](const WeightedLayer &l) { return l.name == name; })) {
      error = "--layer-precision: no layer with weights is named '" + name + "' (the layers:";
      for (const WeightedLayer &l : layers)
        error += " " + l.name;
      error += ")";
      return false;
    }
  for (const WeightedLayer &l : layers) {
    if (request.floatLayers.count(l.name))
      choice.floatIds.insert(l.id);
    if (request.int16Layers.count(l.name))
      choice.int16Ids.insert(l.id);
  }
  llvm::erase_if(layers, [&](const WeightedLayer &l) { return choice.floatIds.count(l.id) != 0; });
  choice.otherBytes = otherConstantBytes(fn, layers);
  return true;
}

std::optional<WeightPrecision> pinnedOf(const PrecisionRequest &request, const WeightedLayer &l) {
  auto it = request.pinned.find(l.name);
  return it == request.pinned.end() ? std::nullopt : std::optional<WeightPrecision>(it->second);
}

std::string budgetError(const PrecisionRequest &request, int64_t smallest, int64_t other) {
  return "a weights budget of " + std::to_string(request.flashLimit) +
         " bytes (--weights-limit, or --flash-limit less the code): even the narrowest weights need " +
         std::to_string(smallest) + " bytes (" + std::to_string(other) + " of them other constants), " +
         std::to_string(smallest - request.flashLimit) + " bytes over; raise the limit or prune the model";
}
} // namespace

bool checkPrecisionRequest(func::FuncOp fn, const PrecisionRequest &request, bool labels, std::string &error) {
  std::vector<WeightedLayer> layers;
  PrecisionChoice choice;
  if (!plannedLayers(fn, request, layers, choice, error))
    return false;
  if (layers.empty() && mayNarrow(request)) { // else the weights would stay as they are, silently
    bool quantized = fn.walk([](Operation *op) {
                         return op->getDialect() && op->getDialect()->getNamespace() == "quant"
                                    ? WalkResult::interrupt()
                                    : WalkResult::advance();
                       }).wasInterrupted();
    error = "no convolution or fully connected layer has float weights for it to quantize" +
            std::string(quantized ? " (this model is quantized already: its QuantizeLinear/DequantizeLinear fix the "
                                    "weights; compile the float model to choose their precision, or drop --precision)"
                                  : " (drop --precision)");
    return false;
  }
  if (request.precision != "auto") {
    if (!parsePrecision(request.precision)) {
      error = "unknown precision '" + request.precision + "' (int8, int4, int2, ternary or auto)";
      return false;
    }
    return true;
  }
  if (request.flashLimit < 0 && request.maxAccuracyDrop < 0) {
    error =
        "needs --flash-limit or --weights-limit BYTES, the budget it spends bits in, or --max-accuracy-drop PP with "
        "--calibration-labels (or choose a uniform --precision=int8|int4|int2|ternary)";
    return false;
  }
  if (request.maxAccuracyDrop >= 0 && !labels) {
    error = "--max-accuracy-drop needs --calibration-labels Y.npy (the calibration samples' classes)";
    return false;
  }
  if (request.search != "exact" && request.search != "greedy") {
    error = "unknown search '" + request.search + "' (exact or greedy)";
    return false;
  }
  if (request.flashLimit >= 0) {
    int64_t smallest = choice.otherBytes;
    for (const WeightedLayer &l : layers) {
      int64_t least = INT64_MAX;
      for (WeightPrecision p : kWeightPrecisions)
        if (!pinnedOf(request, l) || *pinnedOf(request, l) == p)
          least = std::min(least, layerBytes(l, p));
      smallest += least;
    }
    if (smallest > request.flashLimit) {
      error = budgetError(request, smallest, choice.otherBytes);
      return false;
    }
  }
  return true;
}

bool choosePrecisions(func::FuncOp fn, const std::vector<Tensor> &samples, const PrecisionRequest &request,
                      WeightQuantizer &weights, const PlanAccuracy &accuracy,
                      const std::function<void(const std::string &, int64_t, int64_t)> &progress,
                      PrecisionChoice &choice, std::string &error) {
  std::vector<WeightedLayer> layers;
  if (!checkPrecisionRequest(fn, request, (bool)accuracy.of, error) ||
      !plannedLayers(fn, request, layers, choice, error))
    return false;
  if (request.precision != "auto") {
    WeightPrecision uniform = *parsePrecision(request.precision);
    for (const WeightedLayer &l : layers) {
      choice.byId[l.id] = pinnedOf(request, l).value_or(uniform);
      choice.layerBytes += layerBytes(l, choice.byId[l.id]);
    }
    return true;
  }
  std::vector<WeightPrecision> candidates(std::begin(kWeightPrecisions), std::end(kWeightPrecisions));
  // The last samples, which the error feedback did not fit the weights to (heldOut).
  size_t n = measuredBatches(request, samples);
  std::vector<Tensor> subset(samples.end() - n, samples.end());
  SensitivityTable table;
  if (!measureSensitivity(fn, layers, candidates, subset, weights, progress, table, error))
    return false;
  // Each layer's options: its pinned precision, or every candidate but those
  // another candidate beats on bytes, noise and instructions.
  std::vector<LayerOptions> options(layers.size());
  for (size_t l = 0; l < layers.size(); ++l)
    for (size_t c = 0; c < candidates.size(); ++c) {
      PrecisionOption o{candidates[c], layerBytes(layers[l], candidates[c]), table.noise[l][c],
                        instructionsOf(request, layers[l].name, candidates[c])};
      if (auto p = pinnedOf(request, layers[l]); p && *p != o.precision)
        continue;
      auto noWorse = [](const PrecisionOption &a, const PrecisionOption &b) {
        return a.bytes <= b.bytes && a.noise <= b.noise && a.instructions <= b.instructions;
      };
      bool dominated = llvm::any_of(options[l], [&](const PrecisionOption &q) { return noWorse(q, o); });
      llvm::erase_if(options[l], [&](const PrecisionOption &q) { return noWorse(o, q) && o.noise < q.noise; });
      if (!dominated)
        options[l].push_back(o);
    }
  auto search = [&](int64_t budget) {
    return searchWithin(options, budget, request.instructionLimit, request.search == "greedy");
  };
  auto precisionsOf = [&](const PrecisionPlan &p) {
    std::map<int64_t, WeightPrecision> m;
    for (size_t l = 0; l < layers.size(); ++l)
      m[layers[l].id] = options[l][p.choice[l]].precision;
    return m;
  };
  int64_t budget = request.flashLimit - choice.otherBytes;
  if (request.flashLimit < 0) { // the smallest budget that keeps the accuracy: bisection over bytes
    int64_t lo = 0, hi = 0;
    for (const LayerOptions &o : options)
      hi += o.front().bytes;
    if (accuracy.floatAccuracy - accuracy.of(precisionsOf(*search(hi))) > request.maxAccuracyDrop / 100)
      lo = hi; // even the widest weights lose more: keep them, the check below says so
    for (int step = 0; lo < hi && step < 14; ++step) {
      int64_t mid = lo + (hi - lo) / 2;
      std::optional<PrecisionPlan> p = search(mid);
      bool keeps = p && accuracy.floatAccuracy - accuracy.of(precisionsOf(*p)) <= request.maxAccuracyDrop / 100;
      (keeps ? hi : lo) = keeps ? mid : mid + 1;
      if (progress)
        progress("searching the smallest budget", step + 1, 14);
    }
    budget = hi;
  }
  std::optional<PrecisionPlan> plan = search(budget);
  if (!plan) { // checkPrecisionRequest refuses this first; the search's own word, should they ever differ
    int64_t smallest = choice.otherBytes;
    for (const LayerOptions &o : options)
      smallest += llvm::min_element(o, [](auto &a, auto &b) { return a.bytes < b.bytes; })->bytes;
    error = budgetError(request, smallest, choice.otherBytes);
    return false;
  }
  if (request.instructionLimit >= 0 && plan->instructions > request.instructionLimit) {
    error = llvm::formatv("the latency limit leaves the conv/fully connected layers about {0:F0} instructions (the "
                          "target's cost model); the fastest weight precisions within {1} bytes of weights take "
                          "{2:F0}; raise --latency-limit or the flash budget, or prune (--prune)",
                          request.instructionLimit, budget + choice.otherBytes, plan->instructions)
                .str();
    return false;
  }
  if (request.instructionLimit >= 0)
    choice.layerInstructions = plan->instructions;
  for (size_t l = 0; l < layers.size(); ++l) {
    const PrecisionOption &o = options[l][plan->choice[l]];
    choice.byId[layers[l].id] = o.precision;
    choice.layerSQNR[layers[l].id] = sqnrDB(table.signal, o.noise);
    choice.layerBytes += o.bytes;
  }
  choice.outputSQNR = sqnrDB(table.signal, plan->noise);
  if (accuracy.of) {
    choice.floatAccuracy = accuracy.floatAccuracy;
    choice.accuracy = accuracy.of(choice.byId);
    double drop = 100 * (choice.floatAccuracy - choice.accuracy);
    if (request.maxAccuracyDrop >= 0 && drop > request.maxAccuracyDrop + 1e-9) {
      error = llvm::formatv("the best plan within {0} bytes of weights loses {1:F2} points of top-1 on the "
                            "calibration set ({2:F2}% vs float {3:F2}%), more than --max-accuracy-drop {4}; "
                            "raise --flash-limit (--weights-limit) or the allowed drop",
                            choice.layerBytes + choice.otherBytes, drop, 100 * choice.accuracy,
                            100 * choice.floatAccuracy, request.maxAccuracyDrop)
                  .str();
      return false;
    }
  }
  return true;
}

} // namespace emlc
