#include "service/runner/delivery_target.h"

#include "destinations/account_options.h"
#include "destinations/destination_error.h"
#include "destinations/registry.h"
#include "service/runner/id_mapped_target.h"
#include "service/runner/state_job_journal.h"

namespace backflow::runner {
namespace {

// The type's target, holding the job journal it was given.
class JournaledTarget final : public DeliveryTarget {
 public:
  JournaledTarget(std::unique_ptr<destinations::JobJournal> jobs, const DeliveryTargetContext& context,
                  const destinations::DestinationType& type)
      : jobs_(std::move(jobs)) {
    const destinations::DestinationSettings settings = destinations::settings_from_config(context.account);
    destinations::TargetContext target_context{settings,
                                               context.account,
                                               context.sync.destination,
                                               context.sync.name,
                                               context.sync.source.primary_key,
                                               context.sync.mapping,
                                               context.model_columns,
                                               *jobs_,
                                               [&journal = context.journal] { return change_count(journal.record()); },
                                               context.journal.record().started_at_ms};
    inner_ = type.make_target(target_context);
  }

  destinations::DeliverySummary deliver(const destinations::DeliveryRun& run, destinations::RecordFeed& feed,
                                        const destinations::DeliveryCallbacks& callbacks) override {
    return inner_->deliver(run, feed, callbacks);
  }

 private:
  std::unique_ptr<destinations::JobJournal> jobs_;  // before the target that refers to it
  std::unique_ptr<DeliveryTarget> inner_;
};

}  // namespace

std::uint64_t change_count(const state::RunRecord& run) {
  return run.counts.added + run.counts.changed + run.counts.removed;
}

std::unique_ptr<DeliveryTarget> make_delivery_target(const DeliveryTargetContext& context) {
  const destinations::DestinationType* type = destinations::find_destination_type(context.account.type);
  if (type == nullptr || !type->make_target) {
    throw destinations::DestinationError("destination '" + context.account.name + "': type '" +
                                         context.account.type + "' has no delivery in this build");
  }
  std::unique_ptr<destinations::JobJournal> jobs;
  if (context.db != nullptr) jobs = std::make_unique<StateJobJournal>(*context.db, context.sync.name);
  else jobs = std::make_unique<destinations::MemoryJobJournal>();
  auto target = std::make_unique<JournaledTarget>(std::move(jobs), context, *type);
  // Only these address records by the vendor's id; the others would pay a
  // state lookup per record for nothing.
  if (context.db == nullptr || !type->uses_vendor_ids) return target;
  return std::make_unique<IdMappedTarget>(std::move(target), *context.db, context.sync.name);
}

}  // namespace backflow::runner
