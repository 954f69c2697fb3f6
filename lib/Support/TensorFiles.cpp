//===- TensorFiles.cpp - tensors from files: ONNX TensorProto, NumPy .npy ---===//

#include "emlc/Support/TensorFiles.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <onnx/onnx_pb.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir;

namespace emlc {
std::string shapeText(ArrayRef<int64_t> s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "x" : "") + std::to_string(s[i]);
  return out.empty() ? "scalar" : out;
}

namespace {

/// Opens `path` for reading only if it is a regular file: a FIFO would block the compile forever and a
/// device (/dev/zero, a tape) never ends or has side effects on open. stat() first, so such files are
/// never opened; O_NONBLOCK in case one is swapped in between; fstat() then checks what was opened.
int openRegularFile(const std::string &path, int64_t &size, std::string &err) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    err = "cannot read '" + path + "': " + std::strerror(errno);
    return -1;
  }
  auto kind = [](mode_t m) -> std::string {
    return S_ISDIR(m)    ? "a directory"
           : S_ISFIFO(m) ? "a FIFO (named pipe)"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
  };
  if (!S_ISREG(st.st_mode)) {
    err = "'" + path + "' is " + kind(st.st_mode) + ", not a regular file";
    return -1;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat opened;
  if (fd < 0 || ::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode) || opened.st_ino != st.st_ino ||
      opened.st_dev != st.st_dev) {
    err = "cannot read '" + path + "' as a regular file" + (fd < 0 ? std::string(": ") + std::strerror(errno) : "");
    if (fd >= 0)
      ::close(fd);
    return -1;
  }
  size = opened.st_size;
  return fd;
}

/// An external_data offset or length: decimal digits only, within int64 (no sign, no spaces, no "0x").
bool parseByteCount(StringRef text, int64_t &out) {
  uint64_t v = 0;
  if (text.empty() || text.size() > 19 || !llvm::all_of(text, [](char c) { return c >= '0' && c <= '9'; }) ||
      text.getAsInteger(10, v) || v > (uint64_t)INT64_MAX)
    return false;
  out = (int64_t)v;
  return true;
}

/// The element count of `shape`, or false when it overflows int64.
bool checkedNumel(ArrayRef<int64_t> shape, int64_t &n) {
  n = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return false;
  return true;
}

/// Tensor `t`'s external data, confined to the model's folder: LOCATION relative, without '..', and after
/// resolving symbolic links (realpath) still inside the folder's real path; a regular file; OFFSET and
/// LENGTH checked numbers whose range lies within the file and holds exactly `expected` bytes. The bytes
/// are memory-mapped (a read-only slice), not copied.
bool readExternalData(const ::onnx::TensorProto &t, const std::string &modelDir, int64_t expected,
                      std::unique_ptr<llvm::MemoryBuffer> &data, std::string &err) {
  std::string tensor = "tensor '" + t.name() + "': ";
  std::string location;
  int64_t offset = 0, length = -1;
  bool seen[3] = {false, false, false};
  for (const auto &kv : t.external_data()) {
    int key = kv.key() == "location" ? 0 : kv.key() == "offset" ? 1 : kv.key() == "length" ? 2 : -1;
    if (key < 0)
      continue; // checksum and other keys do not change what is read
    if (seen[key]) {
      err = tensor + "external_data has '" + kv.key() + "' twice";
      return false;
    }
    seen[key] = true;
    if (key == 0)
      location = kv.value();
    else if (!parseByteCount(kv.value(), key == 1 ? offset : length)) {
      err = tensor + "external data " + kv.key() + " '" + kv.value() +
            "' is not a byte count (decimal digits, at most 9223372036854775807)";
      return false;
    }
  }
  if (modelDir.empty()) {
    err = tensor + "uses external data, which needs the model file's folder";
    return false;
  }
  // External data must stay inside the model's folder: no absolute paths, no '..', no NUL (it would cut the path).
  llvm::SmallString<256> p(location);
  if (location.empty() || location.find('\0') != std::string::npos || llvm::sys::path::is_absolute(p) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(p), llvm::sys::path::end(p)),
                   [](StringRef c) { return c == ".."; })) {
    err = tensor + "external data path '" + location + "' escapes the model folder; external files must be inside " +
          modelDir;
    return false;
  }
  llvm::SmallString<256> full(modelDir);
  llvm::sys::path::append(full, location);
  char dirBuf[PATH_MAX], fileBuf[PATH_MAX];
  if (!::realpath(modelDir.c_str(), dirBuf) || !::realpath(full.c_str(), fileBuf)) {
    err = tensor + "cannot find external data file " + full.str().str() + ": " + std::strerror(errno);
    return false;
  }
  std::string dirReal = dirBuf, fileReal = fileBuf;
  if (dirReal != "/")
    dirReal += "/";
  if (fileReal.compare(0, dirReal.size(), dirReal) != 0) {
    err = tensor + "external data file '" + location + "' resolves to " + fileReal + ", outside the model folder " +
          dirBuf + " (a symbolic link pointing out?); external files must be inside it";
    return false;
  }
  int64_t size = 0;
  std::string why;
  int fd = openRegularFile(fileReal, size, why);
  if (fd < 0) {
    err = tensor + "external data: " + why;
    return false;
  }
  if (length < 0)
    length = offset <= size ? size - offset : 0;
  int64_t end = 0;
  if (__builtin_add_overflow(offset, length, &end) || offset > size || end > size) {
    err = tensor + "external data range offset " + std::to_string(offset) + " length " + std::to_string(length) +
          " is outside " + full.str().str() + " (" + std::to_string(size) + " bytes)";
    ::close(fd);
    return false;
  }
  if (length != expected) {
    err = tensor + "external data has " + std::to_string(length) + " bytes, its shape and type need " +
          std::to_string(expected) + " (file truncated or corrupt?)";
    ::close(fd);
    return false;
  }
  auto buf = llvm::MemoryBuffer::getOpenFileSlice(fd, fileReal, (uint64_t)length, offset);
  ::close(fd);
  if (!buf) {
    err = tensor + "cannot read external data from " + fileReal + ": " + buf.getError().message();
    return false;
  }
  data = std::move(*buf);
  return true;
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
  int64_t n = 1, rawBytes = 0;
  // Store narrow integers signless so arith.constant accepts them; the
  // unsigned meaning is kept in the tensor element type elsewhere.
  Type storage = elem;
  if (auto it = llvm::dyn_cast<IntegerType>(elem))
    storage = IntegerType::get(&ctx, it.getWidth(), it.isUnsigned() ? IntegerType::Unsigned : IntegerType::Signless);
  unsigned bits = elem.getIntOrFloatBitWidth();
  unsigned bytesPer = bits == 1 ? 1 : bits / 8;
  if (!checkedNumel(shape, n) || __builtin_mul_overflow(n, (int64_t)bytesPer, &rawBytes)) {
    err = "tensor '" + t.name() + "' has shape " + shapeText(shape) + ", whose size overflows 64 bits";
    return false;
  }
  auto type = RankedTensorType::get(shape, storage);

  StringRef raw; // the data bytes: the proto's raw_data, or a mapped slice of the external file
  std::unique_ptr<llvm::MemoryBuffer> mapped;
  bool hasRaw = t.has_raw_data();
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    if (!readExternalData(t, modelDir, rawBytes, mapped, err))
      return false;
    raw = mapped->getBuffer();
    hasRaw = true;
  } else if (hasRaw) {
    raw = t.raw_data();
  }

  if (hasRaw) {
    if ((int64_t)raw.size() != rawBytes) {
      err = "tensor '" + t.name() + "' has " + std::to_string(raw.size()) + " bytes of data, expected " +
            std::to_string(rawBytes) + " (file truncated or corrupt?)";
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
      err = "tensor '" + t.name() + "' has " + std::to_string(have) + " values, its shape " + shapeText(shape) +
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

/// A whole regular file (FIFOs and devices refused, see openRegularFile), mapped when large.
std::unique_ptr<llvm::MemoryBuffer> readRegularFile(const std::string &path, std::string &err) {
  int64_t size = 0;
  int fd = openRegularFile(path, size, err);
  if (fd < 0)
    return nullptr;
  auto buf = llvm::MemoryBuffer::getOpenFile(fd, path, (uint64_t)size, /*RequiresNullTerminator=*/false);
  ::close(fd);
  if (!buf) {
    err = "cannot read '" + path + "': " + buf.getError().message();
    return nullptr;
  }
  return std::move(*buf);
}

bool readTensorFile(const std::string &path, MLIRContext &ctx, DenseElementsAttr &out, std::string &err) {
  auto buf = readRegularFile(path, err);
  ::onnx::TensorProto t;
  if (!buf || buf->getBufferSize() > (size_t)INT_MAX ||
      !t.ParseFromArray(buf->getBufferStart(), (int)buf->getBufferSize())) {
    if (buf || err.empty())
      err = "cannot read '" + path + "' as an ONNX TensorProto (.pb)";
    return false;
  }
  return tensorFromProto(t, ctx, "", out, err);
}

bool readNpy(const std::string &path, std::vector<float> &values, std::vector<int64_t> &shape, std::string &err) {
  auto buf = readRegularFile(path, err);
  if (!buf)
    return false;
  StringRef data = buf->getBuffer();
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
  int64_t n = 0;
  if (!checkedNumel(shape, n) || n > (int64_t)body.size()) {
    err = "'" + path + "': the shape in the header does not fit the file (negative, overflowing or truncated)";
    return false;
  }
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
