// Where a run's records go: the delivery engine driving the type's module
// (webhook, hubspot, braze, iterable, intercom, salesforce Collections), or
// one of the components that replace the engine for destinations whose API
// is not one request per batch: Klaviyo bulk import jobs, a SQL table, and
// Salesforce Bulk API 2.0 for runs above the destination's bulk_threshold.
// The runner builds one per run in PREFLIGHT and calls deliver() once in
// DELIVER. See docs/runner.md ("Delivery targets").
#pragma once

#include <memory>
#include <vector>

#include "destinations/delivery_engine.h"
#include "diff/row_source.h"
#include "service/config/config.h"
#include "service/runner/run_journal.h"
#include "state/state_db.h"

namespace backflow::runner {

class DeliveryTarget {
 public:
  virtual ~DeliveryTarget() = default;

  // As DeliveryEngine::deliver: pulls every record, reports an outcome per
  // record and an acknowledgement per settled batch; returns at the end or
  // on cancellation. Throws DestinationAuthError / DestinationError (and
  // odbc::Error for a SQL table) for failures of the delivery as a whole.
  virtual destinations::DeliverySummary deliver(const destinations::DeliveryRun& run, destinations::RecordFeed& feed,
                                                const destinations::DeliveryCallbacks& callbacks) = 0;
};

// What the factory reads. Only `journal` (and `db`) are kept by the target
// and must outlive it; the rest is read during the call.
struct DeliveryTargetContext {
  const config::Destination& account;
  const config::Sync& sync;
  const std::vector<ColumnInfo>& model_columns;  // every column of the model, as the warehouse reports them
  // Null for a dry run: Klaviyo jobs are then journaled in memory and no
  // vendor ids are remembered. Otherwise Klaviyo's job journal and the
  // vendor ids of written records (state::DestinationIdStore) live here.
  state::StateDb* db;
  // The run: its diff counts pick Salesforce Bulk; its checkpoint detail
  // carries the Bulk job across a crash (saved through the journal).
  RunJournal& journal;
};

// Builds the target for the sync's destination type. Throws
// std::invalid_argument when the destination does not support the sync's
// mode, destinations::DestinationError for settings the type cannot work
// with (and DestinationAuthError when an OAuth grant is refused).
std::unique_ptr<DeliveryTarget> make_delivery_target(const DeliveryTargetContext& context);

// The changes of the run that count against a Salesforce bulk_threshold:
// added + changed + removed, as the diff recorded them.
std::uint64_t bulk_change_count(const state::RunRecord& run);

}  // namespace backflow::runner
