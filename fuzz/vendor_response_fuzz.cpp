// What a vendor answers, as hostile as a broken proxy can make it: the
// HubSpot module's response parser and the shared error-text extraction
// turn any status and body into outcomes, never a crash. The first byte
// picks the status; the rest is the body.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "destinations/destination_error.h"
#include "destinations/hubspot/hubspot_destination.h"
#include "destinations/vendor_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backflow::destinations;
  static const std::array<long, 10> kStatuses = {200, 201, 202, 207, 400, 401, 404, 409, 429, 500};
  static const HubSpotDestination module([] {
    HubSpotOptions options;
    options.settings.secret = "pat-na1-fuzz";
    options.object = "contacts";
    options.id_property = "email";
    return options;
  }());
  static const std::vector<DeliveryRecord> records = [] {
    std::vector<DeliveryRecord> out(3);
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i].key = "k" + std::to_string(i);
      out[i].key_json = {{"id", i}};
      out[i].fields = {{"email", "user" + std::to_string(i) + "@example.com"}};
    }
    return out;
  }();
  static const std::vector<const DeliveryRecord*> batch = {&records[0], &records[1], &records[2]};
  if (size == 0) return 0;
  HttpResponse response;
  response.status = kStatuses[data[0] % kStatuses.size()];
  response.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    (void)module.parse_response(response, RecordBatch(batch));
  } catch (const DestinationError&) {
  }
  (void)vendor_error_text(response, nullptr);
  (void)body_excerpt(response.body);
  return 0;
}
