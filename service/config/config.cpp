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

std::string_view to_string(DiffEngine value) { return value == DiffEngine::local ? "local" : "warehouse"; }

std::string_view to_string(SendFields value) {
  return value == SendFields::all_fields ? "all_fields" : "changed_fields";
}

std::string_view to_string(AlertType value) { return value == AlertType::webhook ? "webhook" : "slack"; }

const Warehouse* Config::find_warehouse(std::string_view name) const { return find_by_name(warehouses, name); }
const Destination* Config::find_destination(std::string_view name) const { return find_by_name(destinations, name); }
const Sync* Config::find_sync(std::string_view name) const { return find_by_name(syncs, name); }

}  // namespace backflow::config
