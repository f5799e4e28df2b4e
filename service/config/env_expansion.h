// ${NAME} and ${file:/path} substitution in config values.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backflow::config {

// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
EnvLookup process_environment();

// The most a ${file:...} may hold; larger files are refused.
inline constexpr std::size_t kMaxSecretFileBytes = 1024 * 1024;

// Replaces, in one scalar value:
//   ${NAME}        the environment variable NAME ([A-Za-z_][A-Za-z0-9_]*)
//   ${file:/path}  the contents of that file, one trailing newline trimmed;
//                  the path may itself use ${NAME} (${file:${SECRETS}/token})
//                  but not another ${file:...}. Only regular files of at most
//                  kMaxSecretFileBytes are read (never a FIFO or a device).
//   $${            a literal "${"
// A lone '$' is kept. Linear in the length of `text`. Throws
// std::invalid_argument naming the variable or file when it is not set /
// cannot be read, or when "${" is not closed; the message never contains a
// substituted value.
std::string expand_variables(std::string_view text, const EnvLookup& env);

// The references ("${NAME}", "${file:/path}") whose values expand_variables
// would substitute into `text`, in order, as written; empty when the value
// is taken literally. A message about an expanded value names these instead
// of showing it: environment variables and files are where secrets live.
std::vector<std::string> substituted_references(std::string_view text);

}  // namespace backflow::config
