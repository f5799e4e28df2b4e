#include "destinations/destination_module.h"

#include "mappers/json_writer.h"

namespace backflow::destinations {

std::size_t DestinationModule::record_size(const DeliveryRecord& record) const {
  std::string text;
  mappers::write_json(record.key_json, text);
  if (record.op != Operation::Delete) mappers::write_json(record.fields, text);
  return text.size() + 32;
}

}  // namespace backflow::destinations
