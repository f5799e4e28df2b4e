// Counters: values that only go up (runs finished, records sent, 429s seen).
#pragma once

#include <atomic>

#include "service/metrics/metric_family.h"

namespace backflow::metrics {

// One counter. Thread-safe, lock-free.
class Counter {
 public:
  // Adds `amount`; negative amounts are ignored (a counter never decreases).
  void inc(double amount = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class CounterFamily : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  std::string_view type() const override { return "counter"; }

  // The counter for `values` (one per label name), created at 0 on first
  // use. Throws MetricError on a wrong number of values.
  Counter& with(const LabelValues& values = {});

 protected:
  void render_samples(std::string& out) const override;

 private:
  Children<Counter> children_;
};

}  // namespace backflow::metrics
