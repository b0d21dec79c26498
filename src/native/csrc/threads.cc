#include "threads.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax() { _mm_pause(); }
#else
static inline void cpu_relax() { std::this_thread::yield(); }
#endif

namespace {

using Clock = std::chrono::steady_clock;

// One job at a time. `state` packs the job's generation (high 32 bits) with the next
// unclaimed task (low 32 bits): a worker claims a task by a compare-and-swap that fails
// once the caller has moved on to another job, so a worker that read a stale job never
// runs a task of it.
struct Pool {
  std::atomic<uint64_t> state{0};
  std::atomic<const std::function<void(long)>*> fn{nullptr};
  std::atomic<long> ntasks{0};
  std::atomic<int> eligible{0};  // workers with a smaller index take part
  std::atomic<long> done{0};     // tasks finished by workers
  std::atomic<int> sleepers{0};
  std::mutex sleep_mutex;
  std::condition_variable wake;
  std::mutex submit;  // held by the caller of the running job
  int workers = 0;    // started (guarded by submit)
  int threads = 1;
  long spin_us = 2000;
};

// Never destroyed: detached workers may still touch it while the process exits.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

inline uint32_t gen_of(uint64_t s) { return (uint32_t)(s >> 32); }
inline long task_of(uint64_t s) { return (long)(uint32_t)s; }

// Claims and runs tasks of generation g until none is left; returns how many it ran.
long run_tasks(Pool& P, uint32_t g, const std::function<void(long)>& fn, long n) {
  long ran = 0;
  uint64_t s = P.state.load(std::memory_order_acquire);
  while (gen_of(s) == g && task_of(s) < n) {
    if (P.state.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      fn(task_of(s));
      ran++;
      s = P.state.load(std::memory_order_acquire);
    }
  }
  return ran;
}

void worker_main(int index) {
  Pool& P = pool();
  uint32_t seen = gen_of(P.state.load(std::memory_order_acquire));
  for (;;) {
    uint64_t s;
    auto idle_since = Clock::now();
    for (long spins = 1;; spins++) {
      s = P.state.load(std::memory_order_acquire);
      if (gen_of(s) != seen) break;
      cpu_relax();
      if ((spins & 255) == 0 &&
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - idle_since).count() > P.spin_us) {
        std::unique_lock<std::mutex> lock(P.sleep_mutex);
        P.sleepers.fetch_add(1);
        P.wake.wait(lock, [&] { return gen_of(P.state.load()) != seen; });
        P.sleepers.fetch_sub(1);
        idle_since = Clock::now();
      }
    }
    seen = gen_of(s);
    if (index >= P.eligible.load(std::memory_order_acquire)) continue;
    const std::function<void(long)>* fn = P.fn.load(std::memory_order_acquire);
    const long n = P.ntasks.load(std::memory_order_acquire);
    if (fn == nullptr) continue;
    // fn and n may belong to a newer job than `seen`: then every claim below fails.
    const long ran = run_tasks(P, seen, *fn, n);
    if (ran) P.done.fetch_add(ran, std::memory_order_acq_rel);
  }
}

}  // namespace

void gk_set_threads(int n) {
  Pool& P = pool();
  std::lock_guard<std::mutex> lock(P.submit);
  P.threads = n < 1 ? 1 : n;
  if (const char* e = getenv("GANKIT_SPIN_US")) {
    const long v = atol(e);
    if (v >= 0) P.spin_us = v;
  }
}

int gk_threads() { return pool().threads; }

void gk_parallel(long ntasks, int max_threads, const std::function<void(long)>& fn) {
  if (ntasks <= 0) return;
  Pool& P = pool();
  int nt = max_threads < P.threads ? max_threads : P.threads;
  if (nt > ntasks) nt = (int)ntasks;
  if (nt <= 1 || ntasks >= (1L << 31) || !P.submit.try_lock()) {
    for (long t = 0; t < ntasks; t++) fn(t);
    return;
  }
  while (P.workers < nt - 1) {
    std::thread(worker_main, P.workers).detach();
    P.workers++;
  }
  P.fn.store(&fn, std::memory_order_release);
  P.ntasks.store(ntasks, std::memory_order_release);
  P.eligible.store(nt - 1, std::memory_order_release);
  P.done.store(0, std::memory_order_release);
  const uint32_t g = gen_of(P.state.load()) + 1;
  P.state.store((uint64_t)g << 32);  // seq_cst: ordered before the read of sleepers
  if (P.sleepers.load() > 0) {
    std::lock_guard<std::mutex> lock(P.sleep_mutex);
    P.wake.notify_all();
  }
  const long mine = run_tasks(P, g, fn, ntasks);
  // Everything is claimed; wait for the tasks workers claimed to finish.
  while (mine + P.done.load(std::memory_order_acquire) < ntasks) cpu_relax();
  P.submit.unlock();
}
