// The set of metric families one process exposes at /metrics. Families are
// registered once by name and rendered in registration order. Thread-safe;
// the references it returns live as long as the registry.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "service/metrics/counter.h"
#include "service/metrics/gauge.h"
#include "service/metrics/histogram.h"

namespace backflow::metrics {

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The family named `name`, created on first call. Asking again for the
  // same name with the same type and label names returns the same family;
  // with a different type or labels throws MetricError.
  CounterFamily& counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                             std::vector<double> upper_bounds);

  // Registers `collect`, called at the start of every render() (on the
  // rendering thread, without the registry's lock held) to bring metrics
  // kept elsewhere up to date. It must not call render().
  void add_collector(std::function<void()> collect);

  // Every family in the Prometheus text format 0.0.4.
  std::string render() const;

 private:
  template <typename Family, typename... Extra>
  Family& get_or_add(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                     Extra&&... extra);
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::vector<std::function<void()>> collectors_;
};

}  // namespace backflow::metrics
