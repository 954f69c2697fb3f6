/* emlc portable kernel prelude: included once at the top of every emitted model. */
#include <stdint.h>
#include <string.h>
#include <math.h>

#define EMLC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EMLC_MAX(a, b) ((a) > (b) ? (a) : (b))
/* NaN passes through (comparisons with NaN are false), as in the reference. */
#define EMLC_CLAMP(x, lo, hi) ((x) < (lo) ? (lo) : (x) > (hi) ? (hi) : (x))
#define EMLC_RANK 6 /* strided kernels take shapes padded to 6 axes */
