// Where a run's records go: what the runner drives in DELIVER. A type whose
// API is one request per batch is its module inside the delivery engine
// (engine_target.h); a type whose delivery is a multi-step job (Klaviyo bulk
// imports, Salesforce Bulk API 2.0) or not HTTP at all (a SQL table) is its
// own target with the same contract. Each destination type's descriptor
// (destination_type.h) builds its target; the runner builds one per run in
// PREFLIGHT and calls deliver() once. See docs/runner.md ("Delivery targets").
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "destinations/delivery_engine.h"
#include "destinations/destination_config.h"
#include "destinations/job_journal.h"
#include "mappers/mapping_spec.h"
#include "model/row_source.h"

namespace backflow::destinations {

class DeliveryTarget {
 public:
  virtual ~DeliveryTarget() = default;

  // As DeliveryEngine::deliver: pulls every record, reports an outcome per
  // record and an acknowledgement per settled batch; returns at the end or
  // on cancellation. Throws DestinationAuthError / DestinationError (and
  // odbc::Error for a SQL table) for failures of the delivery as a whole.
  virtual DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) = 0;
};

// What a type's make_target reads. References live for the call, except
// `jobs`, which must outlive the target.
struct TargetContext {
  const DestinationSettings& settings;  // the engine settings of `account` (settings_from_config)
  const Destination& account;
  const SyncDestination& sync;
  const std::string& sync_name;
  const std::vector<std::string>& primary_key;  // the model's key columns
  const mappers::MappingSpec& mapping;
  const std::vector<ColumnInfo>& model_columns;  // every column of the model, as the warehouse reports them
  // Multi-step jobs of this sync; durable unless the run is a dry run.
  JobJournal& jobs;
  // added + changed + removed of the run as the diff recorded them (what a
  // Salesforce bulk_threshold is compared with). The target is built before
  // the diff runs, so call it in deliver(), not before. Outlives the target.
  std::function<std::uint64_t()> change_count;
  // When the run started (unix ms), which dates the rows it read (the
  // webhook's event timestamps): the same for every batch of the run, a
  // resent one included, and when the run is resumed or started over under
  // its id.
  std::int64_t run_started_ms = 0;
};

// Throws std::invalid_argument naming the destination, its type and the
// mode when `modes` does not hold the sync's mode.
void require_mode(const TargetContext& context, const std::vector<SyncMode>& modes);

}  // namespace backflow::destinations
