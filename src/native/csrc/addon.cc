// Node-API entry points of gankit's native backend. Every function works in place on
// Float32Arrays that the TypeScript side owns (zero-copy): inputs are read, outputs are
// written, nothing is allocated on the JavaScript heap here.
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#include <sched.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gemm.h"
#include "scratch_buffer.h"
#include "winograd.h"

namespace {

struct Arr {
  void* data = nullptr;
  size_t length = 0;  // elements
  napi_typedarray_type type = napi_float32_array;
};

#define CHECK(call)                                                          \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      napi_throw_error(env, nullptr, "gankit_native: bad call " #call);      \
      return nullptr;                                                        \
    }                                                                        \
  } while (0)

#define THROW(msg)                                  \
  do {                                              \
    napi_throw_error(env, nullptr, "gankit_native: " msg); \
    return nullptr;                                 \
  } while (0)

bool get_arr(napi_env env, napi_value v, Arr* out) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_value ab;
  size_t off;
  return napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &ab, &off) == napi_ok;
}

bool is_null(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_null || t == napi_undefined;
}

double num(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

struct Args {
  napi_value v[24];
  size_t n = 24;
};

bool args(napi_env env, napi_callback_info info, Args* a, size_t need) {
  if (napi_get_cb_info(env, info, &a->n, a->v, nullptr, nullptr) != napi_ok) return false;
  return a->n >= need;
}

#define F32(i, name)                                                            \
  Arr name;                                                                     \
  if (!get_arr(env, a.v[i], &name) || name.type != napi_float32_array)          \
    THROW("argument " #i " must be a Float32Array");
#define F32P(name) ((float*)name.data)

// Elementwise work is split between threads only above this many elements.
const long kParallelMin = 1 << 15;

int threads_for(long n, long grain = kParallelMin) {
  if (n < grain) return 1;
  return (int)std::min<long>(gk_threads(), n / grain + 1);
}

size_t elem_size(napi_typedarray_type t) {
  switch (t) {
    case napi_float32_array: case napi_int32_array: case napi_uint32_array: return 4;
    case napi_uint8_array: case napi_int8_array: return 1;
    default: return 0;
  }
}

// The furthest element (+1) a walk over `shape` at `strides` from `offset` reaches, or -1
// for a negative stride or offset; 0 for an empty shape.
long extent(const int32_t* shape, const int32_t* strides, int nd, long offset) {
  if (offset < 0) return -1;
  long last = offset;
  for (int d = 0; d < nd; d++) {
    if (shape[d] == 0) return 0;
    if (strides[d] < 0 || shape[d] < 0) return -1;
    last += (long)(shape[d] - 1) * strides[d];
  }
  return last + 1;
}

// ---- info / settings ----

// CPUs this process may run on (its affinity mask), as OpenMP's omp_get_num_procs counted.
int online_cpus() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n ? (int)n : 1;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value o, s, t, m;
  CHECK(napi_create_object(env, &o));
  CHECK(napi_create_string_utf8(env, gk_kern()->name, NAPI_AUTO_LENGTH, &s));
  CHECK(napi_set_named_property(env, o, "isa", s));
  CHECK(napi_create_int32(env, gk_threads(), &t));
  CHECK(napi_set_named_property(env, o, "threads", t));
  CHECK(napi_create_int32(env, online_cpus(), &m));
  CHECK(napi_set_named_property(env, o, "cpus", m));
  napi_value wg;
  CHECK(napi_get_boolean(env, gk_winograd(), &wg));
  CHECK(napi_set_named_property(env, o, "winograd", wg));
  napi_value list;
  CHECK(napi_create_array(env, &list));
  uint32_t i = 0;
  for (const Kern* k : {kern_avx512, kern_avx2, kern_generic}) {
    if (!k) continue;
    bool ok = true;
#if defined(__x86_64__) && defined(__GNUC__)
    if (k == kern_avx512)
      ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("fma");
    if (k == kern_avx2) ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    if (!ok) continue;
    napi_value nm;
    CHECK(napi_create_string_utf8(env, k->name, NAPI_AUTO_LENGTH, &nm));
    CHECK(napi_set_element(env, list, i++, nm));
  }
  CHECK(napi_set_named_property(env, o, "supported", list));
  return o;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 1)) THROW("setThreads(n)");
  gk_set_threads((int)num(env, a.v[0]));
  return nullptr;
}

napi_value SetWinograd(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 1)) THROW("setWinograd(on)");
  bool on;
  CHECK(napi_get_value_bool(env, a.v[0], &on));
  gk_set_winograd(on);
  return nullptr;
}

napi_value SetIsa(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 1)) THROW("setIsa(name)");
  char buf[32];
  size_t len;
  CHECK(napi_get_value_string_utf8(env, a.v[0], buf, sizeof buf, &len));
  std::string name(buf, len);
  for (const Kern* k : {kern_avx512, kern_avx2, kern_generic})
    if (k && name == k->name) {
      gk_set_kern(k);
      return nullptr;
    }
  THROW("unknown instruction set");
}

// ---- activation epilogue used by the fused matmul and conv ----

void epilogue(float* y, long rows, long cols, const float* bias, int act, float alpha) {
  const Kern& k = *gk_kern();
  const long n = rows * cols;
  const int nt = threads_for(n);
  gk_parallel_ranges(rows, nt, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      float* yr = y + r * cols;
      if (bias)
        for (long c = 0; c < cols; c++) yr[c] += bias[c];
      if (act >= 0) k.unary(act, yr, yr, cols, alpha);
    }
  });
}

// matmul(a, b, out, batch, M, N, K, transA, transB, aBatchStride, bBatchStride, bias, act, alpha[, accumulate])
// accumulate: out += a * b (no bias or activation then): a sum of products written once.
napi_value MatMul(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 14)) THROW("matmul: 14 arguments");
  F32(0, A);
  F32(1, B);
  F32(2, C);
  const long batch = (long)num(env, a.v[3]), M = (long)num(env, a.v[4]), N = (long)num(env, a.v[5]),
             K = (long)num(env, a.v[6]);
  bool ta, tb;
  napi_get_value_bool(env, a.v[7], &ta);
  napi_get_value_bool(env, a.v[8], &tb);
  const long sA = (long)num(env, a.v[9]), sB = (long)num(env, a.v[10]);
  Arr bias;
  const float* biasp = nullptr;
  if (!is_null(env, a.v[11])) {
    if (!get_arr(env, a.v[11], &bias) || (long)bias.length != N) THROW("matmul: bias length");
    biasp = F32P(bias);
  }
  const int act = (int)num(env, a.v[12]);
  const float alpha = (float)num(env, a.v[13]);
  bool accumulate = false;
  if (a.n > 14) napi_get_value_bool(env, a.v[14], &accumulate);
  if (accumulate && (biasp || act >= 0)) THROW("matmul: accumulate with a bias or activation");
  if (batch < 0 || M < 0 || N < 0 || K < 0 || sA < 0 || sB < 0) THROW("matmul: negative size");
  if ((long)C.length < batch * M * N) THROW("matmul: output too small");
  if (batch > 0 && (long)A.length < (batch - 1) * sA + M * K) THROW("matmul: a is smaller than its shape");
  if (batch > 0 && (long)B.length < (batch - 1) * sB + K * N) THROW("matmul: b is smaller than its shape");
  const long rsA = ta ? 1 : K, csA = ta ? M : 1, rsB = tb ? 1 : N, csB = tb ? K : 1;
  const float *pa = F32P(A), *pb = F32P(B);
  float* pc = F32P(C);
  auto product = [&](long i) { gk_gemm(M, N, K, pa + i * sA, rsA, csA, pb + i * sB, rsB, csB, pc + i * M * N, N, accumulate); };
  // A batch of many or small products (an attention map's, [196 x 8] * [8 x 196] per
  // image): one product per task on one thread, not each product split between the
  // threads with a hand-off per product (64 of them per kernel). The threads a product
  // runs on change how its tiles are shared out, never the order of its sums.
  const int nt = gk_threads();
  if (batch >= 2 && nt > 1 && (batch >= 4L * nt || 2.0 * M * N * K < 8e6)) gk_parallel(batch, nt, product);
  else
    for (long i = 0; i < batch; i++) product(i);
  if (biasp || act >= 0) epilogue(F32P(C), batch * M, N, biasp, act, alpha);
  return nullptr;
}

bool conv_shape(napi_env env, napi_value v, ConvShape* s) {
  Arr d;
  if (!get_arr(env, v, &d) || d.type != napi_int32_array || d.length < 15) return false;
  const int32_t* p = (const int32_t*)d.data;
  *s = ConvShape{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]};
  return true;
}

// Sizes a convolution may take: none negative, strides and dilations at least 1. (The
// kernels read the input only inside its bounds, wherever the windows fall.)
bool conv_inputs_fit(const ConvShape& s) {
  if (s.n < 0 || s.h < 1 || s.w < 1 || s.cin < 1 || s.kh < 1 || s.kw < 1 || s.cout < 1 || s.oh < 0 || s.ow < 0) return false;
  return s.sh >= 1 && s.sw >= 1 && s.dh >= 1 && s.dw >= 1 && s.pt >= 0 && s.pl >= 0;
}

// conv2d(x, w, y, dims, bias, act, alpha)
napi_value Conv2D(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 7)) THROW("conv2d: 7 arguments");
  F32(0, X);
  F32(1, W);
  F32(2, Y);
  ConvShape s;
  if (!conv_shape(env, a.v[3], &s)) THROW("conv2d: dims");
  if (!conv_inputs_fit(s)) THROW("conv2d: bad dims");
  if ((long)X.length < s.n * s.h * s.w * s.cin) THROW("conv2d: x is smaller than n * h * w * cin");
  if ((long)W.length < s.kh * s.kw * s.cin * s.cout) THROW("conv2d: filter is smaller than kh * kw * cin * cout");
  if ((long)Y.length < s.n * s.oh * s.ow * s.cout) THROW("conv2d: output too small");
  const float* biasp = nullptr;
  Arr bias;
  if (!is_null(env, a.v[4])) {
    if (!get_arr(env, a.v[4], &bias) || (long)bias.length != s.cout) THROW("conv2d: bias length");
    biasp = F32P(bias);
  }
  gk_conv2d(s, F32P(X), F32P(W), F32P(Y));
  const int act = (int)num(env, a.v[5]);
  if (biasp || act >= 0) epilogue(F32P(Y), s.n * s.oh * s.ow, s.cout, biasp, act, (float)num(env, a.v[6]));
  return nullptr;
}

napi_value Conv2DBackpropInput(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 4)) THROW("conv2dBackpropInput: 4 arguments");
  F32(0, DY);
  F32(1, W);
  F32(2, DX);
  ConvShape s;
  if (!conv_shape(env, a.v[3], &s)) THROW("conv2dBackpropInput: dims");
  if (!conv_inputs_fit(s)) THROW("conv2dBackpropInput: bad dims");
  if ((long)DY.length < s.n * s.oh * s.ow * s.cout) THROW("conv2dBackpropInput: dy is smaller than n * oh * ow * cout");
  if ((long)W.length < s.kh * s.kw * s.cin * s.cout) THROW("conv2dBackpropInput: filter is smaller than kh * kw * cin * cout");
  if ((long)DX.length < s.n * s.h * s.w * s.cin) THROW("conv2dBackpropInput: output too small");
  gk_conv2d_backprop_input(s, F32P(DY), F32P(W), F32P(DX));
  return nullptr;
}

napi_value Conv2DBackpropFilter(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 4)) THROW("conv2dBackpropFilter: 4 arguments");
  F32(0, X);
  F32(1, DY);
  F32(2, DW);
  ConvShape s;
  if (!conv_shape(env, a.v[3], &s)) THROW("conv2dBackpropFilter: dims");
  if (!conv_inputs_fit(s)) THROW("conv2dBackpropFilter: bad dims");
  if ((long)X.length < s.n * s.h * s.w * s.cin) THROW("conv2dBackpropFilter: x is smaller than n * h * w * cin");
  if ((long)DY.length < s.n * s.oh * s.ow * s.cout) THROW("conv2dBackpropFilter: dy is smaller than n * oh * ow * cout");
  if ((long)DW.length < s.kh * s.kw * s.cin * s.cout) THROW("conv2dBackpropFilter: output too small");
  gk_conv2d_backprop_filter(s, F32P(X), F32P(DY), F32P(DW));
  return nullptr;
}

// unary(op, x, y, alpha)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 4)) THROW("unary: 4 arguments");
  const int op = (int)num(env, a.v[0]);
  F32(1, X);
  F32(2, Y);
  const float alpha = (float)num(env, a.v[3]);
  if (Y.length < X.length) THROW("unary: output smaller than x");
  const long n = (long)X.length;
  const Kern& k = *gk_kern();
  const int nt = threads_for(n);
  gk_parallel_ranges(n, nt, [&](long i0, long i1) {
    k.unary(op, F32P(X) + i0, F32P(Y) + i0, i1 - i0, alpha);
  }, 16);
  return nullptr;
}

// activationGrad(op, dy, x, out, alpha): see act_grad in kern.inc
napi_value ActivationGrad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 5)) THROW("activationGrad: 5 arguments");
  const int op = (int)num(env, a.v[0]);
  F32(1, DY);
  F32(2, X);
  F32(3, Y);
  const float alpha = (float)num(env, a.v[4]);
  if (DY.length != X.length || Y.length != X.length) THROW("activationGrad: sizes");
  const long n = (long)X.length;
  const Kern& k = *gk_kern();
  const int nt = threads_for(n);
  gk_parallel_ranges(n, nt, [&](long i0, long i1) {
    k.act_grad(op, F32P(DY) + i0, F32P(X) + i0, F32P(Y) + i0, i1 - i0, alpha);
  }, 16);
  return nullptr;
}

// binary(op, a, b, out, shape, aStrides, bStrides): out has `shape`, a and b are read at
// the given element strides (0 along broadcast axes). The last axis is the inner loop.
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 7)) THROW("binary: 7 arguments");
  const int op = (int)num(env, a.v[0]);
  F32(1, A);
  F32(2, B);
  Arr O, shp, sa, sb;
  if (!get_arr(env, a.v[3], &O)) THROW("binary: output");
  if (!get_arr(env, a.v[4], &shp) || !get_arr(env, a.v[5], &sa) || !get_arr(env, a.v[6], &sb))
    THROW("binary: shape and strides must be Int32Arrays");
  const int nd = (int)shp.length;
  if (nd < 1 || nd > 8 || sa.length != shp.length || sb.length != shp.length) THROW("binary: rank");
  const int32_t* shape = (const int32_t*)shp.data;
  const int32_t* stA = (const int32_t*)sa.data;
  const int32_t* stB = (const int32_t*)sb.data;
  const size_t esize = O.type == napi_uint8_array ? 1 : 4;
  const long inner = shape[nd - 1];
  long outer = 1;
  for (int d = 0; d < nd - 1; d++) outer *= shape[d];
  if ((long)O.length < outer * inner) THROW("binary: output too small");
  const long ea = extent(shape, stA, nd, 0), eb = extent(shape, stB, nd, 0);
  if (ea < 0 || eb < 0) THROW("binary: negative stride");
  if (ea > (long)A.length || eb > (long)B.length) THROW("binary: strides read past the end of a or b");
  const long ia = stA[nd - 1], ib = stB[nd - 1];
  if ((ia != 0 && ia != 1) || (ib != 0 && ib != 1)) THROW("binary: inner strides must be 0 or 1");
  const Kern& k = *gk_kern();
  const float* pa = F32P(A);
  const float* pb = F32P(B);
  char* po = (char*)O.data;
  const int nt = threads_for(outer * inner);
  gk_parallel_ranges(outer, nt, [&](long o0, long o1) {
    long idx[8] = {0};
    long rem = o0;
    long offA = 0, offB = 0;
    for (int d = nd - 2; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      offA += idx[d] * stA[d];
      offB += idx[d] * stB[d];
    }
    for (long o = o0; o < o1; o++) {
      char* out = po + (size_t)o * inner * esize;
      if (ia == 1 && ib == 1) k.binary(op, pa + offA, pb + offB, out, inner, 0);
      else if (ia == 0 && ib == 1) k.binary(op, pa + offA, pb + offB, out, inner, 1);
      else if (ia == 1 && ib == 0) k.binary(op, pa + offA, pb + offB, out, inner, 2);
      else {
        k.binary(op, pa + offA, pb + offB, out, 1, 0);
        for (long j = 1; j < inner; j++) memcpy(out + j * esize, out, esize);
      }
      for (int d = nd - 2; d >= 0; d--) {
        offA += stA[d];
        offB += stB[d];
        if (++idx[d] < shape[d]) break;
        offA -= (long)stA[d] * shape[d];
        offB -= (long)stB[d] * shape[d];
        idx[d] = 0;
      }
    }
  });
  return nullptr;
}

// select(cond, a, b, out, inner): out[i] = cond[i / inner] ? a[i] : b[i]
napi_value Select(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 5)) THROW("select: 5 arguments");
  Arr C;
  if (!get_arr(env, a.v[0], &C) || C.type != napi_uint8_array) THROW("select: condition must be a Uint8Array");
  F32(1, A);
  F32(2, B);
  F32(3, O);
  const long inner = (long)num(env, a.v[4]);
  if (inner < 1) THROW("select: inner must be at least 1");
  const long n = (long)O.length;
  if ((long)A.length < n || (long)B.length < n || (long)C.length * inner < n) THROW("select: sizes");
  const uint8_t* c = (const uint8_t*)C.data;
  const float *pa = F32P(A), *pb = F32P(B);
  float* po = F32P(O);
  const int nt = threads_for(n);
  if (inner == 1) {
    gk_parallel_ranges(n, nt, [&](long i0, long i1) {
      for (long i = i0; i < i1; i++) po[i] = c[i] ? pa[i] : pb[i];
    });
  } else {
    const long rows = n / inner;
    gk_parallel_ranges(rows, nt, [&](long r0, long r1) {
      for (long r = r0; r < r1; r++)
        memcpy(po + r * inner, (c[r] ? pa : pb) + r * inner, inner * sizeof(float));
    });
  }
  return nullptr;
}

// reduce(op, x, y, outer, red, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 6)) THROW("reduce: 6 arguments");
  const int op = (int)num(env, a.v[0]);
  F32(1, X);
  F32(2, Y);
  const long outer = (long)num(env, a.v[3]), red = (long)num(env, a.v[4]), inner = (long)num(env, a.v[5]);
  if (outer < 0 || red < 0 || inner < 0) THROW("reduce: negative size");
  if ((long)X.length < outer * red * inner || (long)Y.length < outer * inner) THROW("reduce: sizes");
  const Kern& k = *gk_kern();
  if (red == 0) THROW("reduce: empty axis");
  int nt = threads_for(outer * red * inner);
  if (outer < nt) {
    // Few outer rows (a reduction over the leading axes, as batch norm's moments are):
    // threads reduce slices of the reduced axis into partial results, combined after.
    if (outer * inner * nt <= (1 << 22) && red >= 2 * nt) {
      const int kop = op == 3 /* mean */ ? 0 /* sum */ : op;
      std::vector<float> part((size_t)nt * outer * inner);
      gk_parallel(nt, nt, [&](long task) {
        const int t = (int)task, T = nt;
        const long r0 = red * t / T, r1 = red * (t + 1) / T;
        float* dst = part.data() + (size_t)t * outer * inner;
        for (long o = 0; o < outer; o++)
          k.reduce(kop, F32P(X) + (o * red + r0) * inner, dst + o * inner, 0, 1, r1 - r0, inner);
      });
      float* y = F32P(Y);
      for (long i = 0; i < outer * inner; i++) {
        if (kop == 0) {
          double acc = 0;
          for (int t = 0; t < nt; t++) acc += part[(size_t)t * outer * inner + i];
          y[i] = op == 3 ? (float)(acc / (double)red) : (float)acc;
        } else {
          float m = part[i];
          for (int t = 1; t < nt; t++) {
            const float v = part[(size_t)t * outer * inner + i];
            if (v != v || m != m) m = v != v ? v : m;
            else m = kop == 1 ? (v > m ? v : m) : (v < m ? v : m);
          }
          y[i] = m;
        }
      }
      return nullptr;
    }
    nt = 1;
  }
  gk_parallel_ranges(outer, nt, [&](long o0, long o1) { k.reduce(op, F32P(X), F32P(Y), o0, o1, red, inner); });
  return nullptr;
}

// batchNorm(x, y, channels, mean, variance, offset|null, scale|null, eps): channels-last,
// each parameter has `channels` values.
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 8)) THROW("batchNorm: 8 arguments");
  F32(0, X);
  F32(1, Y);
  const long ch = (long)num(env, a.v[2]);
  F32(3, MEAN);
  F32(4, VAR);
  const float eps = (float)num(env, a.v[7]);
  Arr off, sc;
  const bool hasOff = !is_null(env, a.v[5]), hasSc = !is_null(env, a.v[6]);
  if (hasOff && !get_arr(env, a.v[5], &off)) THROW("batchNorm: offset");
  if (hasSc && !get_arr(env, a.v[6], &sc)) THROW("batchNorm: scale");
  if ((long)MEAN.length != ch || (long)VAR.length != ch || (hasOff && (long)off.length != ch) ||
      (hasSc && (long)sc.length != ch) || ch <= 0 || X.length % ch != 0 || Y.length < X.length)
    THROW("batchNorm: parameter sizes");
  std::vector<float> scale(ch), offset(ch);
  for (long c = 0; c < ch; c++) {
    scale[c] = (float)((hasSc ? (double)F32P(sc)[c] : 1.0) / std::sqrt((double)F32P(VAR)[c] + eps));
    offset[c] = hasOff ? F32P(off)[c] : 0.f;
  }
  const long rows = (long)X.length / ch;
  const Kern& k = *gk_kern();
  const int nt = threads_for((long)X.length);
  gk_parallel_ranges(rows, nt, [&](long r0, long r1) {
    k.scale_shift(F32P(X) + r0 * ch, F32P(Y) + r0 * ch, r1 - r0, ch, F32P(MEAN), scale.data(), offset.data());
  });
  return nullptr;
}

// Per-channel sums over the rows of a [rows, channels] layout: `nt` tasks each take a fixed
// share of the rows, and add_row(r, acc) adds row r's `width` values into acc. Each task
// sums kSumRows rows at a time in float (vectorised) into its double partials, which are
// then added in task order, so the result does not depend on which thread ran what.
// Summing every value in double was 3x slower (moments of 12544 x 64 values: 0.38 -> 0.12
// ms), and one float sum over all a task's rows lost precision with the row count.
constexpr long kSumRows = 16;
template <typename F>
std::vector<double> row_partials(long rows, int nt, long width, F add_row) {
  std::vector<double> part((size_t)nt * width, 0.0);
  gk_parallel(nt, nt, [&](long t) {
    const long r0 = rows * t / nt, r1 = rows * (t + 1) / nt;
    double* p = part.data() + (size_t)t * width;
    std::vector<float> blk(width);
    for (long b = r0; b < r1; b += kSumRows) {
      std::fill(blk.begin(), blk.end(), 0.f);
      for (long r = b; r < std::min(r1, b + kSumRows); r++) add_row(r, blk.data());
      for (long c = 0; c < width; c++) p[c] += blk[c];
    }
  });
  std::vector<double> sum(width, 0.0);
  for (int t = 0; t < nt; t++)
    for (long c = 0; c < width; c++) sum[c] += part[(size_t)t * width + c];
  return sum;
}

// moments(x, channels, mean, variance): per-channel mean and (biased) variance of x
// [rows, channels], as TF.js's moments over every axis but the last: the batch statistics
// of batch normalization in training. Two passes (mean, then squared deviations), each
// summed by row_partials.
napi_value Moments(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 4)) THROW("moments: 4 arguments");
  F32(0, X);
  const long ch = (long)num(env, a.v[1]);
  F32(2, MEAN); F32(3, VAR);
  const long n = (long)X.length;
  if (ch <= 0 || n % ch != 0 || n == 0 || (long)MEAN.length != ch || (long)VAR.length != ch) THROW("moments: sizes");
  const long rows = n / ch;
  const float* x = F32P(X);
  const int nt = threads_for(n);
  auto per_channel = [&](const float* center, float* out) {
    const std::vector<double> sum = row_partials(rows, nt, ch, [&](long r, float* __restrict acc) {
      const float* __restrict xr = x + r * ch;
      if (center == nullptr) {
        for (long c = 0; c < ch; c++) acc[c] += xr[c];
      } else {
        for (long c = 0; c < ch; c++) {
          const float d = xr[c] - center[c];
          acc[c] += d * d;
        }
      }
    });
    for (long c = 0; c < ch; c++) out[c] = (float)(sum[c] / (double)rows);
  };
  per_channel(nullptr, F32P(MEAN));
  per_channel(F32P(MEAN), F32P(VAR));
  return nullptr;
}

// batchNormGrad(dy, x, mean, variance, scale|null, eps, channels, dx, dmean, dvariance, dscale,
// doffset, batchStats?): every gradient of TF.js's FusedBatchNorm (channels last, per-channel
// parameters) from two passes: per-channel sums of dy and dy * (x - mean), then dx.
// TF.js's own gradient makes about ten full-size passes. With batchStats, mean and
// variance are x's own moments (batch norm in training), and dx is the whole gradient,
// through them too: dx + dmean / rows + dvariance * 2 (x - mean) / rows.
napi_value BatchNormGrad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 12)) THROW("batchNormGrad: 12 arguments");
  bool batchStats = false;
  if (a.n > 12) napi_get_value_bool(env, a.v[12], &batchStats);
  F32(0, DY); F32(1, X); F32(2, MEAN); F32(3, VAR);
  Arr sc;
  const bool hasSc = !is_null(env, a.v[4]);
  if (hasSc && (!get_arr(env, a.v[4], &sc) || sc.type != napi_float32_array)) THROW("batchNormGrad: scale");
  const float eps = (float)num(env, a.v[5]);
  const long ch = (long)num(env, a.v[6]);
  F32(7, DX); F32(8, DMEAN); F32(9, DVAR); F32(10, DSCALE); F32(11, DOFF);
  const long n = (long)X.length;
  if (ch <= 0 || n % ch != 0 || (long)DY.length != n || (long)DX.length != n || (long)MEAN.length != ch ||
      (long)VAR.length != ch || (hasSc && (long)sc.length != ch) || (long)DMEAN.length != ch ||
      (long)DVAR.length != ch || (long)DSCALE.length != ch || (long)DOFF.length != ch)
    THROW("batchNormGrad: sizes");
  const long rows = n / ch;
  const float *dy = F32P(DY), *x = F32P(X), *mean = F32P(MEAN);
  // Per-channel sums of dy and dy * (x - mean) (row_partials).
  const int nt = threads_for(n);
  const std::vector<double> sums = row_partials(rows, nt, 2 * ch, [&](long r, float* __restrict acc) {
    const float* __restrict d = dy + r * ch;
    const float* __restrict xr = x + r * ch;
    const float* __restrict m = mean;
    float* __restrict s1 = acc;
    float* __restrict s2 = acc + ch;
    for (long c = 0; c < ch; c++) {
      s1[c] += d[c];
      s2[c] += d[c] * (xr[c] - m[c]);
    }
  });
  std::vector<float> factor(ch), shift(ch, 0.f), slope(ch, 0.f);
  for (long c = 0; c < ch; c++) {
    const double s1 = sums[c], s2 = sums[ch + c];
    const double r = 1.0 / std::sqrt((double)F32P(VAR)[c] + (double)eps);
    const double g = hasSc ? (double)F32P(sc)[c] : 1.0;
    factor[c] = (float)(r * g);
    F32P(DOFF)[c] = (float)s1;
    F32P(DSCALE)[c] = (float)(r * s2);
    F32P(DMEAN)[c] = (float)(-r * g * s1);
    F32P(DVAR)[c] = (float)(-0.5 * r * r * r * g * s2);
    if (batchStats) {
      shift[c] = (float)(-r * g * s1 / (double)rows);
      slope[c] = (float)(-r * r * r * g * s2 / (double)rows);
    }
  }
  float* dx = F32P(DX);
  gk_parallel_ranges(rows, nt, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* d = dy + r * ch;
      float* o = dx + r * ch;
      if (batchStats) {
        const float* xr = x + r * ch;
        for (long c = 0; c < ch; c++) o[c] = d[c] * factor[c] + shift[c] + slope[c] * (xr[c] - mean[c]);
      } else {
        for (long c = 0; c < ch; c++) o[c] = d[c] * factor[c];
      }
    }
  });
  return nullptr;
}

// addN(list, out)
napi_value AddN(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 2)) THROW("addN: 2 arguments");
  uint32_t len;
  CHECK(napi_get_array_length(env, a.v[0], &len));
  F32(1, O);
  std::vector<const float*> ins(len);
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    CHECK(napi_get_element(env, a.v[0], i, &e));
    Arr t;
    if (!get_arr(env, e, &t) || t.type != napi_float32_array || t.length < O.length) THROW("addN: inputs");
    ins[i] = (const float*)t.data;
  }
  const long n = (long)O.length;
  float* o = F32P(O);
  const int nt = threads_for(n);
  gk_parallel_ranges(n, nt, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) o[i] = len ? ins[0][i] : 0.f;
    for (uint32_t j = 1; j < len; j++) {
      const float* p = ins[j];
      for (long i = i0; i < i1; i++) o[i] += p[i];
    }
  });
  return nullptr;
}

// adam(w, g, m, v, w2, m2, v2, lr, beta1, beta2, eps, 1 - beta1^t, 1 - beta2^t)
napi_value Adam(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 13)) THROW("adam: 13 arguments");
  F32(0, W); F32(1, G); F32(2, M); F32(3, V); F32(4, W2); F32(5, M2); F32(6, V2);
  const long n = (long)W.length;
  if ((long)G.length != n || (long)M.length != n || (long)V.length != n || (long)W2.length != n ||
      (long)M2.length != n || (long)V2.length != n)
    THROW("adam: sizes");
  const float lr = (float)num(env, a.v[7]), b1 = (float)num(env, a.v[8]), b2 = (float)num(env, a.v[9]),
              eps = (float)num(env, a.v[10]), c1 = (float)num(env, a.v[11]), c2 = (float)num(env, a.v[12]);
  const Kern& k = *gk_kern();
  const int nt = threads_for(n);
  gk_parallel_ranges(n, nt, [&](long i0, long i1) {
    k.adam(F32P(W) + i0, F32P(G) + i0, F32P(M) + i0, F32P(V) + i0, F32P(W2) + i0, F32P(M2) + i0,
           F32P(V2) + i0, i1 - i0, lr, b1, b2, eps, c1, c2);
  });
  return nullptr;
}

// rmsprop(w, g, ms, mg|null, mom, w2, ms2, mg2|null, mom2, lr, decay, momentum, eps, centered)
napi_value RmsProp(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 14)) THROW("rmsprop: 14 arguments");
  F32(0, W); F32(1, G); F32(2, MS); F32(4, MOM); F32(5, W2); F32(6, MS2); F32(8, MOM2);
  bool centered;
  napi_get_value_bool(env, a.v[13], &centered);
  Arr MG, MG2;
  if (centered && (!get_arr(env, a.v[3], &MG) || !get_arr(env, a.v[7], &MG2))) THROW("rmsprop: centered needs mg");
  const long n = (long)W.length;
  if ((long)G.length != n || (long)MS.length != n || (long)MOM.length != n || (long)W2.length != n ||
      (long)MS2.length != n || (long)MOM2.length != n || (centered && ((long)MG.length != n || (long)MG2.length != n)))
    THROW("rmsprop: sizes");
  const float lr = (float)num(env, a.v[9]), decay = (float)num(env, a.v[10]), mo = (float)num(env, a.v[11]),
              eps = (float)num(env, a.v[12]);
  const Kern& k = *gk_kern();
  const int nt = threads_for(n);
  gk_parallel_ranges(n, nt, [&](long i0, long i1) {
    k.rmsprop(F32P(W) + i0, F32P(G) + i0, F32P(MS) + i0, centered ? F32P(MG) + i0 : nullptr, F32P(MOM) + i0,
              F32P(W2) + i0, F32P(MS2) + i0, centered ? F32P(MG2) + i0 : nullptr, F32P(MOM2) + i0, i1 - i0, lr,
              decay, mo, eps, centered ? 1 : 0);
  });
  return nullptr;
}

// ---- layout: strided copies (slice, split, concat, pad, gather) and softmax ----

// copy(src, dst, shape, srcStrides, dstStrides, srcOffset, dstOffset): dst[dstOffset + Σ i·dstStride]
// = src[srcOffset + Σ i·srcStride] for every index i of `shape` (element strides, rank 1..8,
// same element size). Runs of the last axis contiguous in both are one memcpy.
napi_value Copy(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 7)) THROW("copy: 7 arguments");
  Arr S, D, shp, ss, ds;
  if (!get_arr(env, a.v[0], &S) || !get_arr(env, a.v[1], &D)) THROW("copy: src and dst must be typed arrays");
  if (!get_arr(env, a.v[2], &shp) || !get_arr(env, a.v[3], &ss) || !get_arr(env, a.v[4], &ds) ||
      shp.type != napi_int32_array || ss.type != napi_int32_array || ds.type != napi_int32_array)
    THROW("copy: shape and strides must be Int32Arrays");
  const size_t es = elem_size(S.type);
  if (es == 0 || es != elem_size(D.type)) THROW("copy: src and dst element sizes differ");
  const int nd = (int)shp.length;
  if (nd < 1 || nd > 8 || ss.length != shp.length || ds.length != shp.length) THROW("copy: rank");
  const int32_t* shape = (const int32_t*)shp.data;
  const int32_t* st = (const int32_t*)ss.data;
  const int32_t* dt = (const int32_t*)ds.data;
  const long so = (long)num(env, a.v[5]), dof = (long)num(env, a.v[6]);
  const long se = extent(shape, st, nd, so), de = extent(shape, dt, nd, dof);
  if (se < 0 || de < 0) THROW("copy: negative stride or offset");
  if (se > (long)S.length) THROW("copy: reads past the end of src");
  if (de > (long)D.length) THROW("copy: writes past the end of dst");
  if (se == 0) return nullptr;
  const long inner = shape[nd - 1];
  long outer = 1;
  for (int d = 0; d < nd - 1; d++) outer *= shape[d];
  const bool runs = st[nd - 1] == 1 && dt[nd - 1] == 1;
  const char* src = (const char*)S.data;
  char* dst = (char*)D.data;
  const int nt = threads_for(outer * inner);
  gk_parallel_ranges(outer, nt, [&](long o0, long o1) {
    long idx[8] = {0};
    long rem = o0, offS = so, offD = dof;
    for (int d = nd - 2; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      offS += idx[d] * st[d];
      offD += idx[d] * dt[d];
    }
    for (long o = o0; o < o1; o++) {
      if (runs) {
        memcpy(dst + (size_t)offD * es, src + (size_t)offS * es, (size_t)inner * es);
      } else if (es == 4) {
        const uint32_t* s4 = (const uint32_t*)src + offS;
        uint32_t* d4 = (uint32_t*)dst + offD;
        for (long j = 0; j < inner; j++) d4[j * dt[nd - 1]] = s4[j * st[nd - 1]];
      } else {
        for (long j = 0; j < inner; j++) dst[offD + j * dt[nd - 1]] = src[offS + j * st[nd - 1]];
      }
      for (int d = nd - 2; d >= 0; d--) {
        offS += st[d];
        offD += dt[d];
        if (++idx[d] < shape[d]) break;
        offS -= (long)st[d] * shape[d];
        offD -= (long)dt[d] * shape[d];
        idx[d] = 0;
      }
    }
  });
  return nullptr;
}

// gather(src, dst, indices, outer, axis, inner): src [outer, axis, inner], dst [outer, n, inner]
// with dst[o, i, :] = src[o, indices[i], :]. Every index must lie in [0, axis).
napi_value Gather(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 6)) THROW("gather: 6 arguments");
  Arr S, D, I;
  if (!get_arr(env, a.v[0], &S) || !get_arr(env, a.v[1], &D)) THROW("gather: src and dst must be typed arrays");
  if (!get_arr(env, a.v[2], &I) || I.type != napi_int32_array) THROW("gather: indices must be an Int32Array");
  const size_t es = elem_size(S.type);
  if (es == 0 || es != elem_size(D.type)) THROW("gather: src and dst element sizes differ");
  const long outer = (long)num(env, a.v[3]), axis = (long)num(env, a.v[4]), inner = (long)num(env, a.v[5]);
  const long n = (long)I.length;
  if (outer < 0 || axis < 0 || inner < 0) THROW("gather: negative size");
  if ((long)S.length < outer * axis * inner) THROW("gather: src smaller than outer * axis * inner");
  if ((long)D.length < outer * n * inner) THROW("gather: dst smaller than outer * indices * inner");
  const int32_t* idx = (const int32_t*)I.data;
  for (long i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= axis) THROW("gather: index out of range");
  const char* src = (const char*)S.data;
  char* dst = (char*)D.data;
  const size_t row = (size_t)inner * es;
  const int nt = threads_for(outer * n * inner);
  gk_parallel_ranges(outer * n, nt, [&](long r0, long r1) {
    if (es == 4 && inner == 1) {  // single elements: a plain indexed load, no memcpy per element
      const uint32_t* s4 = (const uint32_t*)src;
      uint32_t* d4 = (uint32_t*)dst;
      for (long r = r0; r < r1; r++) d4[r] = s4[(r / n) * axis + idx[r % n]];
      return;
    }
    for (long r = r0; r < r1; r++) {
      const long o = r / n, i = r % n;
      memcpy(dst + (size_t)r * row, src + ((size_t)o * axis + idx[i]) * row, row);
    }
  });
  return nullptr;
}

// softmax(x, y, rows, cols): y = softmax of each row of x [rows, cols] (max subtracted first).
napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 4)) THROW("softmax: 4 arguments");
  F32(0, X);
  F32(1, Y);
  const long rows = (long)num(env, a.v[2]), cols = (long)num(env, a.v[3]);
  if (rows < 0 || cols <= 0) THROW("softmax: rows and cols");
  if ((long)X.length != rows * cols) THROW("softmax: x is not rows * cols long");
  if ((long)Y.length < rows * cols) THROW("softmax: output too small");
  const Kern& k = *gk_kern();
  const float* x = F32P(X);
  float* y = F32P(Y);
  gk_parallel_ranges(rows, threads_for(rows * cols), [&](long r0, long r1) {
    k.softmax(x + r0 * cols, y + r0 * cols, r1 - r0, cols);
  });
  return nullptr;
}

// Self-attention's queries and keys side by side, qk [batch, m, 2d] (q = qk[..., :d], k =
// qk[..., d:]: the layer's one product of its two projections), read in place.

// attentionSoftmax(qk, y, batch, m, d): y[b] = softmax over rows of q[b] k[b]^T [m, m]. Each
// image's scores go to a per-thread block that stays in cache (150 KB for 196 x 196) and
// straight through softmax into y: the [batch, m, m] scores are never written out and read
// back (a BatchMatMul then a Softmax did). The same GEMM and softmax code as those two
// kernels, so the same values.
napi_value AttentionSoftmax(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 5)) THROW("attentionSoftmax: 5 arguments");
  F32(0, QK);
  F32(1, Y);
  const long batch = (long)num(env, a.v[2]), M = (long)num(env, a.v[3]), D = (long)num(env, a.v[4]);
  if (batch < 0 || M <= 0 || D <= 0) THROW("attentionSoftmax: sizes");
  if ((long)QK.length != batch * M * 2 * D) THROW("attentionSoftmax: qk is not [batch, m, 2d]");
  if ((long)Y.length < batch * M * M) THROW("attentionSoftmax: output too small");
  const Kern& k = *gk_kern();
  const float* qk = F32P(QK);
  float* y = F32P(Y);
  static thread_local ScratchBuffer scores;
  // one image per task (a single image runs on the calling thread, its GEMM on all threads)
  gk_parallel(batch, gk_threads(), [&](long b) {
    float* s = scores.get(M * M);
    const float* q = qk + b * M * 2 * D;
    gk_gemm(M, M, D, q, 2 * D, 1, q + D, 1, 2 * D, s, M, false);
    k.softmax(s, y + b * M * M, M, M);
  });
  return nullptr;
}

// attentionBackward(dy, y, qk, dqk, batch, m, d): the gradient of y = attentionSoftmax(qk)
// given dy: dS = y*(dy - sum(dy*y)) row by row, dq[b] = dS k[b], dk[b] = dS^T q[b], into
// dqk [batch, m, 2d] side by side. Each image's dS goes to a per-thread block that stays in
// cache and the two products read it there, with the GEMM paths the BatchMatMuls took:
// the [batch, m, m] dS is never written out and read back twice (a softmax-gradient
// kernel then two BatchMatMuls did).
napi_value AttentionBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 7)) THROW("attentionBackward: 7 arguments");
  F32(0, DY);
  F32(1, Y);
  F32(2, QK);
  F32(3, DQK);
  const long batch = (long)num(env, a.v[4]), M = (long)num(env, a.v[5]), D = (long)num(env, a.v[6]);
  if (batch < 0 || M <= 0 || D <= 0) THROW("attentionBackward: sizes");
  if ((long)DY.length != batch * M * M || (long)Y.length != batch * M * M) THROW("attentionBackward: dy or y is not [batch, m, m]");
  if ((long)QK.length != batch * M * 2 * D) THROW("attentionBackward: qk is not [batch, m, 2d]");
  if ((long)DQK.length < batch * M * 2 * D) THROW("attentionBackward: output too small");
  const Kern& k = *gk_kern();
  const float *dy = F32P(DY), *y = F32P(Y), *qk = F32P(QK);
  float* dqk = F32P(DQK);
  static thread_local ScratchBuffer work;
  gk_parallel(batch, gk_threads(), [&](long b) {
    float* ds = work.get(M * M);
    const long off = b * M * M, qoff = b * M * 2 * D;
    k.softmax_grad(y + off, dy + off, ds, M, M);
    gk_gemm(M, D, M, ds, M, 1, qk + qoff + D, 2 * D, 1, dqk + qoff, 2 * D, false);
    gk_gemm(M, D, M, ds, 1, M, qk + qoff, 2 * D, 1, dqk + qoff + D, 2 * D, false);
  });
  return nullptr;
}

// attentionApplyBackward(dO, y, v, qk, dqk, dv, batch, m, d, c): the gradients of
// o = y v[b] (y = attentionSoftmax(qk), v [batch, m, c]) given dO [batch, m, c], through y
// on to qk: dv[b] = y^T dO, dA = dO v^T, dS = the softmax gradient of dA, then dq, dk as
// attentionBackward. Each image's dA becomes its dS in place in a per-thread block that
// stays in cache, and y is read once: the [batch, m, m] dA is never written out and read
// back (two BatchMatMuls then attentionBackward did).
napi_value AttentionApplyBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 10)) THROW("attentionApplyBackward: 10 arguments");
  F32(0, DO);
  F32(1, Y);
  F32(2, V);
  F32(3, QK);
  F32(4, DQK);
  F32(5, DV);
  const long batch = (long)num(env, a.v[6]), M = (long)num(env, a.v[7]), D = (long)num(env, a.v[8]),
             C = (long)num(env, a.v[9]);
  if (batch < 0 || M <= 0 || D <= 0 || C <= 0) THROW("attentionApplyBackward: sizes");
  if ((long)DO.length != batch * M * C || (long)V.length != batch * M * C) THROW("attentionApplyBackward: dO or v is not [batch, m, c]");
  if ((long)Y.length != batch * M * M) THROW("attentionApplyBackward: y is not [batch, m, m]");
  if ((long)QK.length != batch * M * 2 * D) THROW("attentionApplyBackward: qk is not [batch, m, 2d]");
  if ((long)DQK.length < batch * M * 2 * D || (long)DV.length < batch * M * C) THROW("attentionApplyBackward: outputs too small");
  const Kern& k = *gk_kern();
  const float *dO = F32P(DO), *y = F32P(Y), *v = F32P(V), *qk = F32P(QK);
  float *dqk = F32P(DQK), *dv = F32P(DV);
  static thread_local ScratchBuffer work;
  gk_parallel(batch, gk_threads(), [&](long b) {
    float* ds = work.get(M * M);
    const float *yb = y + b * M * M, *dOb = dO + b * M * C, *vb = v + b * M * C, *q = qk + b * M * 2 * D;
    gk_gemm(M, C, M, yb, 1, M, dOb, C, 1, dv + b * M * C, C, false);
    gk_gemm(M, M, C, dOb, C, 1, vb, 1, C, ds, M, false);
    k.softmax_grad(yb, ds, ds, M, M);  // in place: each element of dA is read before it is written
    float* dq = dqk + b * M * 2 * D;
    gk_gemm(M, D, M, ds, M, 1, q + D, 2 * D, 1, dq, 2 * D, false);
    gk_gemm(M, D, M, ds, 1, M, q, 2 * D, 1, dq + D, 2 * D, false);
  });
  return nullptr;
}

// softmaxGrad(y, dy, dx, rows, cols): the gradient of softmax over rows [rows, cols] given
// dy and the softmax y itself.
napi_value SoftmaxGrad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args(env, info, &a, 5)) THROW("softmaxGrad: 5 arguments");
  F32(0, Y);
  F32(1, DY);
  F32(2, DX);
  const long rows = (long)num(env, a.v[3]), cols = (long)num(env, a.v[4]);
  if (rows < 0 || cols <= 0) THROW("softmaxGrad: rows and cols");
  if ((long)Y.length != rows * cols || (long)DY.length != rows * cols) THROW("softmaxGrad: y or dy is not rows * cols long");
  if ((long)DX.length < rows * cols) THROW("softmaxGrad: output too small");
  const Kern& k = *gk_kern();
  const float *y = F32P(Y), *dy = F32P(DY);
  float* dx = F32P(DX);
  gk_parallel_ranges(rows, threads_for(rows * cols), [&](long r0, long r1) {
    k.softmax_grad(y + r0 * cols, dy + r0 * cols, dx + r0 * cols, r1 - r0, cols);
  });
  return nullptr;
}

const Kern* best_kern() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (kern_avx512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma"))
    return kern_avx512;
  if (kern_avx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return kern_avx2;
#endif
  return kern_generic;
}

napi_value Init(napi_env env, napi_value exports) {
  gk_set_kern(best_kern());
#if defined(__GLIBC__)
  // Tensor buffers are allocated (zero-filled) for every kernel output. Left to its defaults,
  // glibc serves each buffer over 128 KiB with a fresh mmap and unmaps it on free, so every
  // large output pays a page fault per 4 KiB (most of an elementwise kernel's time). Keeping
  // them on the heap, and up to 512 MiB of freed heap mapped, makes reuse free of faults.
  if (!getenv("GANKIT_NO_MALLOPT")) {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
  }
#endif
  int nt = online_cpus();
  if (const char* e = getenv("GANKIT_THREADS")) {
    int v = atoi(e);
    if (v > 0) nt = v;
  }
  gk_set_threads(nt);
  if (const char* e = getenv("GANKIT_WINOGRAD")) gk_set_winograd(strcmp(e, "0") != 0);
  const struct {
    const char* name;
    napi_callback cb;
  } fns[] = {{"info", Info},
             {"setThreads", SetThreads},
             {"setIsa", SetIsa},
             {"setWinograd", SetWinograd},
             {"matmul", MatMul},
             {"conv2d", Conv2D},
             {"conv2dBackpropInput", Conv2DBackpropInput},
             {"conv2dBackpropFilter", Conv2DBackpropFilter},
             {"unary", Unary},
             {"binary", Binary},
             {"select", Select},
             {"reduce", Reduce},
             {"batchNorm", BatchNorm},
             {"addN", AddN},
             {"adam", Adam},
             {"activationGrad", ActivationGrad},
             {"rmsprop", RmsProp},
             {"batchNormGrad", BatchNormGrad},
             {"moments", Moments},
             {"copy", Copy},
             {"gather", Gather},
             {"softmax", Softmax},
             {"softmaxGrad", SoftmaxGrad},
             {"attentionSoftmax", AttentionSoftmax},
             {"attentionBackward", AttentionBackward},
             {"attentionApplyBackward", AttentionApplyBackward}};
  for (const auto& f : fns) {
    napi_value fn;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn) != napi_ok) return nullptr;
    if (napi_set_named_property(env, exports, f.name, fn) != napi_ok) return nullptr;
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
