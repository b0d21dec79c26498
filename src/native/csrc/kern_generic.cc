#include "kern.h"
// The portable build: 4-wide vectors, which GCC maps onto SSE2 (x86-64) or NEON (arm64).
#define GK_NS gk_generic
#define GK_VW 4
#define GK_MR 6
#define GK_NAME "generic"
#include "kern.inc"
const Kern* const kern_generic = &gk_generic::table;
