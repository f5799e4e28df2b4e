#include "destinations/destination_module.h"

#include "mappers/json_writer.h"

namespace backflow::destinations {

std::size_t DestinationModule::record_size(const DeliveryRecord& record) const {
  std::size_t size = mappers::json_text_size(record.key_json);
  if (record.op != Operation::Delete) size += mappers::json_text_size(record.fields);
  return size + 32;
}

}  // namespace backflow::destinations
