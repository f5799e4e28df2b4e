// `type: klaviyo` (docs/destinations/klaviyo.md): profiles through bulk
// import jobs (KlaviyoBulkDelivery), not through the delivery engine.
#include "destinations/destination_type.h"
#include <regex>

#include "destinations/account_options.h"
#include "destinations/klaviyo/klaviyo_bulk_delivery.h"
#include "common/text.h"
#include "destinations/klaviyo/klaviyo_profiles.h"

namespace backflow::destinations {
namespace {

class KlaviyoTarget final : public DeliveryTarget {
 public:
  explicit KlaviyoTarget(const TargetContext& context) {
    require_mode(context, {SyncMode::upsert});
    KlaviyoOptions options;
    if (std::string revision = text_option(context.account.options, "revision"); !revision.empty()) {
      options.revision = revision;
    }
    options.list_id = text_option(context.sync.options, "list_id");
    if (auto poll = duration_option(context.account.options, "poll_interval")) options.poll_interval = *poll;
    if (auto wait = duration_option(context.account.options, "max_job_wait")) options.max_job_wait = *wait;
    // For Klaviyo, max_concurrency counts import jobs in flight, not requests.
    if (context.account.max_concurrency) options.max_jobs_in_flight = *context.account.max_concurrency;
    delivery_.emplace(context.settings, std::move(options), context.jobs);
  }

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    return delivery_->deliver(run, feed, callbacks);
  }

 private:
  std::optional<KlaviyoBulkDelivery> delivery_;
};

void check_revision(const Destination& account, ConfigProblems& problems) {
  const std::string value = text_option(account.options, "revision");
  static const std::regex revision(R"(\d{4}-\d{2}-\d{2}(\.[a-z]+)?)");
  if (!value.empty() && !std::regex_match(value, revision)) {
    problems.push_back({"revision", "expected a Klaviyo API revision date such as \"2025-01-15\", found " +
                                        text::quote_for_message(value)});
  }
}

}  // namespace

const DestinationType& klaviyo_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "klaviyo";
    t.modes = {SyncMode::upsert};
    t.options = {secret_key("api_key", Requirement::required), key("revision"),
                 bounded_key("batch_size", 1, klaviyo::kMaxProfilesPerJob, "Klaviyo imports at most 10,000 profiles per job"),
                 bounded_key("max_bytes", 1024, klaviyo::kMaxJobBytes, "Klaviyo takes at most 5 MB per import job"),
                 key("poll_interval", OptionKind::duration), key("max_job_wait", OptionKind::duration)};
    t.sync_options = {key("list_id")};
    t.can_delete = false;  // a bulk import cannot remove profiles
    t.identifiers = {"email", "phone_number", "external_id"};
    t.check_account = check_revision;
    t.make_target = [](const TargetContext& context) -> std::unique_ptr<DeliveryTarget> {
      return std::make_unique<KlaviyoTarget>(context);
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
