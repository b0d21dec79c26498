// Blocked, packed single-precision GEMM and the convolutions built on it.
#pragma once
#include "kern.h"
#include "threads.h"

void gk_set_kern(const Kern* k);
const Kern* gk_kern();

// C[M,N] (+)= A[M,K] * B[K,N]; element (i,k) of A at A[i*rsA + k*csA], likewise B.
void gk_gemm(long M, long N, long K, const float* A, long rsA, long csA, const float* B, long rsB,
             long csB, float* C, long ldc, bool accumulate);

// B packed ahead of time by its caller, for a GEMM run many times on the same B:
// gk_packed_b_size floats; element (k, j) at gk_packed_b_at, followed by (k, j + 1) up to
// the end of its strip of the kernel's NR columns, and row k + 1 of the strip NR floats
// on within a KC block (columns past N are the caller's to zero).
long gk_packed_b_size(long K, long N);
float* gk_packed_b_at(float* packed, long K, long N, long k, long j);
// C[M,N] (+)= A[M,K] * packed B, on the calling thread alone.
void gk_gemm_prepacked(long M, const float* A, long rsA, long csA, const float* packed, long K, long N, float* C,
                       long ldc, bool accumulate);

struct ConvShape {
  long n, h, w, cin;     // input (NHWC)
  long kh, kw, cout;     // filter [kh, kw, cin, cout]
  long oh, ow;           // output
  long sh, sw, dh, dw;   // strides, dilations
  long pt, pl;           // padding top, left
};
void gk_conv2d(const ConvShape& s, const float* x, const float* w, float* y);
void gk_conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx);
void gk_conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw);

