/* Classifies a synthetic "1" (a vertical bar) with the model emlc compiled
   at build time; prints the predicted digit. No file I/O, no malloc: what
   firmware would do with a camera frame. */
#include "mnist.h"
#include <stdio.h>

int main(void) {
  static float image[mnist_INPUT_0_COUNT];
  static float logits[mnist_OUTPUT_0_COUNT];
  const void *inputs[] = {image};
  void *outputs[] = {logits};
  int r, c, best = 0;
  for (r = 4; r < 24; ++r)
    for (c = 13; c < 16; ++c)
      image[r * 28 + c] = 255.0f;
  (void)inputs;
  (void)outputs;
  if (mnist_infer(image, logits) != 0) /* or mnist_run(inputs, outputs) */
    return 1;
  for (c = 1; c < mnist_OUTPUT_0_COUNT; ++c)
    if (logits[c] > logits[best])
      best = c;
  printf("digit %d (arena %d bytes, weights %d bytes)\n", best, mnist_ARENA_SIZE, mnist_WEIGHTS_SIZE);
  return 0;
}
