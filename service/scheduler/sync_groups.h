// Syncs tied together by `after:` schedules, so that sharding keeps them on
// one replica: a child can only see its parents' runs in its own state.
#pragma once

#include <map>
#include <string>

#include "service/config/config.h"

namespace backflow::scheduler {

// For every sync of `config`, the name that decides its shard: the
// alphabetically smallest name among the syncs linked to it through after:
// schedules (in either direction). A sync without such links is its own key.
std::map<std::string, std::string> shard_keys(const config::Config& config);

}  // namespace backflow::scheduler
