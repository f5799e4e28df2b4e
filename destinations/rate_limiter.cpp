#include "destinations/rate_limiter.h"

#include <algorithm>

namespace backflow::destinations {

namespace {

constexpr double kMinimumShare = 1.0 / 64;
constexpr double kIncreaseShare = 1.0 / 20;

// Requests per second: the limit spread over its window padded by 1% or
// 20 ms, whichever is more, because network jitter is absolute, not
// proportional to the window.
double rate_of(RateLimit limit) {
  if (limit.unlimited()) return 0;
  const double window_ms = static_cast<double>(limit.per.count());
  const double padded_ms = window_ms + std::max(window_ms / 100.0, 20.0);
  return limit.requests * 1000.0 / padded_ms;
}

}  // namespace

RateLimiter::RateLimiter(RateLimit limit)
    : configured_rate_(rate_of(limit)), rate_(configured_rate_), last_refill_(Clock::now()) {}

void RateLimiter::refill(Clock::time_point now) {
  if (now > last_refill_) {
    std::chrono::duration<double> elapsed = now - last_refill_;
    tokens_ = std::min(1.0, tokens_ + elapsed.count() * rate_);
    last_refill_ = now;
  }
}

RateLimiter::Clock::duration RateLimiter::try_acquire() {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  auto must_wait = [this] {
    if (!waiting_) ++stats_.waits;
    waiting_ = true;
  };
  if (now < paused_until_) {
    must_wait();
    return paused_until_ - now;
  }
  if (configured_rate_ == 0) return Clock::duration::zero();
  if (last_refill_ < paused_until_) last_refill_ = paused_until_;
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    waiting_ = false;
    return Clock::duration::zero();
  }
  must_wait();
  std::chrono::duration<double> wait((1.0 - tokens_) / rate_);
  return std::max<Clock::duration>(std::chrono::duration_cast<Clock::duration>(wait),
                                   std::chrono::microseconds(100));
}

void RateLimiter::on_success() {
  std::lock_guard lock(mutex_);
  if (configured_rate_ == 0) return;
  refill(Clock::now());
  rate_ = std::min(configured_rate_, rate_ + configured_rate_ * kIncreaseShare);
}

void RateLimiter::on_throttled() {
  std::lock_guard lock(mutex_);
  ++stats_.throttled;
  if (configured_rate_ == 0) return;
  refill(Clock::now());
  rate_ = std::max(configured_rate_ * kMinimumShare, rate_ / 2);
  tokens_ = 0;
}

void RateLimiter::pause_until(Clock::time_point until) {
  std::lock_guard lock(mutex_);
  paused_until_ = std::max(paused_until_, until);
  tokens_ = std::min(tokens_, 1.0);
}

void RateLimiter::tighten_to(RateLimit limit) {
  std::lock_guard lock(mutex_);
  double rate = rate_of(limit);
  if (rate == 0) return;
  if (configured_rate_ == 0 || rate < configured_rate_) {
    configured_rate_ = rate;
    rate_ = std::min(rate_ == 0 ? rate : rate_, rate);
  }
}

bool RateLimiter::unlimited() const {
  std::lock_guard lock(mutex_);
  return configured_rate_ == 0;
}

double RateLimiter::current_rate_per_second() const {
  std::lock_guard lock(mutex_);
  return rate_;
}

RateLimiterStats RateLimiter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

RateLimiterRegistry& RateLimiterRegistry::global() {
  static RateLimiterRegistry registry;
  return registry;
}

std::shared_ptr<RateLimiter> RateLimiterRegistry::for_destination(const std::string& name,
                                                                  RateLimit limit) {
  std::lock_guard lock(mutex_);
  auto& limiter = limiters_[name];
  if (!limiter) {
    limiter = std::make_shared<RateLimiter>(limit);
  } else {
    limiter->tighten_to(limit);
  }
  return limiter;
}

std::vector<std::pair<std::string, RateLimiterStats>> RateLimiterRegistry::stats() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, RateLimiterStats>> all;
  all.reserve(limiters_.size());
  for (const auto& [name, limiter] : limiters_) all.emplace_back(name, limiter->stats());
  return all;
}

}  // namespace backflow::destinations
