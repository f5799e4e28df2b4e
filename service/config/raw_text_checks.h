// Checks on the config file's bytes before YAML parsing, for problems the
// YAML parser reports poorly or not at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "service/config/diagnostic.h"

namespace backflow::config {

inline constexpr std::uintmax_t kMaxConfigBytes = 4 * 1024 * 1024;

// "config file is 10.0 MiB; the limit is 4 MiB" when size > limit, else "".
std::string size_limit_message(std::uintmax_t size, std::uintmax_t limit);

// Reports, with line and column: control bytes ("binary data") and invalid
// UTF-8 (only the first such byte: the rest would be noise), and tab characters in
// indentation (each line). Empty result: the text is fit for the parser.
std::vector<Diagnostic> check_raw_text(std::string_view text, const std::string& file);

// True when the text holds nothing but whitespace and comments.
bool is_blank_yaml(std::string_view text);

}  // namespace backflow::config
