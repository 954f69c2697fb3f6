/* Host test harness for an emitted model (not part of the emitted code).
   Build: cc -std=c99 -I OUT -DEMLC_MODEL_HEADER='"NAME.h"' -DEMLC_RUN=NAME_run harness.c (the OUT .c files) -lm
   Run:   ./a.out IN_COUNT in0.bin ... out0.bin:BYTES ... [--repeat N] [--samples N]
   Inputs are raw dense buffers; outputs are written raw. With --repeat N it
   times N inferences and prints the median microseconds per inference. With
   --samples N each input file holds N samples one after the other, the model
   runs once per sample, and each output file gets N outputs of BYTES each
   (a data set in one process instead of one process per sample). */
#define _POSIX_C_SOURCE 199309L
#include EMLC_MODEL_HEADER
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *read_file(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  long n;
  void *buf;
  if (!f) {
    fprintf(stderr, "harness: cannot open %s\n", path);
    exit(3);
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc(n > 0 ? (size_t)n : 1);
  if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "harness: short read\n");
    exit(3);
  }
  fclose(f);
  *size = n;
  return buf;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int nin, i, repeat = 0, nout, samples = 1, s;
  void *inputs[64], *outputs[64], *sample_in[64], *all_out[64];
  long insize[64];
  char *outpath[64];
  size_t outbytes[64];
  if (argc < 2) {
    fprintf(stderr, "usage: harness IN_COUNT inputs... out:bytes... [--repeat N]\n");
    return 2;
  }
  nin = atoi(argv[1]);
  if (nin < 0 || nin > 64 || argc < 2 + nin) {
    fprintf(stderr, "harness: bad input count\n");
    return 2;
  }
  for (i = 0; i < nin; ++i)
    inputs[i] = read_file(argv[2 + i], &insize[i]);
  nout = 0;
  for (i = 2 + nin; i < argc; ++i) {
    char *colon;
    if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = atoi(argv[++i]);
      continue;
    }
    if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc) {
      samples = atoi(argv[++i]);
      if (samples < 1) {
        fprintf(stderr, "harness: --samples must be positive\n");
        return 2;
      }
      continue;
    }
    colon = strrchr(argv[i], ':');
    if (!colon) {
      fprintf(stderr, "harness: output must be path:bytes\n");
      return 2;
    }
    *colon = 0;
    outpath[nout] = argv[i];
    outbytes[nout] = (size_t)atol(colon + 1);
    outputs[nout] = calloc(outbytes[nout] ? outbytes[nout] : 1, 1);
    ++nout;
  }
  for (i = 0; i < nout; ++i)
    all_out[i] = malloc(outbytes[i] * (size_t)samples + 1);
  for (s = 0; s < samples; ++s) {
    for (i = 0; i < nin; ++i)
      sample_in[i] = (char *)inputs[i] + (size_t)(insize[i] / samples) * (size_t)s;
    if (EMLC_RUN((const void *const *)sample_in, outputs) != 0) {
      fprintf(stderr, "harness: run failed\n");
      return 4;
    }
    for (i = 0; i < nout; ++i)
      memcpy((char *)all_out[i] + outbytes[i] * (size_t)s, outputs[i], outbytes[i]);
  }
  for (i = 0; i < nout; ++i) {
    FILE *f = fopen(outpath[i], "wb");
    size_t total = outbytes[i] * (size_t)samples;
    if (!f || fwrite(all_out[i], 1, total, f) != total) {
      fprintf(stderr, "harness: cannot write\n");
      return 3;
    }
    fclose(f);
  }
  if (repeat > 0) {
    double *t = (double *)malloc(sizeof(double) * (size_t)repeat);
    int r;
    for (r = 0; r < repeat; ++r) {
      struct timespec a, b;
      clock_gettime(CLOCK_MONOTONIC, &a);
      EMLC_RUN((const void *const *)inputs, outputs);
      clock_gettime(CLOCK_MONOTONIC, &b);
      t[r] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
    }
    qsort(t, (size_t)repeat, sizeof(double), cmp_double);
    printf("median_us %.3f\n", t[repeat / 2]);
    free(t);
  }
  /* Freed so that a run under LeakSanitizer (--sanitize) reports only the model's leaks. */
  for (i = 0; i < nin; ++i)
    free(inputs[i]);
  for (i = 0; i < nout; ++i) {
    free(outputs[i]);
    free(all_out[i]);
  }
  return 0;
}
