#include "service/metrics/histogram.h"

#include <algorithm>

#include "service/metrics/text_format.h"

namespace backflow::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), bucket_counts_(upper_bounds_.size(), 0) {}

void Histogram::observe(double value) {
  // The first bound >= value: Prometheus buckets are "less than or equal".
  auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  std::lock_guard lock(mutex_);
  if (it != upper_bounds_.end()) ++bucket_counts_[static_cast<std::size_t>(it - upper_bounds_.begin())];
  ++count_;
  sum_ += value;
}

Histogram::Snapshot Histogram::snapshot() const {
  std::lock_guard lock(mutex_);
  Snapshot snap;
  snap.cumulative_counts.reserve(bucket_counts_.size());
  std::uint64_t running = 0;
  for (auto n : bucket_counts_) snap.cumulative_counts.push_back(running += n);
  snap.count = count_;
  snap.sum = sum_;
  return snap;
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names)), upper_bounds_(std::move(upper_bounds)) {
  if (upper_bounds_.empty()) throw MetricError("histogram " + this->name() + " needs at least one bucket");
  for (std::size_t i = 1; i < upper_bounds_.size(); ++i) {
    if (!(upper_bounds_[i] > upper_bounds_[i - 1])) {
      throw MetricError("histogram " + this->name() + ": bucket bounds must be strictly ascending");
    }
  }
  for (const auto& label : this->label_names()) {
    if (label == "le") throw MetricError("histogram " + this->name() + ": the label name \"le\" is reserved");
  }
}

Histogram& HistogramFamily::with(const LabelValues& values) {
  check_arity(values);
  return children_.get_or_create(values, upper_bounds_);
}

void HistogramFamily::render_samples(std::string& out) const {
  children_.for_each([&](const LabelValues& values, const Histogram& histogram) {
    const auto snap = histogram.snapshot();
    auto pairs = label_pairs(values);
    auto bucket_line = [&](const std::string& le, std::uint64_t count) {
      auto with_le = pairs;
      with_le.emplace_back("le", le);
      out += name() + "_bucket" + format_labels(with_le) + ' ' + std::to_string(count) + '\n';
    };
    for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
      bucket_line(format_value(upper_bounds_[i]), snap.cumulative_counts[i]);
    }
    bucket_line("+Inf", snap.count);
    const std::string labels = format_labels(pairs);
    out += name() + "_sum" + labels + ' ' + format_value(snap.sum) + '\n';
    out += name() + "_count" + labels + ' ' + std::to_string(snap.count) + '\n';
  });
}

std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
  std::vector<double> bounds;
  bounds.reserve(count);
  double bound = start;
  for (std::size_t i = 0; i < count; ++i, bound *= factor) bounds.push_back(bound);
  return bounds;
}

}  // namespace backflow::metrics
