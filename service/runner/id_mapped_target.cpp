#include "service/runner/id_mapped_target.h"

namespace backflow::runner {
namespace {

class IdFillingFeed final : public destinations::RecordFeed {
 public:
  IdFillingFeed(destinations::RecordFeed& inner, const state::DestinationIdStore& ids, const std::string& sync)
      : inner_(inner), ids_(ids), sync_(sync) {}

  bool next(destinations::DeliveryRecord& record) override {
    if (!inner_.next(record)) return false;
    if (record.destination_id.empty()) {
      if (auto id = ids_.find(sync_, record.key)) record.destination_id = std::move(*id);
    }
    return true;
  }

 private:
  destinations::RecordFeed& inner_;
  const state::DestinationIdStore& ids_;
  const std::string& sync_;
};

}  // namespace

IdMappedTarget::IdMappedTarget(std::unique_ptr<DeliveryTarget> inner, state::StateDb& db, std::string sync)
    : inner_(std::move(inner)), ids_(db), sync_(std::move(sync)) {}

destinations::DeliverySummary IdMappedTarget::deliver(const destinations::DeliveryRun& run,
                                                      destinations::RecordFeed& feed,
                                                      const destinations::DeliveryCallbacks& callbacks) {
  IdFillingFeed filled(feed, ids_, sync_);
  destinations::DeliveryCallbacks remembering = callbacks;
  remembering.on_outcome = [&](const destinations::RecordOutcome& outcome) {
    if (outcome.status == destinations::RecordStatus::Accepted) {
      if (outcome.op == destinations::Operation::Delete) {
        ids_.forget(sync_, outcome.key);
      } else if (!outcome.destination_id.empty()) {
        ids_.remember(sync_, outcome.key, outcome.destination_id);
      }
    }
    if (callbacks.on_outcome) callbacks.on_outcome(outcome);
  };
  return inner_->deliver(run, filled, remembering);
}

}  // namespace backflow::runner
