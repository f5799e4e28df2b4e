// `type: iterable`: users through `POST /api/users/bulkUpdate` (upsert) and
// custom events through `POST /api/events/trackBulk` (append)
// (docs/destinations/iterable.md). Records Iterable refuses are named in the
// response's `failedUpdates` lists (invalidEmails, notFoundUserIds, ...) and
// mapped back to records by their email or userId.
// Stateless after construction; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "destinations/destination_module.h"
#include "destinations/destination_settings.h"

namespace backflow::destinations {

struct IterableOptions {
  // How a record names its Iterable user: "email" (default) or "userId".
  // The value is the record's field of that name, else its primary key.
  std::string identify_by = "email";
  std::string event_name;  // append mode: the event's name (required there)
};

class IterableDestination : public DestinationModule {
 public:
  static constexpr std::size_t kDefaultBatchSize = 1000;
  static constexpr std::size_t kMaxBodyBytes = 4 * 1024 * 1024;  // Iterable's documented body limit

  // Reads url (default https://api.iterable.com; https://api.eu.iterable.com
  // for EU projects), secret (the API key), batch_size and max_bytes (capped
  // at 4 MB). Throws DestinationError when the key is missing or identify_by
  // is unknown.
  IterableDestination(DestinationSettings settings, IterableOptions options);

  std::string type() const override { return "iterable"; }
  BatchLimits batch_limits() const override;
  std::vector<SyncMode> supported_modes() const override;
  std::string record_identity() const override;
  // bulkUpdate / trackBulk: 5 requests per second per project.
  RateLimit default_rate_limit() const override;
  std::vector<std::string> secrets() const override;

  // Throws DestinationError for append without an event name.
  HttpRequest build_request(const BatchContext& context, RecordBatch batch) const override;
  // 2xx: records named in failedUpdates / invalidEmails / invalidUserIds are
  // rejected with the list's name as the reason, the rest accepted; other
  // statuses: the batch rejected as a whole with Iterable's msg.
  BatchVerdict parse_response(const HttpResponse& response, RecordBatch batch) const override;

  // The identifier a record is sent under (its email or userId).
  std::string identifier(const DeliveryRecord& record) const;

 private:
  DestinationSettings settings_;
  IterableOptions options_;
};

}  // namespace backflow::destinations
