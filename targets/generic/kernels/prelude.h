/* emlc portable kernel prelude: included once at the top of every emitted model. */
#include <stdint.h>
#include <string.h>
#include <math.h>

#define EMLC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EMLC_MAX(a, b) ((a) > (b) ? (a) : (b))
/* NaN passes through (comparisons with NaN are false), as in the reference. */
#define EMLC_CLAMP(x, lo, hi) ((x) < (lo) ? (lo) : (x) > (hi) ? (hi) : (x))
#define EMLC_RANK 6 /* strided kernels take shapes padded to 6 axes */
/* For the target kernels (GCC and Clang): a GEMM tile in its own function keeps its accumulators in
   registers (inlined into a bigger loop nest, GCC spilled them); an empty asm on a short loop's counter keeps
   GCC from turning the loop into a memset/memcpy call, which costs more than a few elements. */
#define EMLC_NOINLINE __attribute__((noinline))
#define EMLC_OPAQUE(v) __asm__("" : "+r"(v))
