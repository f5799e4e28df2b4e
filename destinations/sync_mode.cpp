#include "destinations/sync_mode.h"

namespace backflow::destinations {

std::string_view to_string(SyncMode mode) {
  switch (mode) {
    case SyncMode::upsert: return "upsert";
    case SyncMode::update: return "update";
    case SyncMode::insert: return "insert";
    case SyncMode::mirror: return "mirror";
    case SyncMode::append: return "append";
  }
  return "?";
}

std::string_view to_string(OnDelete on_delete) {
  switch (on_delete) {
    case OnDelete::nothing: return "nothing";
    case OnDelete::clear: return "clear";
    case OnDelete::delete_record: return "delete";
  }
  return "?";
}

}  // namespace backflow::destinations
