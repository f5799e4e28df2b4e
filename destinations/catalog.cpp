#include "destinations/catalog.h"

#include <algorithm>

namespace backflow::destinations {
namespace {

using config::SyncMode;
using K = OptionKind;
using R = Requirement;

OptionSpec opt(std::string name, OptionKind kind = K::string, Requirement req = R::optional, bool secret = false,
               std::vector<std::string> choices = {}) {
  return OptionSpec{std::move(name), kind, req, secret, std::move(choices)};
}

OptionSpec secret(std::string name, Requirement req = R::optional) {
  return opt(std::move(name), K::string, req, true);
}

std::vector<DestinationType> build_catalog() {
  const OptionSpec event_name_for_append = opt("event_name", K::string, R::required_for_append);
  return {
      {"webhook",
       {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror, SyncMode::append},
       {opt("url", K::string, R::required), opt("headers", K::string_map), secret("secret"),
        opt("batch_size", K::integer), opt("max_bytes", K::integer)},
       {},
       {opt("object"), opt("event_name")},
       true},
      {"hubspot",
       {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror},
       {secret("token", R::required), opt("batch_size", K::integer)},
       {},
       {opt("object", K::string, R::required)},
       true},
      {"salesforce",
       {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror},
       {opt("instance_url"), secret("access_token"), opt("client_id"), secret("client_secret"), secret("refresh_token"),
        opt("login_url"), opt("api_version"), opt("bulk_threshold", K::integer), opt("bulk_poll_interval", K::duration),
        opt("batch_size", K::integer)},
       {{"access_token", "refresh_token"}},
       {opt("object", K::string, R::required), opt("external_id_field")},
       true},
      {"braze",
       {SyncMode::upsert, SyncMode::update, SyncMode::append},
       {secret("api_key", R::required)},
       {},
       {event_name_for_append},
       false},  // the module sends /users/track only: no user deletion
      {"klaviyo",
       {SyncMode::upsert},
       {secret("api_key", R::required), opt("revision"), opt("batch_size", K::integer), opt("max_bytes", K::integer),
        opt("poll_interval", K::duration), opt("max_job_wait", K::duration)},
       {},
       {opt("list_id")},
       false},  // a bulk import cannot remove profiles
      {"iterable",
       {SyncMode::upsert, SyncMode::append},
       {secret("api_key", R::required)},
       {},
       {event_name_for_append},
       false},
      {"intercom",
       {SyncMode::upsert, SyncMode::update, SyncMode::mirror},
       {secret("token", R::required), opt("intercom_version")},
       {},
       {opt("object", K::string, R::optional, false, {"contacts", "companies"})},
       true},
      {"sql",
       {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror, SyncMode::append},
       {secret("connection", R::required),
        opt("dialect", K::string, R::optional, false,
            {"postgres", "sqlite", "mysql", "snowflake", "bigquery", "redshift", "databricks"}),
        opt("create_table", K::boolean), opt("batch_size", K::integer)},
       {},
       {opt("table", K::string, R::required)},
       true},
  };
}

}  // namespace

const std::vector<DestinationType>& destination_types() {
  static const std::vector<DestinationType> catalog = build_catalog();
  return catalog;
}

const DestinationType* find_destination_type(std::string_view name) {
  for (const auto& type : destination_types()) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

std::vector<std::string> destination_type_names() {
  std::vector<std::string> names;
  for (const auto& type : destination_types()) names.push_back(type.name);
  return names;
}

const std::vector<std::string>& common_destination_keys() {
  static const std::vector<std::string> keys = {"type",  "base_url", "rate_limit", "max_concurrency",
                                                "retry", "timeout"};
  return keys;
}

const std::vector<std::string>& common_sync_destination_keys() {
  static const std::vector<std::string> keys = {"name", "mode", "match_on", "on_delete"};
  return keys;
}

bool supports_mode(const DestinationType& type, config::SyncMode mode) {
  return std::find(type.modes.begin(), type.modes.end(), mode) != type.modes.end();
}

}  // namespace backflow::destinations
