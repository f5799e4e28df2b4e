// A fixed set of threads running submitted jobs in FIFO order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace backflow::scheduler {

class WorkerPool {
 public:
  // Starts `threads` (at least 1) workers.
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; it runs on the first free worker. Jobs must not throw.
  // Ignored after stop().
  void submit(std::function<void()> job);

  // Jobs submitted and not yet started.
  std::size_t pending() const;

  // Drops the jobs not yet started, waits for the running ones to return
  // and joins the workers. Idempotent.
  void stop();

 private:
  void work();
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace backflow::scheduler
