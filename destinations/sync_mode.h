// How a sync writes to its destination and what removed rows do there
// (design §6). Shared by the config
// loader (which parses `mode:`), the runner and every destination type.
#pragma once

#include <string_view>

namespace backflow::destinations {

enum class SyncMode { upsert, update, insert, mirror, append };

// What a removed model row does to its destination record (`on_delete:`).
enum class OnDelete { nothing, clear, delete_record };  // YAML: nothing | clear | delete

// The config spelling: "upsert", "update", "insert", "mirror", "append";
// "nothing", "clear", "delete".
std::string_view to_string(SyncMode mode);
std::string_view to_string(OnDelete on_delete);

}  // namespace backflow::destinations
