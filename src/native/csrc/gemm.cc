#include "gemm.h"

#include "scratch_buffer.h"
#include "threads.h"
#include "winograd.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

static const Kern* g_kern = nullptr;

void gk_set_kern(const Kern* k) { g_kern = k; }
const Kern* gk_kern() { return g_kern; }

// Blocking: KC rows of B stay in cache as one micro-panel per NR columns while MC rows of
// A (rounded to a multiple of MR at run time) stream past them. THIN_ROWS, THIN_BT_ROWS:
// see gk_gemm.
static const long KC = 256;
static const long MC_ROWS = 96;
static const long THIN_ROWS = 128;
static const long THIN_BT_ROWS = 256;
static const long THIN_BT_MIN_W = 1L << 16;  // floats of W

namespace {
thread_local ScratchBuffer tl_packB, tl_col, tl_narrow;
}  // namespace

static inline long round_up(long x, long m) { return (x + m - 1) / m * m; }

// Packs B[kc x nc] into strips of NR columns: strip s holds, for each k, NR columns.
// Strips lie `strip` floats apart (NR * kc, back to back, unless a caller packs some rows
// of a deeper block).
static void pack_b(const float* B, long rsB, long csB, long kc, long nc, float* pb, int NR, long strip = 0) {
  if (strip == 0) strip = NR * kc;
  if (csB == 1) {
    // Rows contiguous: row by row, so B is read front to back (strip by strip it was read
    // one 128-byte piece of every row at a time: 2-3% slower with B out of cache).
    for (long k = 0; k < kc; k++) {
      const float* src = B + k * rsB;
      float* dst = pb + k * NR;
      for (long j0 = 0; j0 < nc; j0 += NR, dst += strip) {
        const long nr = std::min<long>(NR, nc - j0);
        memcpy(dst, src + j0, nr * sizeof(float));
        for (long j = nr; j < NR; j++) dst[j] = 0.f;
      }
    }
    return;
  }
  for (long j0 = 0; j0 < nc; j0 += NR) {
    const long nr = std::min<long>(NR, nc - j0);
    if (rsB == 1) {
      // B transposed (a weight matrix used as W^T): a transpose in 8-deep slabs, so the
      // NR x 8 block being written stays in L1 while 8 floats are read from each column.
      long k0 = 0;
      for (; k0 + 8 <= kc; k0 += 8) {
        for (long j = 0; j < nr; j++) {
          const float* b = B + (j0 + j) * csB + k0;
          float* d = pb + k0 * NR + j;
          for (int t = 0; t < 8; t++) d[t * NR] = b[t];
        }
      }
      for (long j = 0; j < nr; j++) {
        const float* b = B + (j0 + j) * csB;
        for (long k = k0; k < kc; k++) pb[k * NR + j] = b[k];
      }
      if (nr < NR)
        for (long k = 0; k < kc; k++)
          for (long j = nr; j < NR; j++) pb[k * NR + j] = 0.f;
    } else {
      for (long k = 0; k < kc; k++) {
        for (long j = 0; j < nr; j++) pb[k * NR + j] = B[k * rsB + (j0 + j) * csB];
        for (long j = nr; j < NR; j++) pb[k * NR + j] = 0.f;
      }
    }
    pb += strip;
  }
}

// B packed whole: KC-row blocks one after another, each block in NR-column strips.
struct PackedB {
  const float* p;
  long K, N, npad;
  const float* block(long pc) const { return p + pc * npad; }
};

static void pack_b_whole(const float* B, long rsB, long csB, long K, long N, float* dst, int NR) {
  const long npad = round_up(N, NR);
  for (long pc = 0; pc < K; pc += KC) {
    const long kc = std::min(KC, K - pc);
    pack_b(B + pc * rsB, rsB, csB, kc, N, dst + pc * npad, NR);
  }
}

// One MR x NR tile of C (+)= A * B. A last partial strip (nr < NR) goes through a local
// tile, so the micro-kernel never writes past C's last column.
static inline void micro_tile(const Kern& k, long kc, const float* ap, long rsA, long csA, const float* bp,
                              long bk, float* cp, long ldc, int mr, int nr, bool acc) {
  if (nr == k.nr) {
    k.micro_s(kc, ap, rsA, csA, bp, bk, cp, ldc, mr, acc);
    return;
  }
  alignas(64) float tile[16 * 64];  // MR x NR at most
  k.micro_s(kc, ap, rsA, csA, bp, bk, tile, k.nr, mr, 0);
  for (int i = 0; i < mr; i++) {
    float* cr = cp + i * ldc;
    const float* tr = tile + i * k.nr;
    if (acc) for (int j = 0; j < nr; j++) cr[j] += tr[j];
    else for (int j = 0; j < nr; j++) cr[j] = tr[j];
  }
}

// One thread: C[M x cols j0..j1) (+)= A * packed B (j0 a multiple of NR). A is read in
// place by the strided micro-kernel (the convolutions' patch blocks are already compact).
static void gemm_packed(long M, const float* A, long rsA, long csA, const PackedB& pb, float* C,
                        long ldc, bool accumulate, long j0 = 0, long j1 = -1) {
  const Kern& k = *g_kern;
  const int MR = k.mr, NR = k.nr;
  if (j1 < 0) j1 = pb.N;
  const long MC = std::max<long>(MR, MC_ROWS / MR * MR);
  for (long ic = 0; ic < M; ic += MC) {
    const long mc = std::min(MC, M - ic);
    for (long pc = 0; pc < pb.K; pc += KC) {
      const long kc = std::min(KC, pb.K - pc);
      const float* bblk = pb.block(pc);
      const bool acc = accumulate || pc > 0;
      for (long jr = j0; jr < j1; jr += NR) {
        const int nr = (int)std::min<long>(NR, j1 - jr);
        for (long ir = 0; ir < mc; ir += MR) {
          micro_tile(k, kc, A + (ic + ir) * rsA + pc * csA, rsA, csA, bblk + jr * kc, NR, C + (ic + ir) * ldc + jr,
                     ldc, (int)std::min<long>(MR, mc - ir), nr, acc);
        }
      }
    }
  }
  if (pb.K == 0 && !accumulate)
    for (long i = 0; i < M; i++) memset(C + i * ldc + j0, 0, (j1 - j0) * sizeof(float));
}

long gk_packed_b_size(long K, long N) { return K * round_up(N, g_kern->nr); }

float* gk_packed_b_at(float* packed, long K, long N, long k, long j) {
  const int NR = g_kern->nr;
  const long pc = k / KC * KC, kc = std::min(KC, K - pc);
  return packed + pc * round_up(N, NR) + j / NR * NR * kc + (k - pc) * NR + j % NR;
}

void gk_gemm_prepacked(long M, const float* A, long rsA, long csA, const float* packed, long K, long N, float* C,
                       long ldc, bool accumulate) {
  gemm_packed(M, A, rsA, csA, PackedB{packed, K, N, round_up(N, g_kern->nr)}, C, ldc, accumulate);
}

// All threads: C (+)= A * B over a grid of MC-row by NCT-column tasks. A is always read in
// place (the micro-kernel broadcasts one element at a time, any layout). B is read in place
// too when `in_place_b` and its rows are contiguous: a thin A (a batch of 64) reuses each
// element of B only a few times, so packing it costs as much as the arithmetic; a last
// partial strip is then copied, zero-padded, into a strip of its own. Otherwise B is packed
// once, by all threads together (slabs of whole rows per task where rows are contiguous),
// into a buffer every task shares (KC-deep blocks of
// NR-column strips, so a strip sits in L1 without the cache-set conflicts of rows a power
// of two apart): a tall A amortizes that.
static void gemm_tiled(long M, long N, long K, const float* A, long rsA, long csA, const float* B, long rsB,
                       long csB, float* C, long ldc, bool accumulate, bool in_place_b) {
  const Kern& kern = *g_kern;
  const int MR = kern.mr, NR = kern.nr;
  const bool directB = in_place_b && csB == 1;
  const long npad = round_up(N, NR), nfull = N / NR * NR;
  const bool edge = directB && nfull < N;
  float* pbuf = directB ? nullptr : tl_packB.get(npad * K);
  float* ebuf = edge ? tl_col.get(K * NR) : nullptr;
  const double flops = 2.0 * M * N * K;
  int nt = flops < 4e5 ? 1 : gk_threads();
  const long MC = std::max<long>(MR, MC_ROWS / MR * MR);
  long NCT = std::max<long>(NR, std::min<long>(npad, 256) / NR * NR);
  const long mb = (M + MC - 1) / MC;
  while (nt > 1 && mb * ((npad + NCT - 1) / NCT) < 4L * nt && NCT > 2 * NR) NCT = std::max<long>(NR, NCT / 2 / NR * NR);
  const long nb = (npad + NCT - 1) / NCT;
  nt = (int)std::min<long>(nt, mb * nb);
  if (!directB) {
    if (csB == 1) {
      // Rows of B contiguous: each task packs a slab of whole rows (pack_b reads them
      // front to back), not a strip of every row.
      const long RB = 16;
      static_assert(KC % RB == 0, "a slab never straddles two KC blocks");
      gk_parallel((K + RB - 1) / RB, nt, [&](long t) {
        const long k0 = t * RB, rows = std::min(RB, K - k0);
        const long pc = k0 / KC * KC, kc = std::min(KC, K - pc);
        pack_b(B + k0 * rsB, rsB, 1, rows, N, pbuf + pc * npad + (k0 - pc) * NR, NR, NR * kc);
      });
    } else {
      gk_parallel(npad / NR, nt, [&](long s) {
        const long j0 = s * NR, nr = std::min<long>(NR, N - j0);
        for (long pc = 0; pc < K; pc += KC) {
          const long kc = std::min(KC, K - pc);
          pack_b(B + pc * rsB + j0 * csB, rsB, csB, kc, nr, pbuf + pc * npad + j0 * kc, NR);
        }
      });
    }
  } else if (edge) {
    for (long k = 0; k < K; k++) {
      const float* src = B + k * rsB + nfull;
      float* dst = ebuf + k * NR;
      long j = 0;
      for (; j < N - nfull; j++) dst[j] = src[j];
      for (; j < NR; j++) dst[j] = 0.f;
    }
  }
  gk_parallel(mb * nb, nt, [&](long t) {
    const long ib = t / nb, jb = t % nb;
    const long m0 = ib * MC, m1 = std::min(M, m0 + MC);
    const long n0 = jb * NCT, n1 = std::min(N, n0 + NCT);
    for (long pc = 0; pc < K; pc += KC) {
      const long kc = std::min(KC, K - pc);
      const bool acc = accumulate || pc > 0;
      for (long jr = n0; jr < n1; jr += NR) {
        const int nr = (int)std::min<long>(NR, n1 - jr);
        const float* bp;
        long bk;
        if (!directB) bp = pbuf + pc * npad + jr * kc, bk = NR;
        else if (jr >= nfull) bp = ebuf + pc * NR, bk = NR;
        else bp = B + pc * rsB + jr, bk = rsB;
        for (long ir = m0; ir < m1; ir += MR) {
          micro_tile(kern, kc, A + ir * rsA + pc * csA, rsA, csA, bp, bk, C + ir * ldc + jr, ldc,
                     (int)std::min<long>(MR, m1 - ir), nr, acc);
        }
      }
    }
  });
}

// Thin A times a transposed B (B = W^T for a stored W [N x K] with rows K floats apart: the
// input gradient dy * W^T of a dense layer). Computed as C^T = W * A^T: W is read once, in
// place, MR rows at a time (each row a sequential stream the prefetcher follows), and only
// A^T, small, is packed. Packing all of W^T instead, as the general path does, moved three
// times the memory for a batch of 64.
static void gemm_thin_bt(long M, long N, long K, const float* A, long rsA, long csA, const float* W,
                         long ldw, float* C, long ldc, bool accumulate) {
  const Kern& kern = *g_kern;
  const int MR = kern.mr, NR = kern.nr;
  const long KB = 2048;  // depth per micro-kernel call: a packed strip of A^T stays in L2
  const long strips = (M + NR - 1) / NR;
  float* pa = tl_packB.get(strips * NR * K);
  const long groups = (N + MR - 1) / MR;
  const double flops = 2.0 * M * N * K;
  const int nt = (int)std::min<long>(flops < 4e5 ? 1 : gk_threads(), std::max<long>(1, groups / 4));
  // A^T as a [K x M] matrix: element (k, i) = A[i * rsA + k * csA].
  gk_parallel(strips, nt, [&](long s) {
    const long i0 = s * NR, nr = std::min<long>(NR, M - i0);
    for (long k0 = 0; k0 < K; k0 += KB) {
      const long kb = std::min(KB, K - k0);
      pack_b(A + i0 * rsA + k0 * csA, csA, rsA, kb, nr, pa + s * NR * K + k0 * NR, NR);
    }
  });
  const long per_task = 4;  // row groups per task
  gk_parallel((groups + per_task - 1) / per_task, nt, [&](long t) {
    alignas(64) float tile[16 * 64];  // MR x NR at most
    for (long g = t * per_task; g < std::min(groups, (t + 1) * per_task); g++) {
      const long j0 = g * MR;
      const int mr = (int)std::min<long>(MR, N - j0);
      for (long s = 0; s < strips; s++) {
        const long i0 = s * NR;
        const int nr = (int)std::min<long>(NR, M - i0);
        for (long k0 = 0; k0 < K; k0 += KB) {
          const long kb = std::min(KB, K - k0);
          kern.micro_s(kb, W + j0 * ldw + k0, ldw, 1, pa + s * NR * K + k0 * NR, NR, tile, NR, mr, k0 > 0);
        }
        // tile[r][c] is C[i0 + c][j0 + r]
        for (int c = 0; c < nr; c++) {
          float* cr = C + (i0 + c) * ldc + j0;
          if (accumulate) for (int r = 0; r < mr; r++) cr[r] += tile[r * NR + c];
          else for (int r = 0; r < mr; r++) cr[r] = tile[r * NR + c];
        }
      }
    }
  });
}


// Few output columns (N <= 4: a discriminator's last layer, a 2-D generator's output) or
// a shallow depth (K <= 4: the input gradient of such a layer, a first layer fed 2-D
// points): memory-bound, and the 32-column micro-kernel would mostly compute padding.
static const long SKINNY = 4;

static bool gemm_skinny(long M, long N, long K, const float* A, long rsA, long csA, const float* B, long rsB,
                        long csB, float* C, long ldc, bool accumulate) {
  const Kern& kern = *g_kern;
  const int nt = (int)std::min<long>(gk_threads(), std::max<long>(1, M * std::max(N, K) / (1 << 15)));
  if (N <= SKINNY && (csA == 1 || rsA == 1)) {
    // column j of B, contiguous
    std::vector<float> b(N * K);
    for (long j = 0; j < N; j++)
      for (long k = 0; k < K; k++) b[j * K + k] = B[k * rsB + j * csB];
    gk_parallel_ranges(M, nt, [&](long i0, long i1) {
      if (csA == 1) {  // rows of A contiguous: dot products
        for (long i = i0; i < i1; i++)
          for (long j = 0; j < N; j++) {
            const float v = kern.dot(A + i * rsA, b.data() + j * K, K);
            C[i * ldc + j] = accumulate ? C[i * ldc + j] + v : v;
          }
      } else {  // columns of A contiguous: column j of C is a combination of A's columns
        const long n = i1 - i0;
        std::vector<float> col(n);
        for (long j = 0; j < N; j++) {
          // 8 columns of A at a time: a few streams, the partial column stays in L1 (all
          // K columns at once read K lines per 16 results)
          for (long k0 = 0; k0 < K; k0 += 8)
            kern.lincomb(col.data(), b.data() + j * K + k0, A + i0 + k0 * csA, csA, std::min<long>(8, K - k0), n,
                         k0 > 0);
          for (long i = 0; i < n; i++) {
            float* c = C + (i0 + i) * ldc + j;
            *c = accumulate ? *c + col[i] : col[i];
          }
        }
      }
    });
    return true;
  }
  if (K <= SKINNY) {
    // row k of B, contiguous
    std::vector<float> b(K * N);
    for (long k = 0; k < K; k++)
      for (long j = 0; j < N; j++) b[k * N + j] = B[k * rsB + j * csB];
    gk_parallel_ranges(M, nt, [&](long i0, long i1) {
      float coef[SKINNY];
      for (long i = i0; i < i1; i++) {
        for (long k = 0; k < K; k++) coef[k] = A[i * rsA + k * csA];
        kern.lincomb(C + i * ldc, coef, b.data(), N, K, N, accumulate);
      }
    });
    return true;
  }
  return false;
}

void gk_gemm(long M, long N, long K, const float* A, long rsA, long csA, const float* B, long rsB,
             long csB, float* C, long ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (long i = 0; i < M; i++) memset(C + i * ldc, 0, N * sizeof(float));
    return;
  }
  if ((N <= SKINNY || K <= SKINNY) && gemm_skinny(M, N, K, A, rsA, csA, B, rsB, csB, C, ldc, accumulate)) return;
  // Few columns (half a strip at most: self-attention's d(scores) * keys, [196 x 196] *
  // [196 x 8] per image): the micro-kernel would compute NR columns for N of them (at 8
  // of 32, 16 GFLOP/s). C^T = B^T A^T has N rows instead, which a micro-tile takes whole:
  // computed into a scratch block, then transposed into C, each element summed in the same
  // order. Only where A is transposed, so that A^T, B of that product, is read in place
  // (packing it made d(scores) * keys slower: 1.50 against 1.16 ms).
  if (2 * N <= g_kern->nr && M >= 2 * g_kern->nr && rsA == 1) {
    float* t = tl_narrow.get(N * M);
    gemm_tiled(N, M, K, B, csB, rsB, A, csA, rsA, t, M, false, N <= THIN_ROWS);
    for (long i = 0; i < M; i++) {
      float* cr = C + i * ldc;
      if (accumulate) for (long j = 0; j < N; j++) cr[j] += t[j * M + i];
      else for (long j = 0; j < N; j++) cr[j] = t[j * M + i];
    }
    return;
  }
  // B in place for a thin A, packed for a tall one: see gemm_tiled.
  // A times a transposed weight: W read in place up to 256 rows of A (a WGAN-GP critic's
  // batch: its input gradients ran 3-8% faster inside training steps than with W^T packed,
  // taking turns call by call). A small W^T (an attention map's d(scores) = dO * V^T, V
  // [196 x 64] per image) is packed instead: packing it is cheap, and the thin path's
  // transposed tile stores cost more (2.95 against 3.52 ms of CPU for a batch of 64).
  if (M <= THIN_BT_ROWS && rsB == 1 && csB >= K && N * K >= THIN_BT_MIN_W) gemm_thin_bt(M, N, K, A, rsA, csA, B, csB, C, ldc, accumulate);
  else gemm_tiled(M, N, K, A, rsA, csA, B, rsB, csB, C, ldc, accumulate, M <= THIN_ROWS);
}

// ---- convolution, NHWC, through the GEMM with the patch matrix built per block ----

// Writes rows [r0, r0+nr) of the patch matrix (one row per output pixel, kh*kw*cin columns).
// Works a run of output pixels of one output row at a time, so that the source row and
// the bounds are worked out once per tap row and run, not once per value: with an image's
// 1 or 3 channels the index arithmetic was most of the first layer's convolution time.
// Without dilation, the kw taps of a kernel row read kw*cin contiguous floats of the image
// row: one copy per pixel and kernel row where the window lies inside the image (for one
// channel, 4 floats instead of 4 bounds-checked single values: the first layer of a DCGAN
// discriminator spent 60% of its forward pass here).
// A short run (a few channels) copied in a loop; memcpy's call costs more than it.
static inline void copy_floats(float* d, const float* src, long n) {
  if (n < 16) for (long q = 0; q < n; q++) d[q] = src[q];
  else memcpy(d, src, n * sizeof(float));
}

static void im2col_rows(const ConvShape& s, const float* x, long r0, long nr, float* col) {
  const long kcols = s.kh * s.kw * s.cin, per_img = s.oh * s.ow, win = s.kw * s.cin;
  for (long r = 0; r < nr;) {
    const long row = r0 + r;
    const long n = row / per_img, rem = row % per_img;
    const long oy = rem / s.ow, ox0 = rem % s.ow;
    const long run = std::min(nr - r, s.ow - ox0);
    float* dst = col + r * kcols;
    for (long i = 0; i < s.kh; i++) {
      const long iy = oy * s.sh - s.pt + i * s.dh;
      float* di = dst + i * win;
      if (iy < 0 || iy >= s.h) {
        for (long t = 0; t < run; t++) memset(di + t * kcols, 0, win * sizeof(float));
        continue;
      }
      const float* src_row = x + (n * s.h + iy) * s.w * s.cin;
      for (long t = 0; t < run; t++) {
        float* d = di + t * kcols;
        const long ix0 = (ox0 + t) * s.sw - s.pl;
        if (s.dw == 1 && ix0 >= 0 && ix0 + s.kw <= s.w) {
          copy_floats(d, src_row + ix0 * s.cin, win);
          continue;
        }
        for (long j = 0; j < s.kw; j++, d += s.cin) {
          const long ix = ix0 + j * s.dw;
          if (ix < 0 || ix >= s.w) memset(d, 0, s.cin * sizeof(float));
          else copy_floats(d, src_row + ix * s.cin, s.cin);
        }
      }
    }
    r += run;
  }
}

// Adds rows [r0, r0+nr) of a patch-shaped matrix back into the image (the adjoint of
// im2col), a run of output pixels of one output row at a time like im2col_rows, with the
// per-tap adds in the instruction set's vectors (this file itself is built for the
// baseline x86-64: its own loops would add four floats at a time).
static void col2im_rows(const ConvShape& s, const float* col, long r0, long nr, float* x) {
  const long kcols = s.kh * s.kw * s.cin, per_img = s.oh * s.ow;
  const Kern& k = *g_kern;
  for (long r = 0; r < nr;) {
    const long row = r0 + r;
    const long n = row / per_img, rem = row % per_img;
    const long oy = rem / s.ow, ox0 = rem % s.ow;
    const long run = std::min(nr - r, s.ow - ox0);
    const float* src = col + r * kcols;
    for (long i = 0; i < s.kh; i++) {
      const long iy = oy * s.sh - s.pt + i * s.dh;
      if (iy < 0 || iy >= s.h) continue;
      float* dst_row = x + (n * s.h + iy) * s.w * s.cin;
      for (long j = 0; j < s.kw; j++) {
        const float* c = src + (i * s.kw + j) * s.cin;
        for (long t = 0; t < run; t++, c += kcols) {
          const long ix = (ox0 + t) * s.sw - s.pl + j * s.dw;
          if (ix < 0 || ix >= s.w) continue;
          float* d = dst_row + ix * s.cin;
          if (s.cin == 1) d[0] += c[0];
          else if (s.cin < 16) for (long q = 0; q < s.cin; q++) d[q] += c[q];
          else k.add_to(d, c, s.cin);
        }
      }
    }
    r += run;
  }
}

static bool is_pointwise(const ConvShape& s) {
  return s.kh == 1 && s.kw == 1 && s.sh == 1 && s.sw == 1 && s.pt == 0 && s.pl == 0 &&
         s.oh == s.h && s.ow == s.w;
}

void gk_conv2d(const ConvShape& s, const float* x, const float* w, float* y) {
  if (gk_wino_conv2d(s, x, w, y)) return;
  const long rows = s.n * s.oh * s.ow, kcols = s.kh * s.kw * s.cin;
  if (is_pointwise(s)) {
    gk_gemm(rows, s.cout, kcols, x, kcols, 1, w, s.cout, 1, y, s.cout, false);
    return;
  }
  const int NR = g_kern->nr, MR = g_kern->mr;
  const long npad = round_up(s.cout, NR);
  float* wp = tl_packB.get(npad * std::max<long>(kcols, 1));
  pack_b_whole(w, s.cout, 1, kcols, s.cout, wp, NR);
  const PackedB pb{wp, kcols, s.cout, npad};
  // Row blocks sized so the patch block stays near L2.
  long R = std::max<long>(MR, std::min<long>(4 * MC_ROWS, (192 * 1024) / std::max<long>(kcols, 1)));
  R = R / MR * MR;
  const long nblocks = (rows + R - 1) / R;
  const int nt = (int)std::min<long>(gk_threads(), nblocks);
  gk_parallel(nblocks, nt, [&](long b) {
    const long r0 = b * R, nr = std::min(R, rows - r0);
    float* col = tl_col.get(R * kcols);
    im2col_rows(s, x, r0, nr, col);
    gemm_packed(nr, col, kcols, 1, pb, y + r0 * s.cout, s.cout, false);
  });
}

void gk_conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (gk_wino_conv2d_backprop_input(s, dy, w, dx)) return;
  const long kcols = s.kh * s.kw * s.cin;
  if (is_pointwise(s)) {
    // dx[rows, cin] = dy[rows, cout] * W^T
    gk_gemm(s.n * s.h * s.w, s.cin, s.cout, dy, s.cout, 1, w, 1, s.cout, dx, s.cin, false);
    return;
  }
  memset(dx, 0, sizeof(float) * s.n * s.h * s.w * s.cin);
  const int NR = g_kern->nr, MR = g_kern->mr;
  const long npad = round_up(kcols, NR);
  float* wp = tl_packB.get(npad * std::max<long>(s.cout, 1));
  pack_b_whole(w, 1, s.cout, s.cout, kcols, wp, NR);  // B = W^T: [cout x kcols]
  const PackedB pb{wp, s.cout, kcols, npad};
  const long per_img = s.oh * s.ow;
  long R = std::max<long>(MR, std::min<long>(4 * MC_ROWS, (192 * 1024) / std::max<long>(kcols, 1)));
  R = R / MR * MR;
  // Tasks own whole images, so the scatter-add never races.
  const long per_group = std::max<long>(1, R / std::max<long>(per_img, 1));
  const long groups = (s.n + per_group - 1) / per_group;
  const int nt = (int)std::min<long>(gk_threads(), groups);
  gk_parallel(groups, nt, [&](long g) {
    const long rbeg = g * per_group * per_img, rend = std::min(s.n, (g + 1) * per_group) * per_img;
    float* col = tl_col.get(R * kcols);
    for (long r0 = rbeg; r0 < rend; r0 += R) {
      const long nr = std::min(R, rend - r0);
      gemm_packed(nr, dy + r0 * s.cout, s.cout, 1, pb, col, kcols, false);
      col2im_rows(s, col, r0, nr, dx);
    }
  });
}

void gk_conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  if (gk_wino_conv2d_backprop_filter(s, x, dy, dw)) return;
  const long rows = s.n * s.oh * s.ow, kcols = s.kh * s.kw * s.cin;
  if (is_pointwise(s)) {
    // dW[cin, cout] = X^T[cin, rows] * dy[rows, cout]
    gk_gemm(kcols, s.cout, rows, x, 1, kcols, dy, s.cout, 1, dw, s.cout, false);
    return;
  }
  // Rows (the GEMM's K) are dealt round-robin to nt parts, each summing into a dW of its
  // own; the parts are added in a fixed order, so the result does not depend on timing.
  const long R = KC;
  const long nblocks = (rows + R - 1) / R;
  const int nt = (int)std::min<long>(gk_threads(), std::max<long>(1, nblocks / 2));
  const long total = kcols * s.cout;
  std::vector<float> partial(nt > 1 ? (size_t)(nt - 1) * total : 0, 0.f);
  memset(dw, 0, sizeof(float) * total);
  const Kern& kern = *g_kern;
  const int NR = kern.nr, MR = kern.mr;
  // A few patch columns (an image's 1 or 3 channels): each strip of dy is used by one or
  // two micro-tiles only, so packing it cost as much as the arithmetic; read it in place.
  const bool direct = kcols <= 2 * MR && s.cout % NR == 0;
  gk_parallel(nt, nt, [&](long t) {
    float* out = t == 0 ? dw : partial.data() + (size_t)(t - 1) * total;
    float* col = tl_col.get(R * kcols);
    const long npad = round_up(s.cout, NR);
    float* bp = direct ? nullptr : tl_packB.get(npad * R);
    for (long b = t; b < nblocks; b += nt) {
      const long r0 = b * R, nr = std::min(R, rows - r0);
      im2col_rows(s, x, r0, nr, col);
      if (direct) {
        for (long jr = 0; jr < s.cout; jr += NR)
          for (long ir = 0; ir < kcols; ir += MR)
            kern.micro_s(nr, col + ir, 1, kcols, dy + r0 * s.cout + jr, s.cout, out + ir * s.cout + jr, s.cout,
                         (int)std::min<long>(MR, kcols - ir), 1);
        continue;
      }
      pack_b(dy + r0 * s.cout, s.cout, 1, nr, s.cout, bp, NR);
      const PackedB pb{bp, nr, s.cout, npad};
      // A = col^T: element (i, k) = col[k * kcols + i]
      gemm_packed(kcols, col, 1, kcols, pb, out, s.cout, true);
    }
  });
  for (int t = 1; t < nt; t++) {
    const float* p = partial.data() + (size_t)(t - 1) * total;
    for (long i = 0; i < total; i++) dw[i] += p[i];
  }
}
