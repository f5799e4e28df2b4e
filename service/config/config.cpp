#include "service/config/config.h"

namespace backflow::config {
namespace {

template <typename T>
const T* find_by_name(const std::vector<T>& items, std::string_view name) {
  for (const auto& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(Dialect value) {
  switch (value) {
    case Dialect::postgres:
      return "postgres";
    case Dialect::sqlite:
      return "sqlite";
    case Dialect::mysql:
      return "mysql";
    case Dialect::snowflake:
      return "snowflake";
    case Dialect::bigquery:
      return "bigquery";
    case Dialect::redshift:
      return "redshift";
    case Dialect::databricks:
      return "databricks";
  }
  return "?";
}

std::string_view to_string(SyncMode value) {
  switch (value) {
    case SyncMode::upsert:
      return "upsert";
    case SyncMode::update:
      return "update";
    case SyncMode::insert:
      return "insert";
    case SyncMode::mirror:
      return "mirror";
    case SyncMode::append:
      return "append";
  }
  return "?";
}

std::string_view to_string(OnDelete value) {
  switch (value) {
    case OnDelete::nothing:
      return "nothing";
    case OnDelete::clear:
      return "clear";
    case OnDelete::delete_record:
      return "delete";
  }
  return "?";
}

std::string_view to_string(DiffEngine value) { return value == DiffEngine::local ? "local" : "warehouse"; }

std::string_view to_string(SendFields value) {
  return value == SendFields::all_fields ? "all_fields" : "changed_fields";
}

std::string_view to_string(AlertType value) { return value == AlertType::webhook ? "webhook" : "slack"; }

const Warehouse* Config::find_warehouse(std::string_view name) const { return find_by_name(warehouses, name); }
const Destination* Config::find_destination(std::string_view name) const { return find_by_name(destinations, name); }
const Sync* Config::find_sync(std::string_view name) const { return find_by_name(syncs, name); }

}  // namespace backflow::config
