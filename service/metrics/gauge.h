// Gauges: values that go up and down (queue depth, last success time).
#pragma once

#include <atomic>

#include "service/metrics/metric_family.h"

namespace backflow::metrics {

// One gauge. Thread-safe, lock-free.
class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class GaugeFamily : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  std::string_view type() const override { return "gauge"; }

  // The gauge for `values`, created at 0 on first use. Throws MetricError
  // on a wrong number of values.
  Gauge& with(const LabelValues& values = {});

 protected:
  void render_samples(std::string& out) const override;

 private:
  Children<Gauge> children_;
};

}  // namespace backflow::metrics
