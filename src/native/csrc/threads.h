// The addon's worker threads.
//
// Kernels arrive every 10-500 us from JavaScript. OpenMP's fork-join made each one wait at
// its end for every thread it started: a worker asleep in the kernel (woken through the
// hypervisor here, 40-150 us) or preempted by one of V8's own threads (up to a scheduler
// slice, 3 ms seen) stalled the whole kernel. Here the calling thread works too and tasks
// are claimed one at a time, so the caller waits only for tasks a worker has actually
// started: a late worker costs nothing. Workers spin briefly after a task (kernels follow
// each other closely during training), then sleep.
#pragma once
#include <functional>

// Total threads kernels may use, the caller included (at least 1). Workers start lazily.
void gk_set_threads(int n);
int gk_threads();

// Runs fn(task) for every task in [0, ntasks) on the calling thread and on up to
// max_threads - 1 workers; returns when all are done. Which thread runs a task is not
// fixed, so results must depend on the task index only (never on a thread index).
// Nested or concurrent calls run inline on the calling thread.
void gk_parallel(long ntasks, int max_threads, const std::function<void(long)>& fn);

// Splits [0, n) into `parts` contiguous ranges, fixed by n and parts alone, and runs
// fn(begin, end) for each in parallel. `align` rounds inner boundaries down to a multiple.
template <class F>
inline void gk_parallel_ranges(long n, int parts, F fn, long align = 1) {
  if (parts <= 1 || n <= align) {
    fn(0L, n);
    return;
  }
  gk_parallel(parts, parts, [&](long t) {
    const long b = n * t / parts / align * align;
    const long e = t == parts - 1 ? n : n * (t + 1) / parts / align * align;
    if (e > b) fn(b, e);
  });
}
