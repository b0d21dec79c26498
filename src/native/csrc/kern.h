// The table of kernels one instruction set provides; addon.cc picks one at load.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstring>

struct Kern {
  const char* name;
  int mr, nr;  // GEMM micro-tile: rows of A, columns of (packed) B
  // C[mr x NR] (+)= A (any layout) * B (rows of NR contiguous columns): see kern.inc
  void (*micro_s)(long kc, const float* a, long ai, long ak, const float* b, long bk, float* c,
                  long ldc, int mr, int accumulate);
  void (*unary)(int op, const float* x, float* y, long n, float alpha);
  void (*act_grad)(int op, const float* dy, const float* x, float* out, long n, float alpha);
  void (*binary)(int op, const float* a, const float* b, void* out, long n, int mode);
  void (*reduce)(int op, const float* x, float* y, long outer0, long outer1, long red, long inner);
  void (*scale_shift)(const float* x, float* y, long rows, long ch, const float* mean,
                      const float* sc, const float* off);
  void (*adam)(const float* w, const float* g, const float* m, const float* v, float* w2, float* m2,
               float* v2, long n, float lr, float b1, float b2, float eps, float c1, float c2);
  void (*rmsprop)(const float* w, const float* g, const float* ms, const float* mg, const float* mom,
                  float* w2, float* ms2, float* mg2, float* mom2, long n, float lr, float decay,
                  float momentum, float eps, int centered);
  void (*add_to)(float* d, const float* s, long n);  // d += s
  // y[j] (+)= sum_k coef[k] * rows[k * ld + j] for j < n (see kern.inc)
  void (*lincomb)(float* y, const float* coef, const float* rows, long ld, long K, long n, int accumulate);
  float (*dot)(const float* a, const float* b, long n);
  // softmax of each row of x [rows x cols]; its gradient given dy and the softmax y
  void (*softmax)(const float* x, float* y, long rows, long cols);
  void (*softmax_grad)(const float* y, const float* dy, float* dx, long rows, long cols);
};

extern const Kern* const kern_avx512;  // null where not compiled
extern const Kern* const kern_avx2;
extern const Kern* const kern_generic;
