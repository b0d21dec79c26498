#include "kern.h"
#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,bmi2")
#define GK_NS gk_avx512
#define GK_VW 16
#define GK_MR 8
#define GK_NAME "avx512"
#include "kern.inc"
#pragma GCC pop_options
const Kern* const kern_avx512 = &gk_avx512::table;
#else
const Kern* const kern_avx512 = nullptr;
#endif
