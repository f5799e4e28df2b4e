// `type: salesforce` (docs/destinations/salesforce.md): sObject Collections
// through the delivery engine, or Bulk API 2.0 jobs for large runs.
#include "destinations/destination_type.h"
#include "destinations/account_options.h"
#include "destinations/salesforce/salesforce_bulk_loader.h"
#include "destinations/salesforce/salesforce_config.h"

namespace backflow::destinations {
namespace {

// Collections through the engine, or Bulk API 2.0 jobs (one per
// bulk_job_bytes of CSV) when the run's changes exceed bulk_threshold
// (upsert and mirror only: a Bulk upsert job would create records an
// update-mode sync must not) or when the interrupted run being resumed had
// started one.
class SalesforceTarget final : public DeliveryTarget {
 public:
  explicit SalesforceTarget(const TargetContext& context)
      : options_(salesforce_options(context.settings, context.account, context.sync)),
        collections_(options_),
        bulk_threshold_(number_option(context.account.options, "bulk_threshold")),
        bulk_allowed_(context.sync.mode == SyncMode::upsert || context.sync.mode == SyncMode::mirror),
        poll_interval_(duration_option(context.account.options, "bulk_poll_interval")),
        job_bytes_(number_option(context.account.options, "bulk_job_bytes")),
        change_count_(context.change_count),
        jobs_(context.jobs) {
    require_mode(context, collections_.supported_modes());
  }

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    const bool resuming_job = SalesforceBulkLoader::started_job(run, jobs_).has_value();
    const bool large = bulk_threshold_ > 0 && change_count_ && change_count_() > bulk_threshold_;
    if (!resuming_job && !(bulk_allowed_ && large)) {
      DeliveryEngine engine(collections_, options_.settings);
      return engine.deliver(run, feed, callbacks);
    }
    SalesforceBulkOptions bulk;
    bulk.target = options_;
    if (poll_interval_) bulk.poll_interval = *poll_interval_;
    if (job_bytes_ > 0) bulk.max_job_bytes = static_cast<std::size_t>(job_bytes_);
    SalesforceBulkLoader loader(std::move(bulk));
    return loader.deliver(run, feed, callbacks, jobs_);
  }

 private:
  SalesforceOptions options_;
  SalesforceDestination collections_;
  const std::uint64_t bulk_threshold_;
  const bool bulk_allowed_;
  const std::optional<std::chrono::milliseconds> poll_interval_;
  const std::uint64_t job_bytes_;  // 0: the loader's default, kMaxBulkJobBytes
  const std::function<std::uint64_t()> change_count_;
  JobJournal& jobs_;
};

}  // namespace

const DestinationType& salesforce_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "salesforce";
    t.modes = {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror};
    t.options = {key("instance_url"),
                 secret_key("access_token"),
                 key("client_id"),
                 secret_key("client_secret"),
                 secret_key("refresh_token"),
                 key("login_url"),
                 key("api_version"),
                 key("bulk_threshold", OptionKind::integer),
                 key("bulk_poll_interval", OptionKind::duration),
                 bounded_key("bulk_job_bytes", 1, kMaxBulkJobBytes,
                             "Salesforce takes at most 150,000,000 bytes of base64 per Bulk API upload, about "
                             "100,000,000 bytes of CSV"),
                 key("batch_size", OptionKind::integer)};
    t.one_of = {{"access_token", "refresh_token"}};
    t.sync_options = {key("object", OptionKind::string, Requirement::required), key("external_id_field")};
    t.uses_vendor_ids = true;
    t.make_target = [](const TargetContext& context) -> std::unique_ptr<DeliveryTarget> {
      return std::make_unique<SalesforceTarget>(context);
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
