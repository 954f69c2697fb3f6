//===- TensorFiles.h - tensors from files: ONNX TensorProto, NumPy .npy -*- C++ -*-===//
//
// The file formats users hand emlc values in: `--input-value NAME=FILE.pb`,
// calibration samples (`.npy` or folders of `.pb`), `emlc verify`'s inputs and
// expected outputs. Kept apart from the importer so quantization and verify
// read files without depending on model import.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_SUPPORT_TENSORFILES_H
#define EMLC_SUPPORT_TENSORFILES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace emlc {

/// An ONNX TensorProto as a constant (narrow integers signless, uint kept
/// unsigned). External data is read from `modelDir`, and only from inside it:
/// no absolute paths, no '..', and after resolving symbolic links still inside
/// the folder's real path; only regular files (never a FIFO or a device);
/// offset/length checked decimal numbers within the file and the tensor's size.
/// An empty `modelDir` refuses external data.
bool tensorFromProto(const ::onnx::TensorProto &t, mlir::MLIRContext &ctx, const std::string &modelDir,
                     mlir::DenseElementsAttr &out, std::string &err);

/// A whole file, only if it is a regular file: a FIFO or a device is refused
/// without being opened (stat first; O_NONBLOCK), so a read never blocks or
/// runs forever. Large files are memory-mapped. Null with `err` set otherwise.
std::unique_ptr<llvm::MemoryBuffer> readRegularFile(const std::string &path, std::string &err);

/// Reads an ONNX TensorProto file (.pb, as in test_data_set_N folders).
bool readTensorFile(const std::string &path, mlir::MLIRContext &ctx, mlir::DenseElementsAttr &out, std::string &err);

/// "1x3x32x32" ("scalar" for no dimensions), as emlc's messages write shapes.
std::string shapeText(llvm::ArrayRef<int64_t> shape);

/// A NumPy .npy file (C order; float32/64, int64/32 (labels), int8/uint8): values as float and
/// the shape. Enough of the format (v1-v3 header) for data sets.
bool readNpy(const std::string &path, std::vector<float> &values, std::vector<int64_t> &shape, std::string &err);

} // namespace emlc

#endif
