// The Klaviyo import jobs of one deliver() call, several in flight at once on
// the calling thread: while job N processes at Klaviyo, job N+1 is created.
// Each step sends the most urgent request its endpoint's budget allows now:
// an import-errors page of a finished job, then a due poll (oldest first),
// then the next job's creation (at most max_jobs_in_flight jobs open; a chunk
// sharing a key with an earlier unfinished chunk waits for it, so per-key
// changes reach Klaviyo in feed order).
//
// A job is polled first after the turnaround an earlier job was seen to need
// (learnt from jobs whose first poll came too early, and from every 16th job,
// polled first a quarter sooner to find out whether Klaviyo got faster): the
// poll budget is as small as the create budget, so a job should cost about
// one poll. Later polls come every poll_interval. Outcomes are reported as each job
// finishes, in any order; BatchAck is reported for a chunk only once it and
// every earlier chunk are finished, so settled_through only covers a prefix.
// A chunk's journal entries are forgotten after its ack: a run resumed after
// a crash polls every job not acknowledged, finished or not, and never
// uploads it again.
//
// Not thread-safe: one thread drives it. Every reference passed to the
// constructor must outlive the pipeline.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "destinations/delivery_engine.h"
#include "destinations/klaviyo/klaviyo_bulk_delivery.h"
#include "destinations/klaviyo/klaviyo_job_batcher.h"
#include "destinations/klaviyo/klaviyo_rate_limits.h"
#include "destinations/klaviyo/klaviyo_requester.h"

namespace backflow::destinations {

class KlaviyoJobPipeline {
 public:
  KlaviyoJobPipeline(const DestinationSettings& settings, const KlaviyoOptions& options, JobJournal& journal,
                     const KlaviyoLimiters& limiters, KlaviyoRequester& requester, const DeliveryRun& run,
                     const DeliveryCallbacks& callbacks, DeliverySummary& summary);

  // True when the next chunk should be handed over: none is waiting to be
  // created, or one is and a job was just created (the create budget is
  // empty for a while: the time to prepare, so the next creation does not
  // wait for a chunk to be built). At most two chunks are read ahead.
  bool ready_for_chunk() const { return to_create_.empty() || (to_create_.size() == 1 && just_created_); }

  // Takes `chunk`: its unsendable records are rejected now, the rest queued
  // as one job.
  void submit(KlaviyoChunk chunk);

  // Sends one request (see the file comment), or sleeps until one could be
  // sent (at most 50 ms, less when stop is requested).
  void step();

  // Every submitted chunk is acknowledged.
  bool drained() const { return chunks_.empty(); }

 private:
  using Clock = std::chrono::steady_clock;

  struct Chunk {
    std::uint64_t sequence = 0;
    std::string label;
    std::vector<KlaviyoJobEntry> entries;
    std::size_t unfinished_jobs = 0;
    std::vector<std::string> journal_keys;
    std::optional<std::uint64_t> after;  // an earlier chunk shares a key: not created before it is finished
  };

  struct Job {
    Chunk* chunk = nullptr;
    std::vector<const KlaviyoJobEntry*> entries;
    std::string key;  // in the journal: "<run id>.<sequence>[.0|.1 for halves]"
    std::string label;
    std::string body;  // the create request's, until sent
    bool may_reupload = true;  // a journaled job Klaviyo no longer knows is uploaded again once
    std::string id;
    Clock::time_point created_at{};
    Clock::time_point next_poll_at{};
    int polls = 0;
    bool probe = false;  // polled first at 3/4 of the learnt delay
    std::string errors_page;  // set: reading import errors from here
    std::unordered_map<std::string, std::string> failures;  // identity -> Klaviyo's message
  };

  HttpRequest request(std::string method, std::string path, std::string body = {}) const;
  bool may_create(const Job& job) const;
  std::string body_of(const Job& job) const;
  void create(Job job, bool token_taken);
  void poll(std::size_t index);
  void read_errors(std::size_t index);
  void learn_turnaround(const Job& job, Clock::time_point polled_at);
  Job take_open(std::size_t index);  // removes open_[index]
  void settle(Job job);  // every entry accepted, or rejected per the import errors
  void finish_job(Job job, RecordStatus status, long http_status, const std::string& message);
  void finish(const KlaviyoJobEntry& entry, RecordStatus status, long http_status, const std::string& message,
              const std::string& destination_id = {});
  void job_done(Chunk& chunk);
  void acknowledge_prefix();

  const DestinationSettings& settings_;
  const KlaviyoOptions& options_;
  JobJournal& journal_;
  const KlaviyoLimiters& limiters_;
  KlaviyoRequester& requester_;
  const DeliveryRun& run_;
  const DeliveryCallbacks& callbacks_;
  DeliverySummary& summary_;
  std::string base_;

  std::deque<std::unique_ptr<Chunk>> chunks_;  // unacknowledged, in sequence order
  std::deque<Job> to_create_;                  // halves of a refused job first, then the next chunk
  std::vector<Job> open_;                      // created: polled, or reading import errors
  std::unordered_map<std::string, std::uint64_t> unfinished_keys_;  // key -> last unfinished chunk holding it
  Clock::duration first_poll_delay_;  // learnt: the turnaround of the last job whose first poll was early
  std::uint64_t jobs_created_ = 0;
  bool just_created_ = false;  // the last step created a job
};

}  // namespace backflow::destinations
