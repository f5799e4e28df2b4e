#include "service/metrics/metric_family.h"

#include "service/metrics/text_format.h"

namespace backflow::metrics {

MetricFamily::MetricFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  if (!is_valid_metric_name(name_)) throw MetricError("invalid metric name '" + name_ + "'");
  for (const auto& label : label_names_) {
    if (!is_valid_label_name(label)) throw MetricError("metric " + name_ + ": invalid label name '" + label + "'");
  }
}

void MetricFamily::render(std::string& out) const {
  out += "# HELP " + name_ + ' ' + escape_help(help_) + '\n';
  out += "# TYPE " + name_ + ' ' + std::string(type()) + '\n';
  render_samples(out);
}

std::vector<std::pair<std::string, std::string>> MetricFamily::label_pairs(const LabelValues& values) const {
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) pairs.emplace_back(label_names_[i], values[i]);
  return pairs;
}

void MetricFamily::check_arity(const LabelValues& values) const {
  if (values.size() != label_names_.size()) {
    throw MetricError("metric " + name_ + " takes " + std::to_string(label_names_.size()) + " label values, got " +
                      std::to_string(values.size()));
  }
}

}  // namespace backflow::metrics
