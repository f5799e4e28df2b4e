#include "service/runner/change_feed.h"

namespace backflow::runner {

namespace {
constexpr std::size_t kQueueCapacity = 2048;
}

ChangeFeed::ChangeFeed(Producer producer, const ChangeTranslator& translator, std::uint64_t skip_changes,
                       NotSent on_not_sent, Sent on_sent)
    : translator_(translator),
      skip_changes_(skip_changes),
      on_not_sent_(std::move(on_not_sent)),
      on_sent_(std::move(on_sent)),
      changes_passed_(skip_changes),
      thread_([this, producer = std::move(producer)] { produce(producer); }) {}

ChangeFeed::~ChangeFeed() { stop(); }

void ChangeFeed::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ChangeFeed::produce(const Producer& producer) {
  std::uint64_t index = 0;
  try {
    producer([&](const diff::Change& change) {
      const std::uint64_t this_index = index++;
      if (this_index < skip_changes_) return;
      Item item{change, translator_.translate(change), this_index};
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return closed_ || queue_.size() < kQueueCapacity; });
      if (closed_) throw Stop{};
      queue_.push_back(std::move(item));
      changed_.notify_all();
    });
  } catch (const Stop&) {
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

bool ChangeFeed::next(destinations::DeliveryRecord& record) {
  while (true) {
    Item item;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return finished_ || !queue_.empty(); });
      if (queue_.empty()) return false;
      item = std::move(queue_.front());
      queue_.pop_front();
      changed_.notify_all();
    }
    changes_passed_ = item.index + 1;
    if (item.translation.kind != Translation::Kind::Send) {
      if (on_not_sent_) on_not_sent_(item.change, item.translation, item.index);
      continue;
    }
    if (on_sent_) on_sent_(item.change, item.translation.record, item.index);
    unsettled_.push_back(item.index);
    ++records_returned_;
    record = std::move(item.translation.record);
    return true;
  }
}

std::uint64_t ChangeFeed::acked_changes(std::uint64_t settled_records) {
  // unsettled_ holds the change indexes of records [records_returned_ - size, records_returned_).
  while (!unsettled_.empty() && records_returned_ - unsettled_.size() < settled_records) {
    unsettled_.pop_front();
  }
  if (unsettled_.empty()) return changes_passed_;
  return unsettled_.front();
}

void ChangeFeed::rethrow_if_failed() {
  std::lock_guard lock(mutex_);
  if (error_) std::rethrow_exception(error_);
}

}  // namespace backflow::runner
