// The scheduler's notion of time, injectable so tests can move it by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <set>

namespace backflow::scheduler {

using TimePoint = std::chrono::system_clock::time_point;

// Wall-clock time and a way to sleep on it. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;

  // Blocks (releasing `lock`, which must hold the mutex `wake` is used with)
  // until `deadline` by this clock or until `wake` is notified. May return
  // early: callers re-check their condition.
  virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, TimePoint deadline) = 0;
};

// The system clock.
class SystemClock : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, TimePoint deadline) override;
};

// A clock that stands still until a test advances it. Waiters whose deadline
// is reached by advance() or set() are woken. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}

  TimePoint now() const override;
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& wake, TimePoint deadline) override;

  void advance(std::chrono::milliseconds by);
  void set(TimePoint to);  // moves forward only; an earlier time is ignored

 private:
  void wake_waiters();
  mutable std::mutex mutex_;
  TimePoint now_;
  std::multiset<std::condition_variable*> waiters_;
};

// Unix epoch milliseconds of `time`.
std::int64_t to_unix_ms(TimePoint time);
TimePoint from_unix_ms(std::int64_t ms);

}  // namespace backflow::scheduler
