// Gives a delivery target the vendor ids of earlier runs: every record sent
// carries the id remembered for its key (HubSpot archives, Salesforce deletes
// and updates, Intercom writes address records by it), and every accepted
// outcome's destination id is remembered for the next run (forgotten when
// the record is deleted).
#pragma once

#include <memory>
#include <string>

#include "service/runner/delivery_target.h"
#include "state/destination_id_store.h"

namespace backflow::runner {

class IdMappedTarget : public DeliveryTarget {
 public:
  // `db` must outlive the target.
  IdMappedTarget(std::unique_ptr<DeliveryTarget> inner, state::StateDb& db, std::string sync);

  destinations::DeliverySummary deliver(const destinations::DeliveryRun& run, destinations::RecordFeed& feed,
                                        const destinations::DeliveryCallbacks& callbacks) override;

 private:
  std::unique_ptr<DeliveryTarget> inner_;
  state::DestinationIdStore ids_;
  std::string sync_;
};

}  // namespace backflow::runner
