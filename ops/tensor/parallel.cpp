#include "ops/tensor/parallel.h"

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace wick::ops {

namespace {

thread_local bool in_parallel = false;

// Workers wait for a job; the caller runs chunk 0 itself and waits for the rest.
class ThreadPool {
 public:
  explicit ThreadPool(int n) {
    for (int i = 1; i < n; ++i) workers_.emplace_back([this, i] { workerLoop(i); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void run(int64_t begin, int64_t end, const std::function<void(int64_t, int64_t)>& f) {
    std::lock_guard<std::mutex> serial(run_mu_);  // one parallel region at a time
    int n = size();
    int64_t chunk = (end - begin + n - 1) / n;
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &f;
      begin_ = begin;
      end_ = end;
      chunk_ = chunk;
      pending_ = n - 1;
      ++generation_;
    }
    cv_.notify_all();
    f(begin, std::min(end, begin + chunk));
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [&] { return pending_ == 0; });
  }

 private:
  void workerLoop(int index) {
    in_parallel = true;  // a kernel on a worker never re-enters the pool
    uint64_t seen = 0;
    for (;;) {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      auto* f = job_;
      int64_t b = begin_ + index * chunk_, e = std::min(end_, b + chunk_);
      lk.unlock();
      if (b < e) (*f)(b, e);
      lk.lock();
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t begin_ = 0, end_ = 0, chunk_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

// WICK_NUM_THREADS overrides the size (1 disables the pool), as OMP_NUM_THREADS does for torch.
int poolSize() {
  if (const char* env = std::getenv("WICK_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return std::min(n, 64);
  }
  return static_cast<int>(std::max(1u, std::min(8u, std::thread::hardware_concurrency())));
}

ThreadPool& pool() {
  static ThreadPool p(poolSize());
  return p;
}

}  // namespace

int numThreads() { return pool().size(); }

void parallelForImpl(int64_t begin, int64_t end, const std::function<void(int64_t, int64_t)>& f) {
  if (in_parallel || pool().size() == 1) {
    f(begin, end);
    return;
  }
  in_parallel = true;
  try {
    pool().run(begin, end, f);
  } catch (...) {
    in_parallel = false;
    throw;
  }
  in_parallel = false;
}

}  // namespace wick::ops
