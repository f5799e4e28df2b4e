#include "service/runner/change_translator.h"

#include "mappers/value_rendering.h"

namespace backflow::runner {

namespace {

using destinations::Operation;

// "address.city" -> {"address": {"city": null}}, merged into `fields`.
void set_null_path(nlohmann::json& fields, const std::string& path) {
  nlohmann::json* node = &fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (dot == std::string::npos) {
      (*node)[part] = nullptr;
      return;
    }
    nlohmann::json& child = (*node)[part];
    if (!child.is_object()) child = nlohmann::json::object();
    node = &child;
    start = dot + 1;
  }
}

}  // namespace

ChangeTranslator::ChangeTranslator(const config::Sync& sync, const mappers::CompiledMapping& mapping,
                                   std::string run_id, std::unordered_set<std::string> retry_ids)
    : mode_(sync.destination.mode),
      on_delete_(sync.destination.on_delete),
      send_changed_only_(sync.diff.send == config::SendFields::changed_fields),
      primary_key_(sync.source.primary_key),
      mapping_(mapping),
      run_id_(std::move(run_id)),
      retry_ids_(std::move(retry_ids)) {}

nlohmann::json key_object(const std::vector<std::string>& primary_key, const Row& key_values) {
  nlohmann::json key = nlohmann::json::object();
  for (std::size_t i = 0; i < primary_key.size() && i < key_values.size(); ++i) {
    key[primary_key[i]] = mappers::value_to_json(key_values[i]);
  }
  return key;
}

nlohmann::json ChangeTranslator::key_json(const Row& key_values) const { return key_object(primary_key_, key_values); }

nlohmann::json ChangeTranslator::cleared_fields() const {
  nlohmann::json fields = nlohmann::json::object();
  for (std::size_t i = 0; i < mapping_.field_count(); ++i) set_null_path(fields, mapping_.field_name(i));
  return fields;
}

std::vector<bool> ChangeTranslator::changed_fields(const diff::Change& change) const {
  std::vector<bool> changed_column(change.row.size(), false);
  for (std::size_t column : change.changed_columns) {
    if (column < changed_column.size()) changed_column[column] = true;
  }
  std::vector<bool> include(mapping_.field_count(), false);
  bool any = false;
  for (std::size_t i = 0; i < mapping_.field_count(); ++i) {
    for (std::size_t column : mapping_.field_columns(i)) {
      if (column < changed_column.size() && changed_column[column]) include[i] = true;
    }
    any = any || include[i];
  }
  // Only an unmapped column changed (the match_on column, say): send the
  // whole record rather than an empty update.
  if (!any) include.assign(mapping_.field_count(), true);
  return include;
}

Translation ChangeTranslator::translate(const diff::Change& change) const {
  Translation out;
  destinations::DeliveryRecord& record = out.record;
  record.key = change.key.id;
  record.key_json = key_json(change.key.values);

  if (mode_ == config::SyncMode::append) {
    // Events, not records: each run's event has its own key so that the
    // engine never holds one back behind the same row's event of this run.
    record.key = run_id_ + "/" + change.key.id;
  }
  if (change.op == diff::ChangeOp::Removed) {
    const bool mirror = mode_ == config::SyncMode::mirror;
    const bool deletes = mirror || ((mode_ == config::SyncMode::upsert || mode_ == config::SyncMode::update) &&
                                    on_delete_ != config::OnDelete::nothing);
    if (!deletes) {
      out.kind = Translation::Kind::Skip;
      return out;
    }
    if (!mirror && on_delete_ == config::OnDelete::clear) {
      record.op = Operation::Upsert;
      record.fields = cleared_fields();
    } else {
      record.op = Operation::Delete;
      record.fields = nlohmann::json::object();
    }
    return out;
  }
  if (mode_ == config::SyncMode::insert && change.op == diff::ChangeOp::Changed && !retry_ids_.count(change.key.id)) {
    out.kind = Translation::Kind::Skip;
    return out;
  }
  record.op = Operation::Upsert;
  const bool partial = send_changed_only_ && change.op == diff::ChangeOp::Changed && !retry_ids_.count(change.key.id);
  mappers::MappedRecord mapped = partial ? mapping_.apply(change.row, changed_fields(change)) : mapping_.apply(change.row);
  if (!mapped.valid()) {
    out.kind = Translation::Kind::Invalid;
    out.reason = std::move(mapped.invalid_reason);
    return out;
  }
  record.fields = std::move(mapped.fields);
  return out;
}

}  // namespace backflow::runner
