// Bridges the diff's push-style change stream (PendingSnapshot::
// for_each_change, or the model rows in append mode) to the delivery engine's
// pull-style RecordFeed: a producer thread translates changes and hands them
// over through a small bounded queue, so memory stays bounded and mapping
// runs beside delivery.
//
// Positions: every change of the stream has an index from 0. Changes that are
// skipped (mode) or invalid (mapping) are reported through on_not_sent, on the
// thread that calls next(), at the moment the feed passes them. acked_changes()
// turns the engine's "settled through feed record n" into a change index that
// is safe to resume from.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "destinations/delivery_record.h"
#include "diff/change.h"
#include "service/runner/change_translator.h"

namespace backflow::runner {

class ChangeFeed final : public destinations::RecordFeed {
 public:
  // Pushes every change of the stream, in a deterministic order, to the sink.
  using Producer = std::function<void(const diff::ChangeSink&)>;
  // A change that is not sent, with its translation (Skip or Invalid) and
  // its index in the stream.
  using NotSent = std::function<void(const diff::Change&, const Translation&, std::uint64_t index)>;
  // A change that is sent (for samples and counts), with its index in the
  // stream, before the engine sees it.
  using Sent = std::function<void(const diff::Change&, const destinations::DeliveryRecord&, std::uint64_t index)>;

  // Starts the producer at once. The first `skip_changes` changes are passed
  // over silently (they were settled before a resume). `translator` must
  // outlive the feed.
  ChangeFeed(Producer producer, const ChangeTranslator& translator, std::uint64_t skip_changes, NotSent on_not_sent,
             Sent on_sent = nullptr);
  ~ChangeFeed() override;  // stop()
  // Stops the producer and joins it; the feed then ends. Call it before
  // destroying what the producer reads (e.g. the pending snapshot): a
  // delivery that stops early leaves the producer inside the stream.
  // Idempotent; call it from the consumer's thread.
  void stop();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  bool next(destinations::DeliveryRecord& record) override;

  // The number of changes, from the first, that are all settled when the
  // first `settled_records` records this feed returned are settled.
  std::uint64_t acked_changes(std::uint64_t settled_records);

  // Changes passed so far (sent or not, skipped-on-resume included).
  std::uint64_t changes_passed() const { return changes_passed_; }

  // Rethrows the producer's error, if it failed (the feed then just ended).
  void rethrow_if_failed();

 private:
  struct Item {
    diff::Change change;
    Translation translation;
    std::uint64_t index = 0;
  };
  struct Stop {};

  void produce(const Producer& producer);

  const ChangeTranslator& translator_;
  const std::uint64_t skip_changes_;
  NotSent on_not_sent_;
  Sent on_sent_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;
  bool finished_ = false;  // producer done
  bool closed_ = false;    // consumer gone
  std::exception_ptr error_;

  // Consumer side: change index of each record returned and not yet settled.
  std::deque<std::uint64_t> unsettled_;
  std::uint64_t records_returned_ = 0;
  std::uint64_t changes_passed_ = 0;

  std::thread thread_;  // last: started after everything above exists
};

}  // namespace backflow::runner
