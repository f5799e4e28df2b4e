#include "service/metrics/counter.h"

#include "service/metrics/text_format.h"

namespace backflow::metrics {

void Counter::inc(double amount) {
  if (!(amount > 0)) return;
  value_.fetch_add(amount, std::memory_order_relaxed);
}

Counter& CounterFamily::with(const LabelValues& values) {
  check_arity(values);
  return children_.get_or_create(values);
}

void CounterFamily::render_samples(std::string& out) const {
  children_.for_each([&](const LabelValues& values, const Counter& counter) {
    out += name() + format_labels(label_pairs(values)) + ' ' + format_value(counter.value()) + '\n';
  });
}

}  // namespace backflow::metrics
