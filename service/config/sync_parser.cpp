// syncs: source, destination, mapping, schedule, diff, guard, retry.
#include <algorithm>
#include <set>

#include "destinations/registry.h"
#include "service/config/section_parsers.h"
#include "common/suggest.h"
#include "common/text.h"

namespace backflow::config {
namespace {

using destinations::DestinationType;
using destinations::Requirement;

const std::vector<std::string> kSyncKeys = {"source", "destination", "mapping", "schedule",
                                            "diff",   "guard",       "retry",   "retention", "outcome",
                                            "record_log", "writeback"};
const std::vector<std::string> kSourceKeys = {"warehouse", "table", "query", "primary_key"};
const std::vector<std::string> kMatchOnKeys = {"field", "column"};
const std::vector<std::string> kModes = {"upsert", "update", "insert", "mirror", "append"};
const std::vector<std::string> kOnDelete = {"nothing", "clear", "delete"};
const std::vector<std::string> kDiffKeys = {"engine", "send"};
const std::vector<std::string> kGuardKeys = {"max_removed_pct", "max_removed_rows", "min_rows", "max_changed_pct",
                                             "allow_empty"};
const std::vector<std::string> kOutcomeKeys = {"max_rejected_pct"};
const std::vector<std::string> kRetryKeys = {"max_attempts"};

template <typename T>
std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name);
  return names;
}

// Everything a sync's parse needs to look up.
struct SyncContext {
  const std::vector<Warehouse>& warehouses;
  const std::vector<Destination>& destinations;
  const std::vector<std::string>& sync_names;  // in file order, for messages
  const std::set<std::string>& sync_name_set;  // for lookups
  const std::optional<Writeback>& default_writeback;
};

SyncSource parse_source(YamlReader& reader, const YAML::Node& node, const std::string& path,
                        const SyncContext& context) {
  SyncSource source;
  source.location = reader.location(node);
  auto fields = reader.map(node, path, &kSourceKeys);
  if (!fields) return source;
  reader.require(*fields, {"warehouse", "primary_key"});
  if (auto value = fields->get("warehouse")) {
    if (auto name = reader.non_empty_string(*value, path + ".warehouse")) {
      source.warehouse = *name;
      const auto names = names_of(context.warehouses);
      if (std::find(names.begin(), names.end(), *name) == names.end()) {
        reader.error(*value, path + ".warehouse", "unknown warehouse " + YamlReader::quote_value(*value, *name) + " (" + text::defined_names(names) + ")",
                     text::nearest(*name, names));
      }
    }
  }
  auto table = fields->get("table");
  auto query = fields->get("query");
  if (table && query) {
    reader.error(*query, path + ".query", "set either 'table' or 'query', not both");
  } else if (!table && !query) {
    reader.error(node, path + ".table", "missing 'table' or 'query' (the model to read)");
  }
  if (table) source.table = reader.non_empty_string(*table, path + ".table");
  if (query) source.query = reader.non_empty_string(*query, path + ".query");
  if (auto value = fields->get("primary_key")) {
    if (auto columns = reader.string_list(*value, path + ".primary_key", true)) {
      if (columns->empty()) {
        reader.error(*value, path + ".primary_key", "expected at least one column, found an empty list");
      }
      std::set<std::string> seen;
      for (const auto& column : *columns) {
        if (!seen.insert(column).second) {
          reader.error(*value, path + ".primary_key", "column " + quote_for_message(column) + " is listed twice");
        }
      }
      source.primary_key = *columns;
    }
  }
  return source;
}

void check_on_delete(YamlReader& reader, const YAML::Node& node, const std::string& path, SyncMode mode,
                     OnDelete on_delete, const DestinationType* type) {
  if (on_delete == OnDelete::nothing) return;
  const std::string value(to_string(on_delete));
  if (mode == SyncMode::insert || mode == SyncMode::append) {
    reader.error(node, path,
                 "on_delete: " + value + " does not apply to mode " + std::string(to_string(mode)) +
                     ", which never removes records; use 'nothing' or remove the key");
  } else if (mode == SyncMode::mirror && on_delete == OnDelete::clear) {
    reader.error(node, path, "on_delete: clear does not apply to mode mirror, which deletes removed records");
  } else if (on_delete == OnDelete::delete_record && type != nullptr && !type->can_delete) {
    reader.error(node, path,
                 "on_delete: delete is not possible: " + type->name + " destinations cannot delete records");
  }
}

// The type of the destination a sync's `name:` refers to, or null when the
// name is missing or unknown (reported).
const DestinationType* resolve_destination_type(YamlReader& reader, const MapFields& fields, const std::string& path,
                                                const SyncContext& context, SyncDestination& destination) {
  auto name_node = fields.get("name");
  if (!name_node) return nullptr;
  auto name = reader.non_empty_string(*name_node, path + ".name");
  if (!name) return nullptr;
  destination.name = *name;
  const auto names = names_of(context.destinations);
  auto found = std::find_if(context.destinations.begin(), context.destinations.end(),
                            [&](const Destination& d) { return d.name == *name; });
  if (found == context.destinations.end()) {
    reader.error(*name_node, path + ".name", "unknown destination " + YamlReader::quote_value(*name_node, *name) + " (" + text::defined_names(names) + ")",
                 text::nearest(*name, names));
    return nullptr;
  }
  return destinations::find_destination_type(found->type);
}

// The type-specific keys a sync's `destination:` block may hold: the type's,
// or every type's when the type is unknown (so only a key no type has is
// reported as unknown). Their names are appended to `allowed`.
std::vector<const destinations::OptionSpec*> sync_option_specs(const DestinationType* type,
                                                               std::vector<std::string>& allowed) {
  std::vector<const destinations::OptionSpec*> specs;
  for (const destinations::DestinationType* candidate : destinations::destination_types()) {
    if (type != nullptr && candidate != type) continue;
    for (const auto& spec : candidate->sync_options) {
      if (std::find(allowed.begin(), allowed.end(), spec.name) == allowed.end()) {
        allowed.push_back(spec.name);
        specs.push_back(&spec);
      }
    }
  }
  return specs;
}

// `mode:`; true when it is known and the type supports it.
bool parse_mode(YamlReader& reader, const MapFields& fields, const std::string& path, const DestinationType* type,
                SyncDestination& destination) {
  auto value = fields.get("mode");
  if (!value) return false;
  auto mode = reader.choice(*value, path + ".mode", kModes);
  if (!mode) return false;
  destination.mode = static_cast<SyncMode>(std::find(kModes.begin(), kModes.end(), *mode) - kModes.begin());
  if (type == nullptr || destinations::supports_mode(*type, destination.mode)) return true;
  std::vector<std::string> supported;
  for (auto m : type->modes) supported.emplace_back(to_string(m));
  reader.error(*value, path + ".mode",
               "mode '" + *mode + "' is not supported by " + type->name +
                   " destinations (supported: " + text::join(supported, ", ") + ")");
  return false;
}

void parse_match_on(YamlReader& reader, const MapFields& fields, const std::string& path,
                    SyncDestination& destination) {
  auto value = fields.get("match_on");
  if (!value) return;
  auto match = reader.map(*value, path + ".match_on", &kMatchOnKeys);
  if (!match || !reader.require(*match, kMatchOnKeys)) return;
  auto field = reader.non_empty_string(*match->get("field"), path + ".match_on.field");
  auto column = reader.non_empty_string(*match->get("column"), path + ".match_on.column");
  if (field && column) destination.match_on = MatchOn{*field, *column};
}

// The type's own keys: required ones present, each of its kind and range.
void parse_type_options(YamlReader& reader, const MapFields& fields, const YAML::Node& node, const std::string& path,
                        const DestinationType& type, const std::vector<const destinations::OptionSpec*>& specs,
                        bool mode_known, SyncDestination& destination) {
  for (const auto* spec : specs) {
    const std::string key_path = join_path(path, spec->name);
    auto value = fields.get(spec->name);
    if (!value) {
      const bool required =
          spec->requirement == Requirement::required ||
          (spec->requirement == Requirement::required_for_append && mode_known && destination.mode == SyncMode::append);
      if (required) {
        reader.error(node, key_path,
                     "missing required key " + quote_for_message(spec->name) + " for a " + type.name + " destination" +
                         (spec->requirement == Requirement::required_for_append ? " in append mode" : ""));
      }
      continue;
    }
    if (!spec->choices.empty()) {
      // A value the type does not take is said as an unsupported mode is,
      // with the values it supports.
      auto text = reader.non_empty_string(*value, key_path);
      if (!text) continue;
      if (std::find(spec->choices.begin(), spec->choices.end(), *text) == spec->choices.end()) {
        reader.error(*value, key_path,
                     spec->name + " " + quote_for_message(*text) + " is not supported by " + type.name +
                         " destinations (supported: " + text::join(spec->choices, ", ") + ")",
                     text::nearest(*text, spec->choices));
        continue;
      }
    }
    if (auto parsed = parse_option(reader, *spec, *value, key_path)) {
      if (spec->name == "object") {
        destination.object = parsed->get<std::string>();
      } else {
        destination.options[spec->name] = *parsed;
      }
    }
  }
}

SyncDestination parse_sync_destination(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                       const SyncContext& context) {
  SyncDestination destination;
  destination.location = reader.location(node);
  auto fields = reader.map(node, path, nullptr);
  if (!fields) return destination;
  // The destination's type decides which keys are valid, so resolve it first.
  const DestinationType* type = resolve_destination_type(reader, *fields, path, context, destination);
  std::vector<std::string> allowed = destinations::common_sync_destination_keys();
  const auto specs = sync_option_specs(type, allowed);
  reader.reject_unknown_keys(*fields, allowed);
  reader.require(*fields, {"name", "mode"});

  const bool mode_known = parse_mode(reader, *fields, path, type, destination);
  if (auto value = fields->get("on_delete")) {
    if (auto on_delete = reader.choice(*value, path + ".on_delete", kOnDelete)) {
      destination.on_delete =
          static_cast<OnDelete>(std::find(kOnDelete.begin(), kOnDelete.end(), *on_delete) - kOnDelete.begin());
      if (mode_known)
        check_on_delete(reader, *value, path + ".on_delete", destination.mode, destination.on_delete, type);
    }
  }
  parse_match_on(reader, *fields, path, destination);
  if (type == nullptr) return destination;
  parse_type_options(reader, *fields, node, path, *type, specs, mode_known, destination);
  check_sync_destination_values(reader, *fields, node, path, *type, destination);
  return destination;
}

void parse_diff(YamlReader& reader, const YAML::Node& node, const std::string& path, DiffSettings& diff) {
  auto fields = reader.map(node, path, &kDiffKeys);
  if (!fields) return;
  if (auto value = fields->get("engine")) {
    if (auto engine = reader.choice(*value, path + ".engine", {"local", "warehouse"})) {
      diff.engine = *engine == "local" ? DiffEngine::local : DiffEngine::warehouse;
    }
  }
  if (auto value = fields->get("send")) {
    if (auto send = reader.choice(*value, path + ".send", {"all_fields", "changed_fields"})) {
      diff.send = *send == "all_fields" ? SendFields::all_fields : SendFields::changed_fields;
    }
  }
}

Guard parse_guard(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  Guard guard;
  auto fields = reader.map(node, path, &kGuardKeys);
  if (!fields) return guard;
  if (auto value = fields->get("max_removed_pct"))
    guard.max_removed_pct = reader.number(*value, path + ".max_removed_pct", 0, 100);
  if (auto value = fields->get("max_removed_rows")) {
    guard.max_removed_rows = reader.whole_number(*value, path + ".max_removed_rows", 0, UINT64_MAX);
  }
  if (auto value = fields->get("min_rows"))
    guard.min_rows = reader.whole_number(*value, path + ".min_rows", 0, UINT64_MAX);
  if (auto value = fields->get("max_changed_pct"))
    guard.max_changed_pct = reader.number(*value, path + ".max_changed_pct", 0, 100);
  if (auto value = fields->get("allow_empty")) {
    if (auto allow = reader.boolean(*value, path + ".allow_empty")) guard.allow_empty = *allow;
  }
  return guard;
}

RunOutcomePolicy parse_outcome(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  RunOutcomePolicy outcome;
  auto fields = reader.map(node, path, &kOutcomeKeys);
  if (!fields) return outcome;
  if (auto value = fields->get("max_rejected_pct")) {
    if (auto pct = reader.number(*value, path + ".max_rejected_pct", 0, 100)) outcome.max_rejected_pct = *pct;
  }
  return outcome;
}

Sync parse_sync(YamlReader& reader, const MapEntry& entry, const SyncContext& context) {
  const std::string path = join_path("syncs", entry.key);
  Sync sync;
  sync.name = entry.key;
  sync.location = reader.location(entry.key_node);
  sync.schedule_location = sync.location;
  auto fields = reader.map(entry.value, path, &kSyncKeys);
  if (!fields) return sync;
  reader.require(*fields, {"source", "destination", "mapping"});
  // Blocks are located at their key: a block map's own position is its first child's.
  for (const auto& field : fields->entries) {
    if (field.key == "source") {
      sync.source = parse_source(reader, field.value, path + ".source", context);
      sync.source.location = reader.location(field.key_node);
    } else if (field.key == "destination") {
      sync.destination = parse_sync_destination(reader, field.value, path + ".destination", context);
      sync.destination.location = reader.location(field.key_node);
    }
  }
  if (auto node = fields->get("mapping")) {
    sync.mapping = parse_mapping(reader, *node, path + ".mapping");
    auto target = std::find_if(context.destinations.begin(), context.destinations.end(),
                               [&](const Destination& d) { return d.name == sync.destination.name; });
    if (target != context.destinations.end()) {
      if (const auto* type = destinations::find_destination_type(target->type)) {
        check_mapping_values(reader, path + ".mapping", *type, sync.mapping);
      }
    }
  }
  if (auto node = fields->get("schedule")) {
    sync.schedule_location = reader.location(*node);
    if (auto schedule = parse_schedule(reader, *node, path + ".schedule", context.sync_names, context.sync_name_set))
      sync.schedule = *schedule;
  }
  auto warehouse = std::find_if(context.warehouses.begin(), context.warehouses.end(),
                                [&](const Warehouse& w) { return w.name == sync.source.warehouse; });
  const bool embedded =
      warehouse != context.warehouses.end() && sql_dialect(warehouse->dialect).capabilities().embedded;
  sync.diff.engine = embedded ? DiffEngine::local : DiffEngine::warehouse;
  if (auto node = fields->get("diff")) parse_diff(reader, *node, path + ".diff", sync.diff);
  if (auto node = fields->get("guard")) sync.guard = parse_guard(reader, *node, path + ".guard");
  if (auto node = fields->get("outcome")) sync.outcome = parse_outcome(reader, *node, path + ".outcome");
  if (auto node = fields->get("record_log")) {
    if (auto log = reader.choice(*node, path + ".record_log", {"failures", "all"})) {
      sync.record_log = *log == "all" ? Sync::RecordLog::all : Sync::RecordLog::failures;
    }
  }
  if (auto node = fields->get("retry")) {
    if (auto retry = reader.map(*node, path + ".retry", &kRetryKeys)) {
      if (auto value = retry->get("max_attempts")) {
        if (auto n = reader.whole_number(*value, path + ".retry.max_attempts", 1, 1000)) {
          sync.retry.max_attempts = static_cast<std::uint32_t>(*n);
        }
      }
    }
  }
  if (auto node = fields->get("retention")) {
    if (auto retention = reader.duration(*node, path + ".retention")) {
      if (retention->count() <= 0) {
        reader.error(*node, path + ".retention", "expected a duration longer than 0, found " + YamlReader::quote_value(*node, node->Scalar()));
      } else {
        sync.retention = *retention;
      }
    }
  }
  sync.writeback = context.default_writeback;
  if (auto node = fields->get("writeback")) {
    WritebackSetting setting = parse_writeback(reader, *node, path + ".writeback", context.warehouses);
    sync.writeback = setting.off ? std::nullopt : setting.writeback;
  }
  return sync;
}

}  // namespace

std::vector<Sync> parse_syncs(YamlReader& reader, const YAML::Node& node, const std::vector<Warehouse>& warehouses,
                              const std::vector<Destination>& destinations,
                              const std::optional<Writeback>& default_writeback) {
  std::vector<Sync> syncs;
  auto all = reader.map(node, "syncs", nullptr);
  if (!all) return syncs;
  std::vector<std::string> sync_names;
  for (const auto& entry : all->entries) sync_names.push_back(entry.key);
  const std::set<std::string> sync_name_set(sync_names.begin(), sync_names.end());
  const SyncContext context{warehouses, destinations, sync_names, sync_name_set, default_writeback};
  for (const auto& entry : all->entries) {
    check_name(reader, entry, join_path("syncs", entry.key), "sync");
    syncs.push_back(parse_sync(reader, entry, context));
  }
  return syncs;
}

}  // namespace backflow::config
