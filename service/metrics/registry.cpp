#include "service/metrics/registry.h"

namespace backflow::metrics {

template <typename Family, typename... Extra>
Family& Registry::get_or_add(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                             Extra&&... extra) {
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) {
    if (family->name() != name) continue;
    auto* typed = dynamic_cast<Family*>(family.get());
    if (typed == nullptr || typed->label_names() != label_names) {
      throw MetricError("metric " + name + " is already registered as a " + std::string(family->type()) +
                        " with other labels or type");
    }
    return *typed;
  }
  auto family = std::make_unique<Family>(name, help, std::move(label_names), std::forward<Extra>(extra)...);
  Family& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  return get_or_add<CounterFamily>(name, help, std::move(label_names));
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  return get_or_add<GaugeFamily>(name, help, std::move(label_names));
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names, std::vector<double> upper_bounds) {
  return get_or_add<HistogramFamily>(name, help, std::move(label_names), std::move(upper_bounds));
}

void Registry::add_collector(std::function<void()> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::render() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& family : families_) family->render(out);
  return out;
}

}  // namespace backflow::metrics
