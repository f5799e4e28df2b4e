#include "destinations/delivery_engine.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <thread>
#include <unordered_map>

#include "destinations/batch_splitter.h"
#include "destinations/destination_error.h"
#include "destinations/http_client.h"
#include "destinations/rate_limit_headers.h"
#include "destinations/redaction.h"
#include "destinations/retry_policy.h"

namespace backflow::destinations {

namespace {

using Clock = std::chrono::steady_clock;

BatchLimits effective_limits(const DestinationModule& module, const DestinationSettings& settings) {
  BatchLimits limits = module.batch_limits();
  if (settings.batch_size > 0) limits.max_records = std::min(limits.max_records, settings.batch_size);
  if (settings.max_bytes > 0) limits.max_bytes = std::min(limits.max_bytes, settings.max_bytes);
  limits.max_records = std::max<std::size_t>(1, limits.max_records);
  return limits;
}

RateLimit effective_rate_limit(const DestinationModule& module, const DestinationSettings& settings) {
  return settings.rate_limit ? *settings.rate_limit : module.default_rate_limit();
}

std::vector<std::string> known_secrets(const DestinationModule& module,
                                       const DestinationSettings& settings) {
  std::vector<std::string> secrets = module.secrets();
  if (!settings.secret.empty()) secrets.push_back(settings.secret);
  for (const auto& [name, value] : settings.headers) {
    if (Redactor::is_sensitive_name(name)) {
      secrets.push_back(value);
      // "Bearer abc": the token alone may appear elsewhere too.
      if (auto space = value.find(' '); space != std::string::npos) secrets.push_back(value.substr(space + 1));
    }
  }
  return secrets;
}

std::string snippet(const std::string& body) {
  constexpr std::size_t kMax = 300;
  if (body.size() <= kMax) return body;
  return body.substr(0, kMax) + "...";
}

std::string describe_failure(const HttpResponse& response) {
  if (response.transport_error != TransportError::None) return response.error_message;
  std::string text = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) text += ": " + snippet(response.body);
  return text;
}

// The state of one deliver() call.
class DeliveryLoop {
 public:
  DeliveryLoop(const DestinationModule& module, const DestinationSettings& settings,
               const BatchLimits& limits, RateLimiter& limiter, RequestLog& log,
               const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks)
      : module_(module),
        settings_(settings),
        limits_(limits),
        limiter_(limiter),
        log_(log),
        run_(run),
        feed_(feed),
        callbacks_(callbacks),
        redactor_(known_secrets(module, settings)),
        retry_policy_(settings.retry),
        rate_limit_headers_(module.rate_limit_headers()),
        client_(HttpClientOptions{settings.connect_timeout, settings.total_timeout,
                                  std::max<std::size_t>(1, settings.max_concurrency)}),
        next_sequence_(run.first_batch_sequence) {
    key_locks_.reserve(limits.max_records * std::max<std::size_t>(1, settings.max_concurrency) * 2);
  }

  DeliverySummary run() {
    const auto started = Clock::now();
    const std::size_t concurrency = std::max<std::size_t>(1, settings_.max_concurrency);
    while (true) {
      if (run_.stop.stop_requested()) {
        summary_.cancelled = true;
        break;
      }
      auto now = Clock::now();
      promote_due_retries(now);
      Clock::time_point wake = now + std::chrono::milliseconds(100);
      fill(concurrency, wake);
      if (in_flight_.empty() && ready_.empty() && waiting_.empty() && feed_done_ && !held_) break;
      for (const auto& batch : waiting_) wake = std::min(wake, batch.ready_at);
      auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
      timeout = std::clamp(timeout, std::chrono::milliseconds(0), std::chrono::milliseconds(100));
      if (in_flight_.empty()) {
        if (timeout.count() > 0) std::this_thread::sleep_for(timeout);
        continue;
      }
      for (auto& [id, response] : client_.poll(timeout)) {
        auto node = in_flight_.extract(id);
        handle_response(std::move(node.mapped()), response);
      }
    }
    client_.abort_all();
    summary_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return summary_;
  }

 private:
  struct InFlight {
    Batch batch;
    HttpRequest request;  // kept for the request log
    std::chrono::system_clock::time_point sent_at;
  };

  // Starts requests while a concurrency slot and a rate-limit token allow.
  void fill(std::size_t concurrency, Clock::time_point& wake) {
    while (in_flight_.size() < concurrency) {
      if (ready_.empty()) {
        auto batch = form_batch();
        if (!batch) return;
        ready_.push_back(std::move(*batch));
      }
      if (deferral_) {
        defer(std::move(ready_.front()));
        ready_.pop_front();
        continue;
      }
      auto wait = limiter_.try_acquire();
      if (wait > Clock::duration::zero()) {
        wake = std::min(wake, Clock::now() + wait);
        return;
      }
      promote_due_retries(Clock::now());  // a retry that fell due while we waited goes first
      Batch batch = std::move(ready_.front());
      ready_.pop_front();
      send(std::move(batch));
    }
  }

  bool pull_held() {
    if (held_) return true;
    if (feed_done_) return false;
    DeliveryRecord record;
    if (!feed_.next(record)) {
      feed_done_ = true;
      return false;
    }
    PendingRecord pending;
    pending.bytes = module_.record_size(record);
    pending.record = std::move(record);
    pending.position = next_position_++;
    settled_.push_back(false);
    ++summary_.records;
    held_ = std::move(pending);
    return true;
  }

  std::optional<Batch> form_batch() {
    Batch batch;
    std::size_t bytes = 0;
    while (batch.records.size() < limits_.max_records && pull_held()) {
      // A zero entry may stay behind for a record that waits; finalize() cleans up.
      auto lock = key_locks_.try_emplace(held_->record.key, 0).first;
      if (lock->second > 0) break;  // an earlier change of this key is unsettled
      if (module_.homogeneous_batches() && !batch.records.empty() &&
          batch.records.front().record.op != held_->record.op) {
        break;
      }
      if (held_->bytes > limits_.max_bytes) {
        PendingRecord oversized = std::move(*held_);
        held_.reset();
        finalize(oversized, RecordStatus::Rejected, 0,
                 "record is " + std::to_string(oversized.bytes) + " bytes; destination '" +
                     settings_.name + "' accepts at most " + std::to_string(limits_.max_bytes) +
                     " bytes per request");
        acknowledge("oversized", 1, std::nullopt);
        continue;
      }
      if (!batch.records.empty() && bytes + held_->bytes > limits_.max_bytes) break;
      bytes += held_->bytes;
      ++lock->second;
      batch.records.push_back(std::move(*held_));
      held_.reset();
    }
    if (batch.records.empty()) return std::nullopt;
    batch.sequence = next_sequence_++;
    batch.id = std::to_string(batch.sequence);
    return batch;
  }

  void send(Batch batch) {
    std::vector<const DeliveryRecord*> records;
    records.reserve(batch.records.size());
    for (const auto& pending : batch.records) records.push_back(&pending.record);
    BatchContext context{run_.sync, run_.run_id, batch.id, run_.mode, batch.attempts + 1};
    InFlight flight{std::move(batch), module_.build_request(context, records),
                    std::chrono::system_clock::now()};
    std::uint64_t id = client_.start(flight.request);
    ++summary_.requests;
    in_flight_.emplace(id, std::move(flight));
  }

  void log_exchange(const InFlight& flight, const HttpResponse& response) {
    ExchangeRecord exchange;
    exchange.sent_at = flight.sent_at;
    exchange.sync = run_.sync;
    exchange.batch_id = flight.batch.id;
    exchange.attempt = flight.batch.attempts;
    exchange.method = flight.request.method;
    exchange.url = flight.request.url;
    exchange.request_headers = flight.request.headers;
    exchange.request_body = flight.request.body.substr(0, RequestLog::kMaxBodyBytes * 2);
    exchange.status = response.status;
    exchange.response_headers = response.headers;
    exchange.response_body = response.body.substr(0, RequestLog::kMaxBodyBytes * 2);
    exchange.error = response.error_message;
    exchange.elapsed = response.elapsed;
    log_.record(redactor_, std::move(exchange));
  }

  void handle_response(InFlight flight, const HttpResponse& response) {
    Batch& batch = flight.batch;
    ++batch.attempts;
    for (auto& pending : batch.records) ++pending.attempts;
    log_exchange(flight, response);

    if (auto wait = exhausted_budget_wait(response, rate_limit_headers_)) {
      limiter_.pause_until(Clock::now() + *wait);
    }
    if (response.transport_error == TransportError::Fatal) {
      throw DestinationError("destination '" + settings_.name + "': request to " +
                             redactor_.redact_url(flight.request.url) +
                             " failed and cannot succeed on retry: " + response.error_message);
    }
    const bool rate_limited = response.status == 429 || module_.signals_rate_limit(response);
    if (!rate_limited && (response.status == 401 || response.status == 403)) {
      throw DestinationAuthError(
          "destination '" + settings_.name + "' (" + module_.type() + ") refused the credentials: HTTP " +
              std::to_string(response.status) + " from " + redactor_.redact_url(flight.request.url) +
              (response.body.empty() ? "" : ": " + redactor_.redact_text(snippet(response.body))) +
              "; delivery stopped, check the destination's token or secret",
          response.status);
    }
    if (rate_limited) {
      ++summary_.throttled;
      limiter_.on_throttled();
    }
    if (response.transport_error != TransportError::None || response.status == 408 || rate_limited ||
        response.status >= 500) {
      schedule_retry(std::move(batch), response, describe_failure(response));
      return;
    }
    limiter_.on_success();

    std::vector<const DeliveryRecord*> records;
    records.reserve(batch.records.size());
    for (const auto& pending : batch.records) records.push_back(&pending.record);
    BatchVerdict verdict = module_.parse_response(response, records);

    if (verdict.rejected_as_whole) {
      if (batch.records.size() > 1) {
        ++summary_.bisections;
        auto [first, second] = split_in_halves(std::move(batch));
        ready_.push_front(std::move(second));
        ready_.push_front(std::move(first));
        return;
      }
      finalize(batch.records.front(), RecordStatus::Rejected, response.status, verdict.message);
      acknowledge(batch.id, 1, batch.sequence);
      return;
    }
    if (verdict.records.size() != batch.records.size()) {
      throw DestinationError("destination module '" + module_.type() + "' returned " +
                             std::to_string(verdict.records.size()) + " verdicts for a batch of " +
                             std::to_string(batch.records.size()) + " records");
    }
    Batch remainder;
    remainder.id = batch.id + ".r" + std::to_string(batch.attempts);
    remainder.sequence = batch.sequence;
    remainder.attempts = batch.attempts;
    std::size_t settled = 0;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
      const RecordVerdict& record_verdict = verdict.records[i];
      switch (record_verdict.kind) {
        case RecordVerdictKind::Accepted:
          finalize(batch.records[i], RecordStatus::Accepted, response.status, {},
                   record_verdict.destination_id);
          ++settled;
          break;
        case RecordVerdictKind::Rejected:
          finalize(batch.records[i], RecordStatus::Rejected, response.status, record_verdict.message);
          ++settled;
          break;
        case RecordVerdictKind::Retryable:
          remainder.records.push_back(std::move(batch.records[i]));
          break;
      }
    }
    if (settled > 0) acknowledge(batch.id, settled, batch.sequence);
    if (!remainder.records.empty()) {
      std::string why = "HTTP " + std::to_string(response.status) + ", asked to retry: ";
      for (const auto& record_verdict : verdict.records) {
        if (record_verdict.kind == RecordVerdictKind::Retryable) {
          why += record_verdict.message;
          break;
        }
      }
      schedule_retry(std::move(remainder), response, why);
    }
  }

  // `failure` says what went wrong last, for the outcome if retries run out.
  void schedule_retry(Batch batch, const HttpResponse& response, const std::string& failure) {
    auto server_wait = retry_after(response);
    const bool wait_too_long = server_wait && !retry_policy_.may_wait(*server_wait);
    if (!retry_policy_.may_retry(batch.attempts) || wait_too_long) {
      std::string message =
          wait_too_long ? "the destination asked to wait " + std::to_string(server_wait->count() / 1000) +
                              " s (Retry-After), longer than retry.max_server_wait; last: " +
                              redactor_.redact_text(failure)
                        : "gave up after " + std::to_string(batch.attempts) +
                              " attempts; last: " + redactor_.redact_text(failure);
      if (wait_too_long) {
        // Every other request would get the same answer: defer the rest of
        // the run's records to the next run without sending them.
        limiter_.pause_until(Clock::now() + *server_wait);
        deferral_ = Deferral{message, response.status};
        for (auto& waiting : waiting_) ready_.push_back(std::move(waiting));
        waiting_.clear();
      }
      for (auto& pending : batch.records) {
        finalize(pending, RecordStatus::RetriesExhausted, response.status, message);
      }
      acknowledge(batch.id, batch.records.size(), batch.sequence);
      return;
    }
    ++summary_.retried_requests;
    const auto now = Clock::now();
    if (server_wait && (response.status == 429 || response.status == 503)) {
      limiter_.pause_until(now + *server_wait);  // the whole account waits, not just this batch
    }
    batch.ready_at = now + retry_policy_.delay(batch.attempts, server_wait);
    waiting_.push_back(std::move(batch));
  }

  void defer(Batch batch) {
    for (auto& pending : batch.records) {
      finalize(pending, RecordStatus::RetriesExhausted, deferral_->http_status, deferral_->message);
    }
    acknowledge(batch.id, batch.records.size(), batch.sequence);
  }

  void promote_due_retries(Clock::time_point now) {
    if (waiting_.empty()) return;
    std::stable_sort(waiting_.begin(), waiting_.end(),
                     [](const Batch& a, const Batch& b) { return a.ready_at < b.ready_at; });
    auto due = std::find_if(waiting_.begin(), waiting_.end(),
                            [&](const Batch& batch) { return batch.ready_at > now; });
    // Retries go before new batches: they are older work, and holding keys.
    ready_.insert(ready_.begin(), std::make_move_iterator(waiting_.begin()), std::make_move_iterator(due));
    waiting_.erase(waiting_.begin(), due);
  }

  void finalize(const PendingRecord& pending, RecordStatus status, long http_status, std::string message,
                std::string destination_id = {}) {
    switch (status) {
      case RecordStatus::Accepted: ++summary_.accepted; break;
      case RecordStatus::Rejected: ++summary_.rejected; break;
      case RecordStatus::RetriesExhausted: ++summary_.retries_exhausted; break;
    }
    if (callbacks_.on_outcome) {
      RecordOutcome outcome;
      outcome.position = pending.position;
      outcome.key = pending.record.key;
      outcome.op = pending.record.op;
      outcome.status = status;
      outcome.http_status = http_status;
      outcome.message = std::move(message);
      outcome.attempts = pending.attempts;
      outcome.destination_id = std::move(destination_id);
      callbacks_.on_outcome(outcome);
    }
    auto lock = key_locks_.find(pending.record.key);
    if (lock != key_locks_.end() && --lock->second == 0) key_locks_.erase(lock);
    settled_[static_cast<std::size_t>(pending.position - settled_base_)] = true;
    while (!settled_.empty() && settled_.front()) {
      settled_.pop_front();
      ++settled_base_;
    }
  }

  void acknowledge(const std::string& batch_id, std::size_t records, std::optional<std::uint64_t> sequence) {
    if (callbacks_.on_acknowledged) callbacks_.on_acknowledged(BatchAck{batch_id, records, settled_base_, sequence});
  }

  const DestinationModule& module_;
  const DestinationSettings& settings_;
  const BatchLimits& limits_;
  RateLimiter& limiter_;
  RequestLog& log_;
  const DeliveryRun& run_;
  RecordFeed& feed_;
  const DeliveryCallbacks& callbacks_;
  Redactor redactor_;
  RetryPolicy retry_policy_;
  RateLimitHeaderNames rate_limit_headers_;
  HttpClient client_;

  std::uint64_t next_sequence_;
  std::uint64_t next_position_ = 0;
  struct Deferral {
    std::string message;
    long http_status = 0;
  };
  std::optional<Deferral> deferral_;   // set: the destination will not take anything this run
  std::optional<PendingRecord> held_;  // pulled from the feed, not yet in a batch
  bool feed_done_ = false;
  std::deque<Batch> ready_;            // to send as soon as a slot and a token allow
  std::vector<Batch> waiting_;         // retries, until their ready_at
  std::unordered_map<std::uint64_t, InFlight> in_flight_;
  std::unordered_map<std::string, int> key_locks_;  // unsettled records per key
  std::deque<bool> settled_;           // from position settled_base_ on
  std::uint64_t settled_base_ = 0;
  DeliverySummary summary_;
};

}  // namespace

DeliveryEngine::DeliveryEngine(const DestinationModule& module, DestinationSettings settings)
    : DeliveryEngine(module, settings,
                     RateLimiterRegistry::global().for_destination(settings.name,
                                                                   effective_rate_limit(module, settings)),
                     RequestLogRegistry::global().for_destination(settings.name, settings.request_log_size)) {}

DeliveryEngine::DeliveryEngine(const DestinationModule& module, DestinationSettings settings,
                               std::shared_ptr<RateLimiter> limiter, std::shared_ptr<RequestLog> log)
    : module_(module),
      settings_(std::move(settings)),
      limits_(effective_limits(module, settings_)),
      limiter_(std::move(limiter)),
      log_(std::move(log)) {}

DeliverySummary DeliveryEngine::deliver(const DeliveryRun& run, RecordFeed& feed,
                                        const DeliveryCallbacks& callbacks) {
  auto modes = module_.supported_modes();
  if (std::find(modes.begin(), modes.end(), run.mode) == modes.end()) {
    throw DestinationError("destination '" + settings_.name + "' (" + module_.type() +
                           ") does not support the sync mode of sync '" + run.sync + "'");
  }
  DeliveryLoop loop(module_, settings_, limits_, *limiter_, *log_, run, feed, callbacks);
  return loop.run();
}

}  // namespace backflow::destinations
