//===- TensorFiles.cpp - tensors from files: ONNX TensorProto, NumPy .npy ---===//

#include "emlc/Support/TensorFiles.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <fstream>
#include <onnx/onnx_pb.h>

using namespace mlir;

namespace emlc {
namespace {
std::string fmtShape(ArrayRef<int64_t> s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "x" : "") + std::to_string(s[i]);
  return out.empty() ? "scalar" : out;
}

int64_t numel(ArrayRef<int64_t> s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}
} // namespace

bool tensorFromProto(const ::onnx::TensorProto &t, MLIRContext &ctx, const std::string &modelDir,
                     DenseElementsAttr &out, std::string &err) {
  Type elem = onnx::elementTypeFromONNX(&ctx, t.data_type());
  if (!elem) {
    err = "tensor '" + t.name() + "' has unsupported data type " + std::to_string(t.data_type());
    return false;
  }
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0) {
      err = "tensor '" + t.name() + "' has a negative dimension";
      return false;
    }
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  // Store narrow integers signless so arith.constant accepts them; the
  // unsigned meaning is kept in the tensor element type elsewhere.
  Type storage = elem;
  if (auto it = llvm::dyn_cast<IntegerType>(elem))
    storage = IntegerType::get(&ctx, it.getWidth(), it.isUnsigned() ? IntegerType::Unsigned : IntegerType::Signless);
  auto type = RankedTensorType::get(shape, storage);
  unsigned bits = elem.getIntOrFloatBitWidth();
  unsigned bytesPer = bits == 1 ? 1 : bits / 8;

  std::string raw;
  bool hasRaw = t.has_raw_data();
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : t.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset")
        offset = std::stoll(kv.value());
      else if (kv.key() == "length")
        length = std::stoll(kv.value());
    }
    if (modelDir.empty()) {
      err = "tensor '" + t.name() + "' uses external data, which needs the model file's folder";
      return false;
    }
    // External data must stay inside the model's folder: no absolute paths, no '..'.
    llvm::SmallString<256> p(location);
    if (location.empty() || llvm::sys::path::is_absolute(p) ||
        llvm::any_of(llvm::make_range(llvm::sys::path::begin(p), llvm::sys::path::end(p)),
                     [](StringRef c) { return c == ".."; })) {
      err = "tensor '" + t.name() + "': external data path '" + location +
            "' escapes the model folder; external files must be inside " + modelDir;
      return false;
    }
    llvm::SmallString<256> full(modelDir);
    llvm::sys::path::append(full, location);
    std::ifstream f(full.str().str(), std::ios::binary);
    if (!f) {
      err = "tensor '" + t.name() + "': cannot open external data file " + full.str().str();
      return false;
    }
    f.seekg(0, std::ios::end);
    int64_t fsize = f.tellg();
    if (length < 0)
      length = fsize - offset;
    if (offset < 0 || offset + length > fsize) {
      err = "tensor '" + t.name() + "': external data range is outside " + full.str().str();
      return false;
    }
    raw.resize(length);
    f.seekg(offset);
    f.read(raw.data(), length);
    hasRaw = true;
  } else if (hasRaw) {
    raw = t.raw_data();
  }

  if (hasRaw) {
    if ((int64_t)raw.size() != n * (int64_t)bytesPer) {
      err = "tensor '" + t.name() + "' has " + std::to_string(raw.size()) + " bytes of data, expected " +
            std::to_string(n * bytesPer) + " (file truncated or corrupt?)";
      return false;
    }
    if (bits == 1) {
      SmallVector<bool> v;
      for (char c : raw)
        v.push_back(c != 0);
      out = DenseElementsAttr::get(type, ArrayRef<bool>(v));
      return true;
    }
    bool detectedSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, ArrayRef<char>(raw.data(), raw.size()), detectedSplat)) {
      err = "tensor '" + t.name() + "' has an invalid data buffer";
      return false;
    }
    out = DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(raw.data(), raw.size()));
    return true;
  }
  auto check = [&](int64_t have) {
    if (have != n) {
      err = "tensor '" + t.name() + "' has " + std::to_string(have) + " values, its shape " + fmtShape(shape) +
            " needs " + std::to_string(n);
      return false;
    }
    return true;
  };
  switch (t.data_type()) {
  case ::onnx::TensorProto::FLOAT: {
    if (!check(t.float_data_size()))
      return false;
    out = DenseElementsAttr::get(type, ArrayRef<float>(t.float_data().data(), n));
    return true;
  }
  case ::onnx::TensorProto::DOUBLE: {
    if (!check(t.double_data_size()))
      return false;
    out = DenseElementsAttr::get(type, ArrayRef<double>(t.double_data().data(), n));
    return true;
  }
  case ::onnx::TensorProto::INT64: {
    if (!check(t.int64_data_size()))
      return false;
    out = DenseElementsAttr::get(type, ArrayRef<int64_t>(t.int64_data().data(), n));
    return true;
  }
  case ::onnx::TensorProto::UINT64: {
    if (!check(t.uint64_data_size()))
      return false;
    out = DenseElementsAttr::get(type, ArrayRef<uint64_t>(t.uint64_data().data(), n));
    return true;
  }
  case ::onnx::TensorProto::UINT32: {
    if (!check(t.uint64_data_size()))
      return false;
    SmallVector<uint32_t> v(t.uint64_data().begin(), t.uint64_data().end());
    out = DenseElementsAttr::get(type, ArrayRef<uint32_t>(v));
    return true;
  }
  case ::onnx::TensorProto::FLOAT16: {
    if (!check(t.int32_data_size()))
      return false;
    SmallVector<APFloat> v;
    for (int32_t bitsv : t.int32_data())
      v.push_back(APFloat(APFloat::IEEEhalf(), APInt(16, (uint64_t)bitsv)));
    out = DenseElementsAttr::get(type, v);
    return true;
  }
  default: { // int32 storage for all narrower integers and bool
    if (!check(t.int32_data_size()))
      return false;
    SmallVector<APInt> v;
    for (int32_t x : t.int32_data())
      v.push_back(APInt(std::max(bits, 1u), (uint64_t)(int64_t)x, /*isSigned=*/true));
    out = DenseElementsAttr::get(type, v);
    return true;
  }
  }
}

bool readTensorFile(const std::string &path, MLIRContext &ctx, DenseElementsAttr &out, std::string &err) {
  std::ifstream f(path, std::ios::binary);
  ::onnx::TensorProto t;
  if (!f || !t.ParseFromIstream(&f)) {
    err = "cannot read '" + path + "' as an ONNX TensorProto (.pb)";
    return false;
  }
  return tensorFromProto(t, ctx, "", out, err);
}

bool readNpy(const std::string &path, std::vector<float> &values, std::vector<int64_t> &shape, std::string &err) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf) {
    err = "cannot read '" + path + "'";
    return false;
  }
  StringRef data = (*buf)->getBuffer();
  if (data.size() < 10 || !data.starts_with("\x93NUMPY")) {
    err = "'" + path + "' is not a .npy file";
    return false;
  }
  unsigned major = (unsigned char)data[6];
  size_t hlen, start;
  if (major == 1) {
    hlen = (unsigned char)data[8] | ((unsigned char)data[9] << 8), start = 10;
  } else {
    if (data.size() < 12) {
      err = "'" + path + "' is truncated";
      return false;
    }
    hlen = 0;
    for (int i = 0; i < 4; ++i)
      hlen |= (size_t)(unsigned char)data[8 + i] << (8 * i);
    start = 12;
  }
  if (data.size() < start + hlen) {
    err = "'" + path + "' is truncated";
    return false;
  }
  StringRef header = data.substr(start, hlen);
  auto field = [&](StringRef key) {
    size_t at = header.find(key);
    return at == StringRef::npos ? StringRef() : header.drop_front(at + key.size()).ltrim(" :");
  };
  StringRef descr = field("'descr'");
  descr = descr.drop_front(1).take_until([](char c) { return c == '\''; });
  if (field("'fortran_order'").starts_with("True")) {
    err = "'" + path + "' is in Fortran order; save it in C order";
    return false;
  }
  StringRef dims = field("'shape'").drop_front(1).take_until([](char c) { return c == ')'; });
  shape.clear();
  SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, false);
  for (StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d)) {
      err = "'" + path + "': bad shape in the header";
      return false;
    }
    shape.push_back(d);
  }
  StringRef body = data.drop_front(start + hlen);
  int64_t n = numel(shape);
  auto need = [&](size_t bytes) {
    if (body.size() < (size_t)n * bytes) {
      err = "'" + path + "' is truncated";
      return false;
    }
    return true;
  };
  values.resize(n);
  if (descr == "<f4") {
    if (!need(4))
      return false;
    memcpy(values.data(), body.data(), 4 * n);
  } else if (descr == "<f8") {
    if (!need(8))
      return false;
    for (int64_t i = 0; i < n; ++i) {
      double d;
      memcpy(&d, body.data() + 8 * i, 8);
      values[i] = (float)d;
    }
  } else if (descr == "<i8" || descr == "<i4") { // labels
    int64_t bytes = descr == "<i8" ? 8 : 4;
    if (!need(bytes))
      return false;
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = 0;
      if (bytes == 8) {
        memcpy(&v, body.data() + 8 * i, 8);
      } else {
        int32_t w;
        memcpy(&w, body.data() + 4 * i, 4);
        v = w;
      }
      values[i] = (float)v;
    }
  } else if (descr == "|u1" || descr == "|i1") {
    if (!need(1))
      return false;
    for (int64_t i = 0; i < n; ++i)
      values[i] = descr == "|u1" ? (float)(unsigned char)body[i] : (float)(signed char)body[i];
  } else {
    err = "'" + path + "' holds " + descr.str() + " values (float32, float64, int64, int32, int8 and uint8 are read)";
    return false;
  }
  return true;
}

} // namespace emlc
