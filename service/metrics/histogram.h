// Histograms: distributions of observed values (run durations, request
// latencies) in cumulative buckets, exposed as _bucket{le=...}, _sum, _count.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "service/metrics/metric_family.h"

namespace backflow::metrics {

// One histogram over fixed upper bounds. Thread-safe.
class Histogram {
 public:
  // `upper_bounds` ascending; the implicit +Inf bucket is added when rendering.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative_counts;  // one per upper bound
    std::uint64_t count = 0;
    double sum = 0;
  };
  // A consistent view: counts, sum and count from the same moment.
  Snapshot snapshot() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  std::vector<double> upper_bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> bucket_counts_;  // non-cumulative, per bound
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

class HistogramFamily : public MetricFamily {
 public:
  // Throws MetricError when `upper_bounds` is empty or not strictly
  // ascending, or a label is named "le" (the bucket label).
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> upper_bounds);
  std::string_view type() const override { return "histogram"; }

  // The histogram for `values`, created empty on first use.
  Histogram& with(const LabelValues& values = {});

 protected:
  void render_samples(std::string& out) const override;

 private:
  std::vector<double> upper_bounds_;
  Children<Histogram> children_;
};

// Bounds start, start*factor, ... (`count` of them), as Prometheus clients do.
std::vector<double> exponential_buckets(double start, double factor, std::size_t count);

}  // namespace backflow::metrics
