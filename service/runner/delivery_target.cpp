#include "service/runner/delivery_target.h"

#include <algorithm>
#include <stdexcept>

#include "destinations/destination_error.h"
#include "destinations/klaviyo/klaviyo_bulk_delivery.h"
#include "destinations/module_factory.h"
#include "destinations/salesforce/salesforce_bulk_loader.h"
#include "destinations/salesforce/salesforce_config.h"
#include "destinations/sql/sql_destination.h"
#include "service/runner/id_mapped_target.h"
#include "service/runner/kill_point.h"
#include "service/runner/klaviyo_state_journal.h"
#include "service/schedule/duration.h"

namespace backflow::runner {
namespace {

using destinations::DeliveryCallbacks;
using destinations::DeliveryRun;
using destinations::DeliverySummary;
using destinations::RecordFeed;

std::string text_option(const nlohmann::json& options, const char* name) {
  auto it = options.find(name);
  return it != options.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t number_option(const nlohmann::json& options, const char* name) {
  auto it = options.find(name);
  return it != options.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

// A duration key (validated by the config loader, kept as its text).
std::optional<std::chrono::milliseconds> duration_option(const nlohmann::json& options, const char* name) {
  std::string text = text_option(options, name);
  if (text.empty()) return std::nullopt;
  return schedule::parse_duration(text);
}

void require_mode(const config::Destination& account, const config::Sync& sync,
                  const std::vector<destinations::SyncMode>& modes) {
  if (std::find(modes.begin(), modes.end(), destinations::to_delivery_mode(sync.destination.mode)) == modes.end()) {
    throw std::invalid_argument("destination '" + account.name + "' (" + account.type + ") does not support mode " +
                                std::string(config::to_string(sync.destination.mode)));
  }
}

// The delivery engine around the type's request/response module.
class EngineTarget final : public DeliveryTarget {
 public:
  EngineTarget(destinations::DestinationSettings settings, std::unique_ptr<destinations::DestinationModule> module)
      : settings_(std::move(settings)), module_(std::move(module)) {}

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    destinations::DeliveryEngine engine(*module_, settings_);
    return engine.deliver(run, feed, callbacks);
  }

 private:
  destinations::DestinationSettings settings_;
  std::unique_ptr<destinations::DestinationModule> module_;
};

// Salesforce: sObject Collections through the engine, or one Bulk API 2.0
// job when the run's changes exceed bulk_threshold (upsert and mirror only:
// a Bulk upsert job would create records an update-mode sync must not) or
// when the interrupted run being resumed had started one.
class SalesforceTarget final : public DeliveryTarget {
 public:
  SalesforceTarget(destinations::SalesforceOptions options, const config::Destination& account,
                   const config::Sync& sync, RunJournal& journal)
      : options_(std::move(options)),
        collections_(options_),
        bulk_threshold_(number_option(account.options, "bulk_threshold")),
        bulk_allowed_(sync.destination.mode == config::SyncMode::upsert ||
                      sync.destination.mode == config::SyncMode::mirror),
        poll_interval_(duration_option(account.options, "bulk_poll_interval")),
        journal_(journal) {
    require_mode(account, sync, collections_.supported_modes());
  }

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    const std::string resume_detail = journal_.record().checkpoint.detail;
    const bool resuming_job = resume_detail.rfind("bulk_job=", 0) == 0;
    const bool large = bulk_threshold_ > 0 && bulk_change_count(journal_.record()) > bulk_threshold_;
    if (!resuming_job && !(bulk_allowed_ && large)) {
      destinations::DeliveryEngine engine(collections_, options_.settings);
      return engine.deliver(run, feed, callbacks);
    }
    destinations::SalesforceBulkOptions bulk;
    bulk.target = options_;
    if (poll_interval_) bulk.poll_interval = *poll_interval_;
    destinations::SalesforceBulkLoader loader(std::move(bulk));
    destinations::BulkCallbacks bulk_callbacks;
    bulk_callbacks.delivery = callbacks;
    bulk_callbacks.on_checkpoint = [this](const std::string& detail) {
      journal_.mutable_record().checkpoint.detail = detail;
      journal_.save();
      kill_point("detail");
    };
    return loader.deliver(run, feed, bulk_callbacks, resuming_job ? resume_detail : std::string());
  }

 private:
  destinations::SalesforceOptions options_;
  destinations::SalesforceDestination collections_;
  const std::uint64_t bulk_threshold_;
  const bool bulk_allowed_;
  const std::optional<std::chrono::milliseconds> poll_interval_;
  RunJournal& journal_;
};

class KlaviyoTarget final : public DeliveryTarget {
 public:
  KlaviyoTarget(const destinations::DestinationSettings& settings, const config::Destination& account,
                const config::Sync& sync, state::StateDb* db) {
    require_mode(account, sync, {destinations::SyncMode::Upsert});
    if (db != nullptr) journal_ = std::make_unique<StateKlaviyoJobJournal>(*db, sync.name);
    else journal_ = std::make_unique<destinations::MemoryKlaviyoJobJournal>();
    destinations::KlaviyoOptions options;
    if (std::string revision = text_option(account.options, "revision"); !revision.empty()) options.revision = revision;
    options.list_id = text_option(sync.destination.options, "list_id");
    if (auto poll = duration_option(account.options, "poll_interval")) options.poll_interval = *poll;
    if (auto wait = duration_option(account.options, "max_job_wait")) options.max_job_wait = *wait;
    // For Klaviyo, max_concurrency counts import jobs in flight, not requests.
    if (account.max_concurrency) options.max_jobs_in_flight = *account.max_concurrency;
    delivery_.emplace(settings, std::move(options), *journal_);
  }

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    return delivery_->deliver(run, feed, callbacks);
  }

 private:
  std::unique_ptr<destinations::KlaviyoJobJournal> journal_;
  std::optional<destinations::KlaviyoBulkDelivery> delivery_;  // after the journal it refers to
};

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const ColumnInfo* find_column(const std::vector<ColumnInfo>& columns, std::string_view name) {
  for (const ColumnInfo& column : columns) {
    if (same_name(column.name, name)) return &column;
  }
  return nullptr;
}

// The type a mapped field's values have: a plain column keeps the model
// column's type; a transform or a template makes what it makes.
ColumnInfo mapped_column(const config::MappingEntry& entry, const std::vector<ColumnInfo>& model) {
  ColumnInfo info;
  info.name = entry.field.substr(0, entry.field.find('.'));
  info.type = ValueType::Text;
  const config::MappingExpression& expression = entry.expression;
  if (expression.kind == config::MappingExpression::Kind::value) {
    if (expression.value.is_boolean()) info.type = ValueType::Bool;
    else if (expression.value.is_number_integer()) info.type = ValueType::Int;
    else if (expression.value.is_number()) info.type = ValueType::Double;
  }
  if (expression.kind == config::MappingExpression::Kind::column && expression.transforms.empty() &&
      entry.field.find('.') == std::string::npos) {
    if (const ColumnInfo* column = find_column(model, expression.column)) {
      info = *column;
      info.name = entry.field;
    }
  }
  if (!expression.transforms.empty()) {
    const std::string& last = expression.transforms.back().name;
    if (last == "to_number") info.type = ValueType::Decimal;
    if (last == "to_bool") info.type = ValueType::Bool;
  }
  return info;
}

// The table's columns for create_table: the primary key, then each mapped field.
std::vector<ColumnInfo> sql_table_columns(const config::Sync& sync, const std::vector<ColumnInfo>& model) {
  std::vector<ColumnInfo> columns;
  for (const std::string& key : sync.source.primary_key) {
    ColumnInfo info;
    if (const ColumnInfo* column = find_column(model, key)) info = *column;
    info.name = key;
    info.nullable = false;
    columns.push_back(std::move(info));
  }
  for (const config::MappingEntry& entry : sync.mapping) {
    ColumnInfo info = mapped_column(entry, model);
    if (find_column(columns, info.name) == nullptr) columns.push_back(std::move(info));
  }
  return columns;
}

class SqlTarget final : public DeliveryTarget {
 public:
  SqlTarget(const config::Destination& account, const config::Sync& sync, const std::vector<ColumnInfo>& model) {
    require_mode(account, sync, destinations::SqlDestination::supported_modes());
    destinations::SqlDestinationOptions options;
    options.name = account.name;
    options.connection_string = text_option(account.options, "connection");
    if (std::string dialect = text_option(account.options, "dialect"); !dialect.empty()) {
      options.dialect = parse_dialect(dialect);
    }
    options.table = text_option(sync.destination.options, "table");
    options.key_columns = sync.source.primary_key;
    options.columns = sql_table_columns(sync, model);
    if (auto it = account.options.find("create_table"); it != account.options.end() && it->is_boolean()) {
      options.create_table = it->get<bool>();
    }
    if (std::uint64_t batch = number_option(account.options, "batch_size"); batch > 0) {
      options.batch_size = static_cast<std::size_t>(batch);
    }
    destination_.emplace(std::move(options));
  }

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    return destination_->deliver(run, feed, callbacks);
  }

 private:
  std::optional<destinations::SqlDestination> destination_;
};

}  // namespace

std::uint64_t bulk_change_count(const state::RunRecord& run) {
  return run.counts.added + run.counts.changed + run.counts.removed;
}

std::unique_ptr<DeliveryTarget> make_delivery_target(const DeliveryTargetContext& context) {
  const config::Destination& account = context.account;
  const config::Sync& sync = context.sync;
  const destinations::DestinationSettings settings = destinations::settings_from_config(account);
  if (account.type == "klaviyo") return std::make_unique<KlaviyoTarget>(settings, account, sync, context.db);
  if (account.type == "sql") return std::make_unique<SqlTarget>(account, sync, context.model_columns);

  std::unique_ptr<DeliveryTarget> target;
  if (account.type == "salesforce") {
    target = std::make_unique<SalesforceTarget>(destinations::salesforce_options(settings, account, sync.destination),
                                                account, sync, context.journal);
  } else {
    auto module = destinations::make_module(settings, account, sync.destination);
    require_mode(account, sync, module->supported_modes());
    target = std::make_unique<EngineTarget>(settings, std::move(module));
  }
  // Only these address records by the vendor's id; the others would pay a
  // state lookup per record for nothing.
  const bool uses_vendor_ids = account.type == "hubspot" || account.type == "salesforce" || account.type == "intercom";
  if (context.db == nullptr || !uses_vendor_ids) return target;
  return std::make_unique<IdMappedTarget>(std::move(target), *context.db, sync.name);
}

}  // namespace backflow::runner
