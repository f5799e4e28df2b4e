// Parsing of the request target: the path into decoded segments and the
// query string into parameters. Malformed input (bad percent-encoding, a
// limit that is not a number) throws ApiError 400 naming the culprit.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backflow::api {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`); nullopt
// when an escape is truncated or not hexadecimal.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// "/api/v1/syncs/a%2Fb/" -> {"api", "v1", "syncs", "a/b"}: empty segments
// dropped, each decoded after splitting so an encoded '/' stays in its name.
std::vector<std::string> split_path(std::string_view path);

class QueryParams {
 public:
  // Parses "a=1&b=x%20y"; a repeated name keeps its last value.
  static QueryParams parse(std::string_view query);

  std::optional<std::string> get(const std::string& name) const;

  // The `name` parameter as a page size: `fallback` when absent, else a
  // whole number in [1, max]; throws ApiError 400 otherwise.
  std::size_t limit(const std::string& name, std::size_t fallback, std::size_t max) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace backflow::api
