// A growable, 64-byte aligned float buffer for a kernel's temporaries; kernels keep one
// per thread (thread_local), so repeated calls reuse it instead of allocating.
#pragma once
#include <cstdlib>

struct ScratchBuffer {
  float* p = nullptr;
  size_t n = 0;
  // At least `want` floats; the contents are not kept when it grows.
  float* get(size_t want) {
    if (want > n) {
      free(p);
      n = want + 64;
      p = (float*)aligned_alloc(64, ((n * sizeof(float)) + 63) / 64 * 64);
    }
    return p;
  }
  ~ScratchBuffer() { free(p); }
};
