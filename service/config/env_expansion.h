// ${NAME} and ${file:/path} substitution in config values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace backflow::config {

// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
EnvLookup process_environment();

// Replaces, in one scalar value:
//   ${NAME}        the environment variable NAME ([A-Za-z_][A-Za-z0-9_]*)
//   ${file:/path}  the contents of that file, one trailing newline trimmed;
//                  the path may itself use ${NAME} (${file:${SECRETS}/token})
//   $${            a literal "${"
// A lone '$' is kept. Throws std::invalid_argument naming the variable or
// file when it is not set / cannot be read, or when "${" is not closed.
std::string expand_variables(std::string_view text, const EnvLookup& env);

}  // namespace backflow::config
