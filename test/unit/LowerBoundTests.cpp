// The report's arena lower bound, computed in blocks of calls, against the plain definition (an n x n
// ancestor matrix and every buffer checked at every call) on random DAGs, with blocks of 64 calls and whole.
#include "emlc/Emit/Report.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>

namespace {
/// The definition, written the obvious way: quadratic, for small graphs only. Bytes live at each call.
std::vector<int64_t> naiveLivePerCall(const emlc::LowerBoundGraph &g) {
  size_t n = g.reads.size(), m = g.bytes.size();
  std::vector<std::vector<size_t>> producers(m), consumers(m);
  for (size_t i = 0; i < n; ++i) {
    for (size_t a : g.writes[i])
      producers[a].push_back(i);
    for (size_t a : g.reads[i])
      consumers[a].push_back(i);
  }
  std::vector<std::vector<bool>> anc(n, std::vector<bool>(n, false)); // anc[i][p]: p precedes i
  for (size_t i = 0; i < n; ++i)
    for (size_t a : g.reads[i])
      for (size_t p : producers[a])
        if (p < i) {
          anc[i][p] = true;
          for (size_t q = 0; q < n; ++q)
            if (anc[p][q])
              anc[i][q] = true;
        }
  std::vector<int64_t> result;
  for (size_t x = 0; x < n; ++x) {
    std::set<size_t> touched(g.reads[x].begin(), g.reads[x].end());
    touched.insert(g.writes[x].begin(), g.writes[x].end());
    int64_t live = 0;
    for (size_t a : touched)
      live += g.bytes[a];
    if (g.elementwise[x] && g.writes[x].size() == 1) {
      size_t out = g.writes[x][0];
      for (size_t a : g.reads[x])
        if (a != out && g.bytes[a] == g.bytes[out] && consumers[a].size() == 1) {
          live -= g.bytes[out];
          break;
        }
    }
    for (size_t b = 0; b < m; ++b) {
      if (touched.count(b))
        continue;
      bool before = false, after = false;
      for (size_t p : producers[b])
        before = before || anc[x][p];
      for (size_t c : consumers[b])
        after = after || anc[c][x];
      if (before && after)
        live += g.bytes[b];
    }
    result.push_back(live);
  }
  return result;
}

/// A random program: each call reads 1-3 earlier buffers (mostly recent ones, sometimes far back: skip
/// connections), writes a new buffer, sometimes also an existing one (two producers, as Concat slices).
emlc::LowerBoundGraph randomGraph(std::mt19937 &rng, size_t n) {
  emlc::LowerBoundGraph g;
  g.bytes.push_back(16); // the graph input's buffer, written by nobody
  for (size_t i = 0; i < n; ++i) {
    std::vector<size_t> reads;
    size_t k = 1 + rng() % 3;
    for (size_t j = 0; j < k; ++j) {
      size_t span = rng() % 8 == 0 ? g.bytes.size() : std::min<size_t>(g.bytes.size(), 4);
      reads.push_back(g.bytes.size() - 1 - rng() % span);
    }
    std::vector<size_t> writes{g.bytes.size()};
    g.bytes.push_back(rng() % 4 == 0 ? 16 : 1 + (int64_t)(rng() % 1000));
    if (rng() % 10 == 0 && g.bytes.size() > 2)
      writes.push_back(rng() % (g.bytes.size() - 1));
    g.reads.push_back(reads);
    g.writes.push_back(writes);
    g.elementwise.push_back(rng() % 2 == 0);
  }
  return g;
}
} // namespace

TEST_CASE("the blocked arena lower bound equals the plain definition on random graphs") {
  std::mt19937 rng(19);
  for (size_t n : {1, 2, 5, 63, 64, 65, 130, 300}) {
    for (int trial = 0; trial < 8; ++trial) {
      emlc::LowerBoundGraph g = randomGraph(rng, n);
      std::vector<int64_t> expected = naiveLivePerCall(g);
      INFO("n " << n << " trial " << trial);
      CHECK(emlc::arenaLivePerCall(g) == expected);
      CHECK(emlc::arenaLivePerCall(g, /*reachBits=*/1) == expected); // blocks of 64 calls
      CHECK(emlc::arenaLowerBound(g) == *std::max_element(expected.begin(), expected.end()));
    }
  }
}

TEST_CASE("a long chain's lower bound is its largest step") {
  emlc::LowerBoundGraph g;
  size_t n = 100000;
  g.bytes.push_back(8);
  for (size_t i = 0; i < n; ++i) {
    g.reads.push_back({i});
    g.writes.push_back({i + 1});
    g.elementwise.push_back(false);
    g.bytes.push_back(i == 5000 ? 1000 : 8);
  }
  // Call 5000 reads 8 bytes and writes 1000; call 5001 reads those 1000 and writes 8.
  CHECK(emlc::arenaLowerBound(g) == 1008);
}
