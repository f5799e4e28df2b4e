#include "service/scheduler/clock.h"

namespace backflow::scheduler {

void SystemClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, TimePoint deadline) {
  wake.wait_until(lock, deadline);
}

TimePoint ManualClock::now() const {
  std::lock_guard guard(mutex_);
  return now_;
}

void ManualClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, TimePoint deadline) {
  {
    std::lock_guard guard(mutex_);
    if (now_ >= deadline) return;
    waiters_.insert(&wake);
  }
  // advance() may notify between the registration above and the wait below
  // (it does not hold the caller's mutex), so the wait is bounded in real
  // time: a missed notification costs at most this long.
  wake.wait_for(lock, std::chrono::milliseconds(20));
  std::lock_guard guard(mutex_);
  waiters_.erase(waiters_.find(&wake));
}

void ManualClock::advance(std::chrono::milliseconds by) {
  {
    std::lock_guard guard(mutex_);
    now_ += by;
  }
  wake_waiters();
}

void ManualClock::set(TimePoint to) {
  {
    std::lock_guard guard(mutex_);
    if (to > now_) now_ = to;
  }
  wake_waiters();
}

void ManualClock::wake_waiters() {
  std::lock_guard guard(mutex_);
  for (auto* waiter : waiters_) waiter->notify_all();
}

std::int64_t to_unix_ms(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

TimePoint from_unix_ms(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace backflow::scheduler
