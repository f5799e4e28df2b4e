// The loader's parsers for each section of the config file. Internal to
// service/config; each reports problems to the reader and returns what it
// could parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "destinations/registry.h"
#include "service/config/config.h"
#include "service/config/yaml_reader.h"

namespace backflow::config {

// Reports a name (of a warehouse, destination or sync) that is not
// [A-Za-z0-9_][A-Za-z0-9_.-]*; returns whether it is valid.
bool check_name(YamlReader& reader, const MapEntry& entry, const std::string& path, const char* what);

ServerConfig parse_server(YamlReader& reader, const YAML::Node& node);
std::vector<Warehouse> parse_warehouses(YamlReader& reader, const YAML::Node& node);
std::vector<Alert> parse_alerts(YamlReader& reader, const YAML::Node& node);
std::vector<Destination> parse_destinations(YamlReader& reader, const YAML::Node& node);

// A type-specific key's value as JSON, checked against its spec.
std::optional<nlohmann::json> parse_option(YamlReader& reader, const destinations::OptionSpec& spec,
                                           const YAML::Node& node, const std::string& path);

// What a `writeback:` says: a table location, or (`false`) none.
struct WritebackSetting {
  bool off = false;
  std::optional<Writeback> writeback;  // unset when off or invalid
};
WritebackSetting parse_writeback(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                 const std::vector<Warehouse>& warehouses);

// Needs the parsed warehouses and destinations to check references, and the
// names of all syncs (even ones with errors) for `after:`. A sync without
// `writeback:` gets `default_writeback`.
std::vector<Sync> parse_syncs(YamlReader& reader, const YAML::Node& node, const std::vector<Warehouse>& warehouses,
                              const std::vector<Destination>& destinations,
                              const std::optional<Writeback>& default_writeback);

// A sync's mapping, in file order.
mappers::MappingSpec parse_mapping(YamlReader& reader, const YAML::Node& node, const std::string& path);

// A sync's schedule; `after:` names must be among `sync_name_set`
// (`sync_names` is the same, in file order, for messages).
std::optional<Schedule> parse_schedule(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                       const std::vector<std::string>& sync_names,
                                       const std::set<std::string>& sync_name_set);

// Checks of values the keys' kinds cannot express, from the type's
// descriptor (destination_checks.cpp): vendor limits, the identifiers a
// vendor matches on, the type's own checks. `block` is the checked map,
// where a problem without a node of its own is reported.
void check_destination_values(YamlReader& reader, const MapFields& fields, const YAML::Node& block,
                              const std::string& path, const destinations::DestinationType& type,
                              const Destination& destination);
void check_sync_destination_values(YamlReader& reader, const MapFields& fields, const YAML::Node& block,
                                   const std::string& path, const destinations::DestinationType& type,
                                   const SyncDestination& destination);
void check_mapping_values(YamlReader& reader, const std::string& path, const destinations::DestinationType& type,
                          const mappers::MappingSpec& mapping);

// Reports cycles among `schedule: {after: [...]}` references.
void check_after_cycles(YamlReader& reader, const std::vector<Sync>& syncs);

}  // namespace backflow::config
