// Opaque page cursors for the API: a store's position (a record key, which
// may hold any byte) as URL-safe lower-case hex, and back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace backflow::api {

std::string encode_cursor(std::string_view position);
// nullopt when `cursor` is not an even-length hex string.
std::optional<std::string> decode_cursor(std::string_view cursor);

}  // namespace backflow::api
