#include "destinations/delivery_record.h"

namespace backflow::destinations {

std::string_view to_string(Operation op) {
  switch (op) {
    case Operation::Upsert: return "upsert";
    case Operation::Delete: return "delete";
  }
  return "unknown";
}

std::string record_identifier(const DeliveryRecord& record, std::string_view field) {
  if (record.fields.is_object()) {
    auto it = record.fields.find(field);
    if (it != record.fields.end()) {
      if (it->is_string()) return it->get<std::string>();
      if (it->is_number()) return it->dump();
    }
  }
  if (record.key_json.is_object() && record.key_json.size() == 1) {
    const auto& value = record.key_json.begin().value();
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) return value.dump();
  }
  return record.key;
}

}  // namespace backflow::destinations
