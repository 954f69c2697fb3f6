//===- FitReport.cpp - emlc fit's candidate table (JSON) and plot (SVG) --------===//

#include "emlc/Devices/Device.h"
#include "emlc/Pipeline/Fit.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cmath>

namespace emlc {

static std::string candidateLabel(const FitCandidate &c) {
  std::string s = c.precision;
  if (c.prune > 0)
    s += llvm::formatv(" -{0}%", (int)std::lround(100 * c.prune)).str();
  if (c.pruneGoal == PruneGoal::LatencyLimit)
    s += " (toward the latency limit)";
  return s + " " + c.optimize;
}

static double rounded(double v, double unit) { return std::round(v / unit) * unit; }

std::string fitJSON(const FitOptions &o, const FitResult &r, const DeviceInfo &d, bool labels) {
  std::vector<bool> front = paretoFront(r.candidates, labels);
  llvm::json::Array cands;
  for (size_t i = 0; i < r.candidates.size(); ++i) {
    const FitCandidate &c = r.candidates[i];
    llvm::json::Object j{{"index", (int64_t)i},
                         {"precision", c.precision},
                         {"prune", c.prune},
                         {"prune_goal", c.pruneGoal == PruneGoal::LatencyLimit ? "latency_limit" : "ratio"},
                         {"optimize", c.optimize},
                         {"compiled", c.compiled},
                         {"fits", c.fits},
                         {"meets_limits", c.meets},
                         {"pareto", (bool)front[i]},
                         {"ram_bytes", c.ramBytes},
                         {"flash_bytes", c.flashBytes},
                         {"weight_bytes", c.weightBytes},
                         {"code_bytes", c.codeBytes},
                         {"macs", c.macs},
                         {"instructions_estimate", c.instructions}};
    if (c.latencyMs >= 0)
      j["latency_ms_estimate"] = rounded(c.latencyMs, 1e-3);
    if (c.accuracy >= 0)
      j["top1"] = rounded(c.accuracy, 1e-5);
    if (c.sqnrDB >= 0)
      j["sqnr_db"] = rounded(c.sqnrDB, 1e-2);
    if (!c.why.empty())
      j["why_not"] = c.why;
    cands.push_back(std::move(j));
  }
  llvm::json::Object limits;
  if (o.latencyLimitMs >= 0)
    limits["latency_ms"] = o.latencyLimitMs;
  if (o.maxAccuracyDrop >= 0)
    limits["max_accuracy_drop"] = o.maxAccuracyDrop;
  llvm::json::Object top{{"schema", "emlc-fit"},
                         {"version", 1},
                         {"model", o.modelPath},
                         {"device", d.name},
                         {"target", d.target},
                         {"clock_mhz", d.clockMHz},
                         {"ram_budget_bytes", d.ramBudget()},
                         {"flash_budget_bytes", d.flashBudget()},
                         {"metric", labels ? "top1" : "sqnr_db"},
                         {"limits", std::move(limits)},
                         {"chosen", r.chosen >= 0 ? llvm::json::Value((int64_t)r.chosen) : llvm::json::Value(nullptr)},
                         {"candidates", std::move(cands)}};
  if (r.floatAccuracy >= 0)
    top["float_top1"] = rounded(r.floatAccuracy, 1e-5);
  llvm::json::Object scored{{"set", r.scoredOn}, {"samples", r.scoredSamples}};
  if (!r.scoredPath.empty())
    scored["path"] = r.scoredPath;
  top["scored_on"] = std::move(scored);
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(top))) << "\n";
  return s;
}

static std::string escape(const std::string &in) {
  std::string out;
  for (char ch : in)
    out += ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : ch == '&' ? "&amp;" : ch == '"' ? "&quot;" : std::string(1, ch);
  return out;
}

std::string fitSVG(const FitOptions &o, const FitResult &r, const DeviceInfo &d, bool labels) {
  const std::vector<FitCandidate> &cs = r.candidates;
  auto score = [&](const FitCandidate &c) { return labels ? 100 * c.accuracy : c.sqnrDB; };
  std::vector<size_t> shown; // candidates with a latency and a score
  for (size_t i = 0; i < cs.size(); ++i)
    if (cs[i].compiled && score(cs[i]) >= 0 && cs[i].why.find("the same as") == std::string::npos)
      shown.push_back(i);
  double xMax = 0, yMin = 1e30, yMax = -1e30, fMax = 1;
  for (size_t i : shown) {
    xMax = std::max(xMax, cs[i].latencyMs);
    yMin = std::min(yMin, score(cs[i]));
    yMax = std::max(yMax, score(cs[i]));
    fMax = std::max(fMax, (double)cs[i].flashBytes);
  }
  if (o.latencyLimitMs > 0)
    xMax = std::max(xMax, o.latencyLimitMs);
  xMax = xMax > 0 ? xMax * 1.1 : 1;
  if (yMin > yMax)
    yMin = 0, yMax = 1;
  double pad = std::max(0.5, (yMax - yMin) * 0.1);
  yMin -= pad, yMax += pad;
  const double left = 80, top = 50, w = 760, h = 440;
  // Candidates without a latency estimate (no cost model for a kernel) stand at the right edge.
  auto X = [&](double v) { return v >= 0 ? left + w * v / xMax : left + w - 14; };
  bool anyUnknown = std::any_of(shown.begin(), shown.end(), [&](size_t i) { return cs[i].latencyMs < 0; });
  auto Y = [&](double v) { return top + h * (1 - (v - yMin) / (yMax - yMin)); };
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + w + 200 << "\" height=\"" << top + h + 70
     << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  os << llvm::formatv(
      "<text x=\"{0}\" y=\"22\" font-size=\"14\">emlc fit {1} on {2} ({3}, {4:F0} MHz, {5} B "
      "RAM, {6} B flash)</text>\n",
      left, escape(o.modelPath.size() > 60 ? "..." + o.modelPath.substr(o.modelPath.size() - 57) : o.modelPath), d.name,
      d.target, d.clockMHz, d.ramBudget(), d.flashBudget());
  os << "<text x=\"" << left << "\" y=\"38\">" << cs.size()
     << " candidates; marker area ~ flash; filled: fits the device; red ring: chosen; line: Pareto front</text>\n";
  os << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << w << "\" height=\"" << h
     << "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (int t = 0; t <= 5; ++t) { // axes ticks
    double xv = xMax * t / 5, yv = yMin + (yMax - yMin) * t / 5;
    os << llvm::formatv("<text x=\"{0:F1}\" y=\"{1:F1}\" text-anchor=\"middle\">{2:F1}</text>\n", X(xv), top + h + 16,
                        xv);
    os << llvm::formatv("<text x=\"{0:F1}\" y=\"{1:F1}\" text-anchor=\"end\">{2:F1}</text>\n", left - 6, Y(yv) + 4, yv);
  }
  os << "<text x=\"" << left + w / 2 << "\" y=\"" << top + h + 36
     << "\" text-anchor=\"middle\">latency at the device clock, ms (the target's cost model)</text>\n";
  os << "<text transform=\"translate(18," << top + h / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
     << (labels ? "top-1" : "output SQNR vs float") << " on the " << r.scoredOn << " set"
     << (r.scoredOn == "calibration" ? " (not held out)" : "") << (labels ? ", %" : ", dB") << "</text>\n";
  if (anyUnknown)
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" fill=\"#666\">at the edge: latency "
                        "unknown (no cost model)</text>\n",
                        left + w - 4, top + h - 6);
  if (o.latencyLimitMs > 0)
    os << llvm::formatv("<line x1=\"{0:F1}\" y1=\"{1}\" x2=\"{0:F1}\" y2=\"{2}\" stroke=\"#c00\" "
                        "stroke-dasharray=\"4 3\"/><text x=\"{3:F1}\" y=\"{4}\" fill=\"#c00\">--latency-limit</text>\n",
                        X(o.latencyLimitMs), top, top + h, X(o.latencyLimitMs) + 4, top + 12);
  std::vector<bool> front = paretoFront(cs, labels);
  std::vector<size_t> onFront;
  for (size_t i : shown)
    if (front[i])
      onFront.push_back(i);
  std::sort(onFront.begin(), onFront.end(), [&](size_t a, size_t b) { return cs[a].latencyMs < cs[b].latencyMs; });
  if (onFront.size() > 1) {
    os << "<polyline fill=\"none\" stroke=\"#59a14f\" stroke-width=\"1.5\" points=\"";
    for (size_t i : onFront)
      os << llvm::formatv("{0:F1},{1:F1} ", X(cs[i].latencyMs), Y(score(cs[i])));
    os << "\"/>\n";
  }
  const char *colors[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2"}; // float, int8, int4, auto
  auto colorOf = [&](const std::string &p) { return colors[p == "float" ? 0 : p == "int8" ? 1 : p == "int4" ? 2 : 3]; };
  for (size_t i : shown) {
    const FitCandidate &c = cs[i];
    double rad = 3 + 9 * std::sqrt((double)c.flashBytes / fMax);
    os << llvm::formatv("<circle cx=\"{0:F1}\" cy=\"{1:F1}\" r=\"{2:F1}\" fill=\"{3}\" fill-opacity=\"{4}\" "
                        "stroke=\"{5}\"><title>{6}: {7:F2} ms, {8} B flash, {9} B RAM{10}</title></circle>\n",
                        X(c.latencyMs), Y(score(c)), rad, c.fits ? colorOf(c.precision) : "none", c.fits ? 0.75 : 0.0,
                        colorOf(c.precision), escape(candidateLabel(c)), c.latencyMs, c.flashBytes, c.ramBytes,
                        c.why.empty() ? "" : "; " + escape(c.why));
    if (c.pruneGoal == PruneGoal::LatencyLimit) // its share was chosen by the limit, not by the grid
      os << llvm::formatv("<circle cx=\"{0:F1}\" cy=\"{1:F1}\" r=\"{2:F1}\" fill=\"none\" stroke=\"#444\" "
                          "stroke-dasharray=\"3 2\"/>\n",
                          X(c.latencyMs), Y(score(c)), rad + 2);
    if ((int)i == r.chosen)
      os << llvm::formatv("<circle cx=\"{0:F1}\" cy=\"{1:F1}\" r=\"{2:F1}\" fill=\"none\" stroke=\"#c00\" "
                          "stroke-width=\"2.5\"/><text x=\"{3:F1}\" y=\"{4:F1}\" fill=\"#c00\">chosen: {5}</text>\n",
                          X(c.latencyMs), Y(score(c)), rad + 4, X(c.latencyMs) + rad + 6, Y(score(c)) - rad - 2,
                          escape(candidateLabel(c)));
  }
  // Legend: precisions.
  const char *names[] = {"float", "int8", "int4", "auto (mixed)"};
  for (int k = 0; k < 4; ++k)
    os << llvm::formatv("<circle cx=\"{0}\" cy=\"{1}\" r=\"6\" fill=\"{2}\"/><text x=\"{3}\" y=\"{4}\">{5}</text>\n",
                        left + w + 20, top + 10 + 20 * k, colors[k], left + w + 32, top + 14 + 20 * k, names[k]);
  os << llvm::formatv("<circle cx=\"{0}\" cy=\"{1}\" r=\"6\" fill=\"none\" stroke=\"#444\"/><text x=\"{2}\" "
                      "y=\"{3}\">does not fit</text>\n",
                      left + w + 20, top + 90, left + w + 32, top + 94);
  if (std::any_of(shown.begin(), shown.end(), [&](size_t i) { return cs[i].pruneGoal == PruneGoal::LatencyLimit; }))
    os << llvm::formatv("<circle cx=\"{0}\" cy=\"{1}\" r=\"8\" fill=\"none\" stroke=\"#444\" "
                        "stroke-dasharray=\"3 2\"/><text x=\"{2}\" y=\"{3}\">pruned toward</text><text x=\"{2}\" "
                        "y=\"{4}\">--latency-limit</text>\n",
                        left + w + 20, top + 110, left + w + 32, top + 114, top + 128);
  os << "</svg>\n";
  return out;
}

} // namespace emlc
