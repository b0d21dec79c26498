// Winograd's minimal filtering for the stride-2, 4x4 convolutions of DCGANs, their input
// gradient (F(4x4, 2x2)) and their filter gradient (F(2x2, 4x4)).
//
// A 4x4 kernel at stride 2 splits by the parity of its taps into four 2x2 kernels at
// stride 1 (polyphase):
// - forward: y = the sum over the four input phases (x's even/odd rows and columns) of a
//   2x2 correlation, i.e. one 2x2 correlation over 4*cin channels;
// - input gradient (the transposed convolution): each of the four output phases of dx
//   (its even/odd rows and columns) is a 2x2 correlation of dy with one sub-kernel.
// A 2x2 correlation with Winograd's F(4,2) (points 0, 1, -1, 2, infinity) needs 25
// products per 4x4 output tile instead of 64, so the GEMMs do 25/64 of the direct
// method's arithmetic: 25 GEMMs [tiles x K] * [K x N], one per transform point, between
// a transform of the input tiles and one back to the output. With 7x7 outputs (MNIST's
// DCGAN) the tiles cover 8x8, so it is 0.51 of the direct work, not 0.39.
//
// The filter gradient correlates each 5x5 input tile with a 4x4 tile of dy into the 2x2
// taps: F(2x2, 4x4), the same 5 points, the same input transform, 25 GEMMs summing over
// the tiles (wino_f24_filter).
//
// Float32 error: about 1e-5 of the output's largest value, against float64 on random
// data summed over 256 channels (the direct method's is about 1e-6); the tests hold all
// three to the cpu backend's results at 1e-4, and measured 2e-6 to 1e-5 (scratch harness).
#include "winograd.h"

#include "scratch_buffer.h"
#include "threads.h"

#include <algorithm>
#include <vector>

namespace {

bool g_enabled = true;

thread_local ScratchBuffer tl_u, tl_v, tl_m, tl_tmp;

constexpr int A = 5;  // transform points: 0, 1, -1, 2, infinity
constexpr int T2 = A * A;

// Input transform B^T d (rows scaled by 2, 2, 6, 6, 1; the filter transform divides them
// back out, so their product is unchanged and the input side stays in small integers).
// (Arguments never alias: __restrict lets the compiler vectorise the loops.)
inline void in_1d(const float* __restrict d0, const float* __restrict d1, const float* __restrict d2,
                  const float* __restrict d3, const float* __restrict d4, float* __restrict v0,
                  float* __restrict v1, float* __restrict v2, float* __restrict v3, float* __restrict v4,
                  long n) {
  for (long c = 0; c < n; c++) {
    const float a0 = d0[c], a1 = d1[c], a2 = d2[c], a3 = d3[c], a4 = d4[c];
    v0[c] = 2 * a0 - a1 - 2 * a2 + a3;
    v1[c] = 2 * a1 + a2 - a3;
    v2[c] = -2 * a1 + 3 * a2 - a3;
    v3[c] = a3 - a1;
    v4[c] = 2 * a1 - a2 - 2 * a3 + a4;
  }
}

// Filter transform G g, with the input transform's row scales divided out.
inline void filt_1d(float g0, float g1, float* u) {
  u[0] = g0 * 0.5f;
  u[1] = (g0 + g1) * 0.5f;
  u[2] = (g0 - g1) * (1.f / 6.f);
  u[3] = (g0 + 2 * g1) * (1.f / 6.f);
  u[4] = g1;
}

// Output transform A^T m.
inline void out_1d(const float* __restrict m0, const float* __restrict m1, const float* __restrict m2,
                   const float* __restrict m3, const float* __restrict m4, float* __restrict y0,
                   float* __restrict y1, float* __restrict y2, float* __restrict y3, long n) {
  for (long c = 0; c < n; c++) {
    const float a1 = m1[c], a2 = m2[c], a3 = m3[c];
    const float s = a1 + a2, d = a1 - a2;
    y0[c] = m0[c] + s + a3;
    y1[c] = d + 2 * a3;
    y2[c] = s + 4 * a3;
    y3[c] = d + 8 * a3 + m4[c];
  }
}

// Where the 5x5 input tile of output tile (ty, tx), plane p, comes from:
// image row step * (4 * ty + u) + offy[p], column likewise; outside the image reads zero.
struct Input {
  const float* src;
  long H, W, C, step;
  int planes;
  long offy[4], offx[4];
};
// The N columns are `groups` outputs of N / groups columns each (the input gradient's
// four phases computed at once; 1 otherwise). Where tap (a, b) of the 2x2 kernel of plane
// p and group o lies in the [4, 4, cin, cout] filter: row ky0[p][o] + kdy * a, column
// kx0[p][o] + kdx * b; element (k, n) of the group's [K, N / groups] matrix at
// k * sk + n * sn from there.
struct Filter {
  const float* w;
  long cin, cout;
  int groups;
  long ky0[4][4], kx0[4][4], kdy, kdx, sk, sn;
  // Offset in the [4, 4, cin, cout] filter of tap (a, b) of plane p, group o, row k = c.
  long tap(int p, int o, int a, int b, long c) const {
    return ((ky0[p][o] + kdy * a) * 4 + kx0[p][o] + kdx * b) * cin * cout + c * sk;
  }
};
// Where element (i, j) of tile (ty, tx) goes, for group o: row
// step * (4 * ty + shift_y[o] + i) + offy[o], written where 0 <= 4 * ty + shift_y[o] + i < ph[o],
// and columns likewise. The tiles of a group may start before its first row (shift -1)
// so that all groups read the same input tiles.
struct Output {
  float* dst;
  long H, W, C, step;
  int groups;
  long offy[4], offx[4], shift_y[4], shift_x[4], ph[4], pw[4];
};

// V[q * qstride + p * C + c] = (B^T d B)[q] for the 5x5 input tile d of tile t, plane p,
// channel c (tiles numbered image by image, TY x TX per image).
void input_tile(const Input& in, long t, long TY, long TX, float* V, long qstride, float* tmp, const float* zero) {
  const long C = in.C;
  const long img = t / (TY * TX), ty = (t / TX) % TY, tx = t % TX;
  for (int p = 0; p < in.planes; p++) {
    const float* d[A][A];
    for (int u = 0; u < A; u++) {
      const long iy = in.step * (4 * ty + u) + in.offy[p];
      for (int v = 0; v < A; v++) {
        const long ix = in.step * (4 * tx + v) + in.offx[p];
        d[u][v] = (iy < 0 || iy >= in.H || ix < 0 || ix >= in.W) ? zero : in.src + ((img * in.H + iy) * in.W + ix) * C;
      }
    }
    // rows: tmp[xi][v] = sum_u B^T[xi][u] d[u][v]
    for (int v = 0; v < A; v++)
      in_1d(d[0][v], d[1][v], d[2][v], d[3][v], d[4][v], tmp + (0 * A + v) * C, tmp + (1 * A + v) * C,
            tmp + (2 * A + v) * C, tmp + (3 * A + v) * C, tmp + (4 * A + v) * C, C);
    // columns, straight into V
    for (int x = 0; x < A; x++) {
      const float* r = tmp + x * A * C;
      float* dst[A];
      for (int y = 0; y < A; y++) dst[y] = V + (x * A + y) * qstride + p * C;
      in_1d(r, r + C, r + 2 * C, r + 3 * C, r + 4 * C, dst[0], dst[1], dst[2], dst[3], dst[4], C);
    }
  }
}

// Tiles per block: a block's input transform (25 x tiles x K) and products (25 x tiles x N)
// stay in cache between the three steps that use them, and 32 tiles give the GEMMs rows
// enough for the packed filter streamed past them (16, 48 and 64 measured the same inside
// a DCGAN step). Rows are independent, so the block size never changes the result.
constexpr long TILES_PER_BLOCK = 32;

// out = the 2x2 correlation of the input planes with the filter, by F(4,2), over TY x TX
// tiles per image.
void wino_f42(long n, long TY, long TX, const Input& in, const Filter& f, long N, const Output& out) {
  const long T = n * TY * TX;
  const long C = in.C, K = in.planes * C;
  const int nt = gk_threads();
  const long usize = gk_packed_b_size(K, N);
  float* U = tl_u.get(T2 * usize);
  if (N % gk_kern()->nr) memset(U, 0, T2 * usize * sizeof(float));  // the padding columns

  // U[q] = (G g G^T)[q] for the 2x2 kernel g of (k, n), q = xi * 5 + nu, packed for the
  // GEMM. KB rows k by JB columns n at a time, gathered in L, then copied to where they are
  // packed: KB consecutive rows of a strip are contiguous, so each copy is one block
  // (written row by row straight into the packed layout, the 25 x N / NR scattered
  // streams made it several times slower).
  constexpr long KB = 8, JB = 64;
  gk_parallel((K + KB - 1) / KB, nt, [&](long kb) {
    alignas(64) float L[T2][KB][JB];
    float g[4][JB], r[2][A][JB];
    const long NR = gk_kern()->nr;
    const long k0 = kb * KB, nk = std::min(KB, K - k0);
    const long NS = N / f.groups;
    for (long n0 = 0, nj; n0 < N; n0 += nj) {
      const int o = (int)(n0 / NS);  // a block never straddles two groups
      const long j0 = n0 - o * NS;
      nj = std::min(JB, NS - j0);
      for (long kk = 0; kk < nk; kk++) {
        const long k = k0 + kk;
        const int p = (int)(k / C);
        const long c = k % C;
        for (int a = 0; a < 2; a++)
          for (int b = 0; b < 2; b++) {
            const float* src = f.w + f.tap(p, o, a, b, c) + j0 * f.sn;
            float* d = g[a * 2 + b];
            if (f.sn == 1) memcpy(d, src, nj * sizeof(float));
            else for (long j = 0; j < nj; j++) d[j] = src[j * f.sn];
          }
        // down the kernel's columns b: r[b][x] = sum_a G[x][a] g[a][b]
        for (int b = 0; b < 2; b++)
          for (long j = 0; j < nj; j++) {
            float u[A];
            filt_1d(g[b][j], g[2 + b][j], u);
            for (int x = 0; x < A; x++) r[b][x][j] = u[x];
          }
        // across: U[x][y] = sum_b G[y][b] r[b][x]
        for (int x = 0; x < A; x++)
          for (long j = 0; j < nj; j++) {
            float u[A];
            filt_1d(r[0][x][j], r[1][x][j], u);
            for (int y = 0; y < A; y++) L[x * A + y][kk][j] = u[y];
          }
      }
      // copy out in pieces that stay inside one strip of NR packed columns
      for (long jj = 0; jj < nj;) {
        const long col = n0 + jj, m = std::min(nj - jj, NR - col % NR);
        for (int q = 0; q < T2; q++) {
          float* dst = gk_packed_b_at(U + q * usize, K, N, k0, col);  // KB never straddles a KC block
          for (long kk = 0; kk < nk; kk++) memcpy(dst + kk * NR, &L[q][kk][jj], m * sizeof(float));
        }
        jj += m;
      }
    }
  });

  // Each task: a block of tiles through input transform, 25 GEMMs, output transform.
  const long TB = std::min(TILES_PER_BLOCK, T);
  const long blocks = (T + TB - 1) / TB;
  gk_parallel(blocks, (int)std::min<long>(nt, blocks), [&](long blk) {
    const long t0 = blk * TB, tb = std::min(TB, T - t0);
    float* V = tl_v.get(T2 * TB * K);
    float* M = tl_m.get(T2 * TB * N);
    float* tmp = tl_tmp.get(std::max(T2 * C, 4 * A * N + 16 * N));
    const std::vector<float> zero(C, 0.f);  // what a tile reads outside the image

    // V[q][t][k] = (B^T d B)[q] for the input tile d of (t, k)
    for (long t = t0; t < t0 + tb; t++) input_tile(in, t, TY, TX, V + (t - t0) * K, TB * K, tmp, zero.data());

    // M[q] = V[q] * U[q]
    for (int q = 0; q < T2; q++)
      gk_gemm_prepacked(tb, V + q * TB * K, K, 1, U + q * usize, K, N, M + q * TB * N, N, false);

    // out tile = A^T m A
    float* res = tmp + 4 * A * N;
    for (long t = t0; t < t0 + tb; t++) {
      const long img = t / (TY * TX), ty = (t / TX) % TY, tx = t % TX;
      // rows: tmp[i][nu] = sum_xi A^T[i][xi] m[xi][nu]
      for (int y = 0; y < A; y++) {
        const float* m[A];
        for (int x = 0; x < A; x++) m[x] = M + ((x * A + y) * TB + (t - t0)) * N;
        out_1d(m[0], m[1], m[2], m[3], m[4], tmp + (0 * A + y) * N, tmp + (1 * A + y) * N,
               tmp + (2 * A + y) * N, tmp + (3 * A + y) * N, N);
      }
      for (int i = 0; i < 4; i++) {
        const float* r = tmp + i * A * N;
        out_1d(r, r + N, r + 2 * N, r + 3 * N, r + 4 * N, res + (i * 4 + 0) * N, res + (i * 4 + 1) * N,
               res + (i * 4 + 2) * N, res + (i * 4 + 3) * N, N);
      }
      const long NS = N / out.groups;
      for (int o = 0; o < out.groups; o++)
        for (int i = 0; i < 4; i++) {
          const long py = 4 * ty + out.shift_y[o] + i;
          if (py < 0 || py >= out.ph[o]) continue;
          const long oy = out.step * py + out.offy[o];
          for (int j = 0; j < 4; j++) {
            const long px = 4 * tx + out.shift_x[o] + j;
            if (px < 0 || px >= out.pw[o]) continue;
            const long ox = out.step * px + out.offx[o];
            memcpy(out.dst + ((img * out.H + oy) * out.W + ox) * out.C, res + (i * 4 + j) * N + o * NS,
                   NS * sizeof(float));
          }
        }
    }
  });
}

// The filter gradient by F(2x2, 4x4): over each 4x4 tile of dy, the 2x2 kernel's taps
// gather the 5x5 input tile correlated with the dy tile, so dW = A^T [sum over tiles of
// (G' e G'^T) * (B^T d B)] A with e the dy tile: the same input transform as the forward
// pass, and 25 GEMMs that sum over the tiles (points 0, 1, -1, 2, infinity again).
//
// dy transform G' e, 4 taps to 5 points, with the input transform's row scales divided out.
inline void dy_1d(const float* __restrict e0, const float* __restrict e1, const float* __restrict e2,
                  const float* __restrict e3, float* __restrict u0, float* __restrict u1, float* __restrict u2,
                  float* __restrict u3, float* __restrict u4, long n) {
  for (long c = 0; c < n; c++) {
    const float a0 = e0[c], a1 = e1[c], a2 = e2[c], a3 = e3[c];
    const float even = a0 + a2, odd = a1 + a3;
    u0[c] = a0 * 0.5f;
    u1[c] = (even + odd) * 0.5f;
    u2[c] = (even - odd) * (1.f / 6.f);
    u3[c] = (a0 + 2 * a1 + 4 * a2 + 8 * a3) * (1.f / 6.f);
    u4[c] = a3;
  }
}

// Output transform for two taps: A'^T m.
inline void taps_1d(const float* __restrict m0, const float* __restrict m1, const float* __restrict m2,
                    const float* __restrict m3, const float* __restrict m4, float* __restrict w0,
                    float* __restrict w1, long n) {
  for (long c = 0; c < n; c++) {
    const float d = m1[c] - m2[c];
    w0[c] = m0[c] + m1[c] + m2[c] + m3[c];
    w1[c] = d + 2 * m3[c] + m4[c];
  }
}

// dW of the 2x2 correlations: dw(p, a, b)[c][n] for plane p's taps, dy [n, TY*4.., TX*4.., N]
// read where rows < dh and columns < dw (the tiles cover dy).
void wino_f24_filter(long n, const Input& in, const float* dy, long dh, long dwid, long N, float* dw,
                     const Filter& f) {
  const long TY = (dh + 3) / 4, TX = (dwid + 3) / 4, T = n * TY * TX;
  const long C = in.C, K = in.planes * C;
  const int nt = gk_threads();
  float* V = tl_v.get(T2 * T * K);
  float* E = tl_m.get(T2 * T * N);
  float* W = tl_u.get(T2 * K * N);

  // V[q][t][k] and E[q][t][n], for all tiles (the GEMMs sum over them)
  gk_parallel_ranges(T, nt, [&](long t0, long t1) {
    float* tmp = tl_tmp.get(std::max(T2 * C, 5 * 4 * N));
    const std::vector<float> zero(std::max(C, N), 0.f);
    for (long t = t0; t < t1; t++) {
      input_tile(in, t, TY, TX, V + t * K, T * K, tmp, zero.data());
      const long img = t / (TY * TX), ty = (t / TX) % TY, tx = t % TX;
      const float* e[4][4];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
          const long y = 4 * ty + i, x = 4 * tx + j;
          e[i][j] = (y < dh && x < dwid) ? dy + ((img * dh + y) * dwid + x) * N : zero.data();
        }
      // rows: tmp[xi][j] = sum_i G'[xi][i] e[i][j]
      for (int j = 0; j < 4; j++)
        dy_1d(e[0][j], e[1][j], e[2][j], e[3][j], tmp + (0 * 4 + j) * N, tmp + (1 * 4 + j) * N,
              tmp + (2 * 4 + j) * N, tmp + (3 * 4 + j) * N, tmp + (4 * 4 + j) * N, N);
      for (int x = 0; x < A; x++) {
        const float* r = tmp + x * 4 * N;
        float* dst[A];
        for (int y = 0; y < A; y++) dst[y] = E + ((x * A + y) * T + t) * N;
        dy_1d(r, r + N, r + 2 * N, r + 3 * N, dst[0], dst[1], dst[2], dst[3], dst[4], N);
      }
    }
  });
  // W[q] = V[q]^T E[q], [K x N] summed over the tiles; each point's rows in two halves so
  // that 50 tasks share out evenly. Each element is one GEMM's sum: no partial sums, so the
  // result does not depend on the thread count.
  const long KH = (K + 1) / 2;
  gk_parallel(2 * T2, nt, [&](long task) {
    const long q = task / 2, k0 = (task % 2) * KH, k1 = std::min(K, k0 + KH);
    if (k1 > k0)
      gk_gemm(k1 - k0, N, T, V + q * T * K + k0, 1, K, E + q * T * N, N, 1, W + q * K * N + k0 * N, N, false);
  });
  // dw taps from the 25 points: A'^T W A', each step over the N columns of a row k
  gk_parallel_ranges(K, nt, [&](long k0, long k1) {
    float* r = tl_tmp.get(2 * A * N + 2 * N);  // r[a][nu][n] = sum_xi A'^T[a][xi] W[xi][nu][n]
    float* w = r + 2 * A * N;
    for (long k = k0; k < k1; k++) {
      const int p = (int)(k / C);
      const long c = k % C;
      for (int y = 0; y < A; y++) {
        const float* m[A];
        for (int x = 0; x < A; x++) m[x] = W + ((x * A + y) * K + k) * N;
        taps_1d(m[0], m[1], m[2], m[3], m[4], r + y * N, r + (A + y) * N, N);
      }
      for (int a = 0; a < 2; a++) {
        const float* ra = r + a * A * N;
        taps_1d(ra, ra + N, ra + 2 * N, ra + 3 * N, ra + 4 * N, w, w + N, N);
        for (int b = 0; b < 2; b++) {
          float* dst = dw + f.tap(p, 0, a, b, c);
          if (f.sn == 1) memcpy(dst, w + b * N, N * sizeof(float));
          else for (long j = 0; j < N; j++) dst[j * f.sn] = w[b * N + j];
        }
      }
    }
  });
}

// Winograd pays for its transforms when the GEMMs are large: measured (C++ harness, 2
// threads), 64 or more output tiles and 32 or more channels both sides won every shape
// tried (up to 1.9x); a batch of 16 8x8 images (16 tiles) or 16 channels lost.
bool eligible(const ConvShape& s, long oh, long ow) {
  const long tiles = s.n * ((oh + 3) / 4) * ((ow + 3) / 4);
  return g_enabled && s.kh == 4 && s.kw == 4 && s.sh == 2 && s.sw == 2 && s.dh == 1 && s.dw == 1 &&
         s.cin >= 32 && s.cout >= 32 && tiles >= 64;
}

inline long mod2(long v) { return ((v % 2) + 2) % 2; }

// The forward pass and the filter gradient read x the same way: input phase (p, q) holds
// x[2 i + p - pt, 2 j + q - pl], and its kernel taps are (2a + p, 2b + q).
struct Polyphase {
  Input in;
  Filter f;
};
Polyphase polyphase(const ConvShape& s, const float* x, const float* w) {
  Polyphase r{{x, s.h, s.w, s.cin, 2, 4, {}, {}}, {w, s.cin, s.cout, 1, {}, {}, 2, 2, s.cout, 1}};
  for (int p = 0; p < 4; p++) {
    const int py = p / 2, px = p % 2;
    r.in.offy[p] = py - s.pt;
    r.in.offx[p] = px - s.pl;
    r.f.ky0[p][0] = py;
    r.f.kx0[p][0] = px;
  }
  return r;
}

}  // namespace

void gk_set_winograd(bool on) { g_enabled = on; }
bool gk_winograd() { return g_enabled; }

bool gk_wino_conv2d(const ConvShape& s, const float* x, const float* w, float* y) {
  if (!eligible(s, s.oh, s.ow)) return false;
  const Polyphase pp = polyphase(s, x, w);
  Output out{y, s.oh, s.ow, s.cout, 1, 1, {0}, {0}, {0}, {0}, {s.oh}, {s.ow}};
  wino_f42(s.n, (s.oh + 3) / 4, (s.ow + 3) / 4, pp.in, pp.f, s.cout, out);
  return true;
}

bool gk_wino_conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (!eligible(s, (s.h + 1) / 2, (s.w + 1) / 2)) return false;  // the output phases' size
  // dx row 2 i + r gets the taps ky = 2 a + p with p = (r + pt) mod 2, from dy row
  // i + c - a, c = (r + pt - p) / 2: a 2x2 correlation of dy rows i + c - 1 .. i + c with
  // the taps reversed (a' = 1 - a). Likewise for columns. Phase (r, c) is group r * 2 + c.
  long ph[2], py[2], cy[2], pw[2], px[2], cx[2];
  for (int r = 0; r < 2; r++) {
    ph[r] = (s.h - r + 1) / 2;
    py[r] = mod2(r + s.pt);
    cy[r] = (r + s.pt - py[r]) / 2;
    pw[r] = (s.w - r + 1) / 2;
    px[r] = mod2(r + s.pl);
    cx[r] = (r + s.pl - px[r]) / 2;
  }
  // All four phases at once read the same dy tiles when each phase's tiles start where
  // its window does: a phase whose window starts a row later starts its tiles a row
  // earlier (shift -1). That costs a row of tiles more unless the phases' last tile
  // has room (7 rows: tiles cover -1..6 as well as 0..7); then the phases go one by one.
  const long oy = std::min(cy[0], cy[1]), ox = std::min(cx[0], cx[1]);
  auto tiles = [](const long* extent, const long* start, long o) {
    long t = 0;
    for (int r = 0; r < 2; r++) t = std::max(t, (extent[r] + start[r] - o + 3) / 4);
    return t;
  };
  const long zero2[2] = {0, 0};
  const long TYs = tiles(ph, zero2, 0), TXs = tiles(pw, zero2, 0);
  const long TYc = tiles(ph, cy, oy), TXc = tiles(pw, cx, ox);
  if (TYc * TXc <= TYs * TXs) {
    Input in{dy, s.oh, s.ow, s.cout, 1, 1, {oy - 1}, {ox - 1}};
    Filter f{w, s.cin, s.cout, 4, {}, {}, -2, -2, 1, s.cout};
    Output out{dx, s.h, s.w, s.cin, 2, 4, {}, {}, {}, {}, {}, {}};
    for (int r = 0; r < 2; r++)
      for (int c = 0; c < 2; c++) {
        const int o = r * 2 + c;
        f.ky0[0][o] = py[r] + 2;
        f.kx0[0][o] = px[c] + 2;
        out.offy[o] = r;
        out.offx[o] = c;
        out.shift_y[o] = oy - cy[r];
        out.shift_x[o] = ox - cx[c];
        out.ph[o] = ph[r];
        out.pw[o] = pw[c];
      }
    wino_f42(s.n, TYc, TXc, in, f, 4 * s.cin, out);
    return true;
  }
  for (int r = 0; r < 2; r++)
    for (int c = 0; c < 2; c++) {
      if (ph[r] <= 0 || pw[c] <= 0) continue;
      Input in{dy, s.oh, s.ow, s.cout, 1, 1, {cy[r] - 1}, {cx[c] - 1}};
      Filter f{w, s.cin, s.cout, 1, {{py[r] + 2}}, {{px[c] + 2}}, -2, -2, 1, s.cout};
      Output out{dx, s.h, s.w, s.cin, 2, 1, {r}, {c}, {0}, {0}, {ph[r]}, {pw[c]}};
      wino_f42(s.n, (ph[r] + 3) / 4, (pw[c] + 3) / 4, in, f, s.cin, out);
    }
  return true;
}

bool gk_wino_conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  if (!eligible(s, s.oh, s.ow)) return false;
  const Polyphase pp = polyphase(s, x, dw);  // the filter's layout, for where dw's taps go
  wino_f24_filter(s.n, pp.in, dy, s.oh, s.ow, s.cout, dw, pp.f);
  return true;
}
