//===- ONNXAttrUtils.h - reading ONNX attributes and constant operands -*- C++ -*-===//
//
// Shared by shape inference, folding and the ONNX -> nn conversion, so each
// rule (absent optional inputs, negative axes, conv/pool geometry) is written
// once. Attributes are read through the ops' typed accessors (ONNXOperators.td).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_DIALECTS_ONNX_ONNXATTRUTILS_H
#define EMLC_DIALECTS_ONNX_ONNXATTRUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Value.h"
#include "llvm/Support/CheckedArithmetic.h"
#include <cstdio>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace emlc::onnx {

/// True when `v` is absent: an `onnx.none` value or a null Value.
inline bool isNone(mlir::Value v) { return !v || llvm::isa<mlir::NoneType>(v.getType()); }

/// The constant elements behind `v`, if it is produced by a constant op.
inline mlir::DenseElementsAttr getConstant(mlir::Value v) {
  mlir::DenseElementsAttr attr;
  if (v && !isNone(v) && mlir::matchPattern(v, mlir::m_Constant(&attr)))
    return attr;
  return {};
}
/// A constant integer operand as int64 values.
inline std::optional<std::vector<int64_t>> getConstInts(mlir::Value v) {
  auto attr = getConstant(v);
  if (!attr || !llvm::isa<mlir::IntegerType>(attr.getElementType()))
    return std::nullopt;
  std::vector<int64_t> out;
  for (const llvm::APInt &x : attr.getValues<llvm::APInt>())
    out.push_back(attr.getElementType().isInteger(1) || attr.getElementType().isUnsignedInteger()
                      ? (int64_t)x.getZExtValue()
                      : x.getSExtValue());
  return out;
}
/// A constant floating-point operand as doubles.
inline std::optional<std::vector<double>> getConstFloats(mlir::Value v) {
  auto attr = getConstant(v);
  if (!attr || !llvm::isa<mlir::FloatType>(attr.getElementType()))
    return std::nullopt;
  std::vector<double> out;
  for (const llvm::APFloat &x : attr.getValues<llvm::APFloat>())
    out.push_back(x.convertToDouble());
  return out;
}

inline int64_t normalizeAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

/// The number of elements of `shape`, or nullopt when a dimension is negative
/// or the product does not fit in int64 (a hostile model's shapes can be
/// anything; every size computation goes through this).
inline std::optional<int64_t> elementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    std::optional<int64_t> next = llvm::checkedMul(n, d);
    if (!next)
      return std::nullopt;
    n = *next;
  }
  return n;
}

/// A number for messages ("-2", "0.5", "nan", "inf").
inline std::string formatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// "1x3x32x32" ("scalar" for rank 0), for messages.
inline std::string shapeString(llvm::ArrayRef<int64_t> s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "x" : "") + std::to_string(s[i]);
  return out.empty() ? "scalar" : out;
}

/// The window attributes of Conv, ConvTranspose and the pooling ops as the
/// op declares them (absent lists are null; ONNX's defaults apply in
/// resolveWindow).
struct WindowAttrs {
  std::optional<llvm::ArrayRef<int64_t>> strides, dilations, pads;
  llvm::StringRef autoPad = "NOTSET";
  bool ceilMode = false;
};

namespace detail {
template <typename T, typename = void> struct HasDilations : std::false_type {};
template <typename T>
struct HasDilations<T, std::void_t<decltype(std::declval<T>().getDilations())>> : std::true_type {};
template <typename T, typename = void> struct HasCeilMode : std::false_type {};
template <typename T> struct HasCeilMode<T, std::void_t<decltype(std::declval<T>().getCeilMode())>> : std::true_type {};
} // namespace detail

/// The WindowAttrs of a conv or pooling op (or its adaptor); AveragePool has
/// no dilations and Conv no ceil_mode at opset 17.
template <typename OpOrAdaptor> WindowAttrs windowAttrs(OpOrAdaptor op) {
  WindowAttrs w;
  w.strides = op.getStrides();
  w.pads = op.getPads();
  w.autoPad = op.getAutoPad();
  if constexpr (detail::HasDilations<OpOrAdaptor>::value)
    w.dilations = op.getDilations();
  if constexpr (detail::HasCeilMode<OpOrAdaptor>::value)
    w.ceilMode = op.getCeilMode() != 0;
  return w;
}

/// Geometry of a convolution or pooling window over the spatial axes.
struct WindowGeometry {
  std::vector<int64_t> kernel, strides, dilations;
  std::vector<int64_t> padsBegin, padsEnd; ///< resolved from auto_pad
  std::vector<int64_t> out;                ///< output spatial sizes
};

/// Resolves strides/dilations/pads/auto_pad/ceil_mode of Conv and the pooling
/// ops for input spatial sizes `in` and window `kernel` (ceil_mode only when
/// `allowCeil`). Returns an error message or "".
inline std::string resolveWindow(const WindowAttrs &attrs, llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> kernel,
                                 WindowGeometry &g, bool allowCeil) {
  size_t n = in.size();
  g.kernel.assign(kernel.begin(), kernel.end());
  if (g.kernel.size() != n)
    return "kernel_shape has " + std::to_string(g.kernel.size()) + " dims, input has " + std::to_string(n) +
           " spatial dims";
  auto list = [](std::optional<llvm::ArrayRef<int64_t>> v, size_t count, int64_t fill) {
    return v ? std::vector<int64_t>(v->begin(), v->end()) : std::vector<int64_t>(count, fill);
  };
  g.strides = list(attrs.strides, n, 1);
  g.dilations = list(attrs.dilations, n, 1);
  auto pads = list(attrs.pads, 2 * n, 0);
  if (g.strides.size() != n || g.dilations.size() != n || pads.size() != 2 * n)
    return "strides/dilations/pads do not match the spatial rank";
  llvm::StringRef autoPad = attrs.autoPad;
  bool ceil = allowCeil && attrs.ceilMode;
  g.padsBegin.assign(n, 0);
  g.padsEnd.assign(n, 0);
  g.out.assign(n, 0);
  auto bad = [](const char *what, int64_t v, const char *rule) {
    return std::string(what) + " must be " + rule + " (got " + std::to_string(v) + ")";
  };
  // Each value is range-checked before any arithmetic uses it, and the sums and
  // products are overflow-checked: hostile attributes must not wrap around.
  // Bounded so that the window arithmetic below cannot overflow int64.
  constexpr int64_t kMax = int64_t(1) << 30;
  const char *rangeRule = "between 1 and 2^30";
  for (size_t i = 0; i < n; ++i) {
    if (g.kernel[i] < 1 || g.kernel[i] > kMax)
      return bad("kernel sizes", g.kernel[i], rangeRule);
    if (g.strides[i] < 1 || g.strides[i] > kMax)
      return bad("strides", g.strides[i], rangeRule);
    if (g.dilations[i] < 1 || g.dilations[i] > kMax)
      return bad("dilations", g.dilations[i], rangeRule);
    for (int64_t p : {pads[i], pads[i + n]})
      if (autoPad == "NOTSET" && (p < 0 || p > kMax))
        return bad("pads", p, ">= 0 and at most 2^30");
    if (in[i] > kMax)
      return bad("spatial input sizes", in[i], "at most 2^30");
    int64_t eff = (g.kernel[i] - 1) * g.dilations[i] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t o = (in[i] + g.strides[i] - 1) / g.strides[i];
      int64_t total = std::max<int64_t>(0, (o - 1) * g.strides[i] + eff - in[i]);
      int64_t small = total / 2, big = total - small;
      g.padsBegin[i] = autoPad == "SAME_UPPER" ? small : big;
      g.padsEnd[i] = total - g.padsBegin[i];
      g.out[i] = o;
      continue;
    }
    if (autoPad == "VALID") {
      g.out[i] = (in[i] - eff) / g.strides[i] + 1;
    } else if (autoPad == "NOTSET") {
      g.padsBegin[i] = pads[i];
      g.padsEnd[i] = pads[i + n];
      int64_t span = in[i] + g.padsBegin[i] + g.padsEnd[i] - eff;
      if (span < 0)
        return "the window is larger than the padded input";
      g.out[i] = (ceil ? (span + g.strides[i] - 1) / g.strides[i] : span / g.strides[i]) + 1;
      // A window that would start entirely in the end padding is dropped.
      if (ceil && (g.out[i] - 1) * g.strides[i] >= in[i] + g.padsBegin[i])
        --g.out[i];
      // Extra end padding so that the last (ceil) window is in range.
      int64_t need = (g.out[i] - 1) * g.strides[i] + eff - in[i] - g.padsBegin[i];
      if (need > g.padsEnd[i])
        g.padsEnd[i] = need;
    } else {
      return "auto_pad '" + autoPad.str() + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID";
    }
    if (g.out[i] <= 0)
      return "the output would be empty";
  }
  return "";
}

/// numpy multidirectional broadcasting of two shapes; false if incompatible.
inline bool broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b, llvm::SmallVectorImpl<int64_t> &out) {
  size_t r = std::max(a.size(), b.size());
  out.assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x != y && x != 1 && y != 1)
      return false;
    out[i] = x == 1 ? y : x;
  }
  return true;
}

/// PRelu's slope shape as numpy broadcasting sees it: a 1-D slope of C values
/// that does not broadcast (as PyTorch exports it) applies per channel (axis 1).
inline llvm::SmallVector<int64_t> preluSlopeShape(llvm::ArrayRef<int64_t> x, llvm::ArrayRef<int64_t> slope) {
  llvm::SmallVector<int64_t> out;
  if (slope.size() == 1 && x.size() >= 2 && slope[0] == x[1] && !broadcastShapes(x, slope, out)) {
    llvm::SmallVector<int64_t> s(x.size() - 1, 1);
    s[0] = slope[0];
    return s;
  }
  return llvm::SmallVector<int64_t>(slope.begin(), slope.end());
}

} // namespace emlc::onnx

#endif
