// The runner's side of delivery: builds the sync's destinations::DeliveryTarget
// for one run through its type's descriptor (destinations/registry.h) and
// gives it what lives in the service's state: the sync's job journal and,
// for types that address records by the vendor's id, the id map. See
// docs/runner.md ("Delivery targets").
#pragma once

#include <memory>
#include <vector>

#include "destinations/delivery_target.h"
#include "service/config/config.h"
#include "service/runner/run_journal.h"
#include "state/state_db.h"

namespace backflow::runner {

using destinations::DeliveryTarget;

// What the factory reads. Only `db` and `journal` are kept by the target and
// must outlive it; the rest is read during the call.
struct DeliveryTargetContext {
  const config::Destination& account;
  const config::Sync& sync;
  const std::vector<ColumnInfo>& model_columns;  // every column of the model, as the warehouse reports them
  // Null for a dry run: jobs are then journaled in memory and no vendor ids
  // are remembered. Otherwise the sync's job journal and the vendor ids of
  // written records (state::DestinationIdStore) live here.
  state::StateDb* db;
  // The run: its diff counts are the change count a type may act on
  // (Salesforce's bulk_threshold).
  RunJournal& journal;
};

// Builds the target for the sync's destination type. Throws
// std::invalid_argument when the destination does not support the sync's
// mode, destinations::DestinationError for settings the type cannot work
// with (and DestinationAuthError when an OAuth grant is refused).
std::unique_ptr<DeliveryTarget> make_delivery_target(const DeliveryTargetContext& context);

// The changes of the run a type's thresholds count: added + changed +
// removed, as the diff recorded them.
std::uint64_t change_count(const state::RunRecord& run);

}  // namespace backflow::runner
