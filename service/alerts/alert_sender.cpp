#include "service/alerts/alert_sender.h"

#include <spdlog/spdlog.h>

#include "destinations/http_client.h"
#include "service/alerts/alert_payload.h"

namespace backflow::alerts {

AlertSender::AlertSender() : AlertSender(Options{}) {}

AlertSender::AlertSender(Options options) : options_(options), thread_([this] { work(); }) {}

AlertSender::~AlertSender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void AlertSender::deliver(const config::Alert& target, const AlertNotice& notice) {
  Pending pending{target.type, target.url, render_payload(target.type, notice),
                  std::string(config::to_string(target.type)) + " alert " + std::string(to_string(notice.condition)) +
                      " (" + std::string(to_string(notice.status)) + ") for sync " + notice.sync};
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queued) {
      ++stats_.dropped;
      spdlog::warn("alert dropped, {} notices already waiting: {}", queue_.size(), pending.what);
      return;
    }
    queue_.push_back(std::move(pending));
  }
  changed_.notify_all();
}

bool AlertSender::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return queue_.empty() && !busy_; });
}

AlertSender::Stats AlertSender::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void AlertSender::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Pending pending = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    bool sent = post(pending);
    lock.lock();
    busy_ = false;
    ++(sent ? stats_.sent : stats_.failed);
    changed_.notify_all();
  }
}

bool AlertSender::post(const Pending& pending) {
  destinations::HttpClient client({options_.connect_timeout, options_.total_timeout, 1});
  auto delay = options_.retry_delay;
  std::string last_problem;
  for (std::uint32_t attempt = 1; attempt <= options_.attempts; ++attempt) {
    destinations::HttpRequest request{"POST", pending.url, {{"Content-Type", "application/json"}}, pending.body};
    client.start(std::move(request));
    destinations::HttpResponse response;
    for (bool done = false; !done;) {
      for (auto& [id, finished] : client.poll(std::chrono::milliseconds(200))) {
        response = std::move(finished);
        done = true;
      }
    }
    if (response.transport_error == destinations::TransportError::None && response.status >= 200 &&
        response.status < 300) {
      spdlog::info("alert sent: {} to {}", pending.what, url_host(pending.url));
      return true;
    }
    last_problem = response.transport_error != destinations::TransportError::None
                       ? "no response (" + response.error_message + ")"
                       : "HTTP " + std::to_string(response.status);
    bool retryable = response.transport_error == destinations::TransportError::Timeout ||
                     response.transport_error == destinations::TransportError::Connection || response.status == 429 ||
                     response.status >= 500;
    if (!retryable || attempt == options_.attempts) break;
    {
      std::unique_lock lock(mutex_);
      if (changed_.wait_for(lock, delay, [this] { return stopping_; })) break;
    }
    delay *= 2;
  }
  spdlog::error("alert not sent: {} to {}: {}", pending.what, url_host(pending.url), last_problem);
  return false;
}

std::string url_host(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  auto at = authority.rfind('@');
  return at == std::string::npos ? authority : authority.substr(at + 1);
}

}  // namespace backflow::alerts
