#include "destinations/delivery_record.h"

namespace backflow::destinations {

std::string_view to_string(Operation op) {
  switch (op) {
    case Operation::Upsert: return "upsert";
    case Operation::Delete: return "delete";
  }
  return "unknown";
}

}  // namespace backflow::destinations
