// A named metric with a fixed list of label names, holding one child (a
// counter, gauge or histogram) per distinct combination of label values.
// Children are created on first use and live as long as the family, so a
// caller may keep the reference `with()` returns. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backflow::metrics {

using LabelValues = std::vector<std::string>;

// A metric misused by the program (bad name, wrong number of label values,
// the same name registered as two types): a bug, reported with the name.
class MetricError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class MetricFamily {
 public:
  // Throws MetricError when `name` or a label name is not valid.
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  virtual std::string_view type() const = 0;

  // Appends the family's HELP and TYPE lines and every sample.
  void render(std::string& out) const;

 protected:
  // Appends the samples of every child, in label-value order.
  virtual void render_samples(std::string& out) const = 0;
  // The label pairs of `values`, for the sample lines.
  std::vector<std::pair<std::string, std::string>> label_pairs(const LabelValues& values) const;
  // Throws MetricError unless `values` has one value per label name.
  void check_arity(const LabelValues& values) const;

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
};

// The per-label-values children of a family of `Child`s.
template <typename Child>
class Children {
 public:
  template <typename... Args>
  Child& get_or_create(const LabelValues& values, Args&&... args) {
    std::lock_guard lock(mutex_);
    auto it = children_.find(values);
    if (it == children_.end()) {
      it = children_.emplace(values, std::make_unique<Child>(std::forward<Args>(args)...)).first;
    }
    return *it->second;
  }

  // Calls visit(values, child) for each child in label-value order.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, child] : children_) visit(values, *child);
  }

 private:
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Child>> children_;
};

}  // namespace backflow::metrics
