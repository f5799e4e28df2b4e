// Turns one diff change into what is sent for it, per the sync's mode,
// on_delete and diff.send (design §2): a delivery record, a skip (the mode
// does not send it), or an invalid record (the mapping cannot convert a
// value). Stateless after construction; thread-safe for const use.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "destinations/delivery_record.h"
#include "diff/change.h"
#include "mappers/compiled_mapping.h"
#include "service/config/config.h"

namespace backflow::runner {

struct Translation {
  enum class Kind { Send, Skip, Invalid };
  Kind kind = Kind::Send;
  destinations::DeliveryRecord record;  // Kind::Send
  std::string reason;                   // Kind::Invalid: the mapper's reason
};

// A primary key's values as the payload's "key" object: {"customer_id": 42}.
nlohmann::json key_object(const std::vector<std::string>& primary_key, const Row& key_values);

class ChangeTranslator {
 public:
  // `mapping` was compiled against the diff's mapped columns, in their order,
  // and must outlive the translator. `retry_ids` are the key ids of records
  // resent for a retry (an insert-mode retry of a failed create is sent
  // although the diff reports it as changed). `run_id` scopes append-mode
  // event keys.
  ChangeTranslator(const config::Sync& sync, const mappers::CompiledMapping& mapping, std::string run_id,
                   std::unordered_set<std::string> retry_ids);

  Translation translate(const diff::Change& change) const;

  // The primary key as the payload's "key" object.
  nlohmann::json key_json(const Row& key_values) const;

 private:
  nlohmann::json cleared_fields() const;
  std::vector<bool> changed_fields(const diff::Change& change) const;

  config::SyncMode mode_;
  config::OnDelete on_delete_;
  bool send_changed_only_;
  std::vector<std::string> primary_key_;
  const mappers::CompiledMapping& mapping_;
  std::string run_id_;
  std::unordered_set<std::string> retry_ids_;
};

}  // namespace backflow::runner
