//===- EmbeddedKernels.h - kernel sources compiled into emlc ----*- C++ -*-===//
#ifndef EMLC_TARGETS_EMBEDDEDKERNELS_H
#define EMLC_TARGETS_EMBEDDEDKERNELS_H

namespace emlc {
struct EmbeddedFile {
  const char *path; ///< relative to targets/, e.g. "generic/kernels/conv.c"
  const char *text;
};
extern const EmbeddedFile kEmbeddedKernels[];
extern const unsigned kNumEmbeddedKernels;
} // namespace emlc

#endif
