/* Bare-metal keyword spotting: the MLPerf Tiny DS-CNN (int8), compiled by emlc at build time, classifies one
   bundled input and prints the class. No OS, no malloc, no file I/O: the arena is a static buffer in kws.c and
   the weights are const data in flash. printf goes through the C library's console (semihosting under QEMU;
   a UART on a board). */
#include "kws.h"
#include "kws_input.h"
#include <stdio.h>

/* The arena, here rather than inside kws.c (kws_ARENA=firmware_arena): 16-byte aligned like the planner's
   buffers; on a board it could carry __attribute__((section(".dtcm"))). */
uint8_t firmware_arena[kws_ARENA_SIZE] __attribute__((aligned(16)));

static const char *const labels[kws_OUTPUT_0_COUNT] = {"down",  "go",   "left", "no",  "off",     "on",
                                                       "right", "stop", "up",   "yes", "silence", "unknown"};

int main(void) {
  int8_t scores[kws_OUTPUT_0_COUNT];
  int c, best = 0;
  if (kws_infer(kws_input, scores) != 0)
    return 1;
  for (c = 1; c < kws_OUTPUT_0_COUNT; ++c)
    if (scores[c] > scores[best])
      best = c;
  printf("class %d (%s), score %d/127; arena %d bytes, weights %d bytes\n", best, labels[best], scores[best],
         kws_ARENA_SIZE, kws_WEIGHTS_SIZE);
  return 0;
}
