#include "kern.h"
#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define GK_NS gk_avx2
#define GK_VW 8
#define GK_MR 6
#define GK_NAME "avx2"
#include "kern.inc"
#pragma GCC pop_options
const Kern* const kern_avx2 = &gk_avx2::table;
#else
const Kern* const kern_avx2 = nullptr;
#endif
