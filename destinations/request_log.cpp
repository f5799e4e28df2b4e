#include "destinations/request_log.h"

namespace backflow::destinations {

namespace {

std::string cut(std::string body) {
  if (body.size() <= RequestLog::kMaxBodyBytes) return body;
  std::size_t total = body.size();
  body.resize(RequestLog::kMaxBodyBytes);
  body += "... (" + std::to_string(total) + " bytes)";
  return body;
}

}  // namespace

RequestLog::RequestLog(std::size_t capacity) : capacity_(capacity) {}

void RequestLog::record(const Redactor& redactor, ExchangeRecord exchange) {
  exchange.url = redactor.redact_url(exchange.url);
  exchange.request_headers = redactor.redact_headers(exchange.request_headers);
  exchange.response_headers = redactor.redact_headers(exchange.response_headers);
  // Redact before cutting, so a secret straddling the cut is never half-kept.
  exchange.request_body = cut(redactor.redact_text(std::move(exchange.request_body)));
  exchange.response_body = cut(redactor.redact_text(std::move(exchange.response_body)));
  exchange.error = redactor.redact_text(std::move(exchange.error));
  std::lock_guard lock(mutex_);
  entries_.push_back(std::move(exchange));
  while (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<ExchangeRecord> RequestLog::entries() const {
  std::lock_guard lock(mutex_);
  return {entries_.begin(), entries_.end()};
}

void RequestLog::set_capacity(std::size_t capacity) {
  std::lock_guard lock(mutex_);
  capacity_ = capacity;
  while (entries_.size() > capacity_) entries_.pop_front();
}

RequestLogRegistry& RequestLogRegistry::global() {
  static RequestLogRegistry registry;
  return registry;
}

std::shared_ptr<RequestLog> RequestLogRegistry::for_destination(const std::string& name,
                                                                std::size_t capacity) {
  std::lock_guard lock(mutex_);
  auto& log = logs_[name];
  if (!log) log = std::make_shared<RequestLog>(capacity);
  return log;
}

std::shared_ptr<RequestLog> RequestLogRegistry::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = logs_.find(name);
  return it == logs_.end() ? nullptr : it->second;
}

}  // namespace backflow::destinations
