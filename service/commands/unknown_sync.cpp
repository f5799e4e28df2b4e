#include "service/commands/unknown_sync.h"

#include "common/suggest.h"
#include "common/text.h"

namespace backflow::cli {

std::string unknown_sync_message(const std::string& command, const std::string& name, const config::Config& config,
                                 const std::string& file) {
  std::vector<std::string> names;
  for (const auto& sync : config.syncs) names.push_back(sync.name);
  std::string hint = text::did_you_mean(name, names);
  if (hint.empty()) hint = " (" + text::defined_names(names) + ")";
  return "backflow " + command + ": no sync named " + text::quote_for_message(name) + " in " + file + hint;
}

}  // namespace backflow::cli
