/* Host test harness for an emitted model (not part of the emitted code).
   Build: cc -std=c99 -I OUT -DEMLC_MODEL_HEADER='"NAME.h"' -DEMLC_RUN=NAME_run harness.c (the OUT .c files) -lm
   Run:   ./a.out IN_COUNT in0.bin ... out0.bin:BYTES ... [--repeat N]
   Inputs are raw dense buffers; outputs are written raw. With --repeat N it
   times N inferences and prints the median microseconds per inference. */
#define _POSIX_C_SOURCE 199309L
#include EMLC_MODEL_HEADER
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *read_file(const char *path) {
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
  return buf;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int nin, i, repeat = 0, nout;
  void *inputs[64], *outputs[64];
  char *outpath[64];
  size_t outbytes[64];
  if (argc < 2) {
    fprintf(stderr, "usage: harness IN_COUNT inputs... out:bytes... [--repeat N]\n");
    return 2;
  }
  nin = atoi(argv[1]);
  for (i = 0; i < nin; ++i)
    inputs[i] = read_file(argv[2 + i]);
  nout = 0;
  for (i = 2 + nin; i < argc; ++i) {
    char *colon;
    if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = atoi(argv[++i]);
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
  if (EMLC_RUN((const void *const *)inputs, outputs) != 0) {
    fprintf(stderr, "harness: run failed\n");
    return 4;
  }
  for (i = 0; i < nout; ++i) {
    FILE *f = fopen(outpath[i], "wb");
    if (!f || fwrite(outputs[i], 1, outbytes[i], f) != outbytes[i]) {
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
  }
  return 0;
}
