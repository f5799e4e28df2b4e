#include "service/metrics/gauge.h"

#include "service/metrics/text_format.h"

namespace backflow::metrics {

Gauge& GaugeFamily::with(const LabelValues& values) {
  check_arity(values);
  return children_.get_or_create(values);
}

void GaugeFamily::render_samples(std::string& out) const {
  children_.for_each([&](const LabelValues& values, const Gauge& gauge) {
    out += name() + format_labels(label_pairs(values)) + ' ' + format_value(gauge.value()) + '\n';
  });
}

}  // namespace backflow::metrics
