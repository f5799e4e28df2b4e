// Typed reads of a yaml-cpp tree that record, instead of throwing, every
// problem as a Diagnostic with file position and key path. The config
// loader's building block.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/text.h"
#include "service/config/diagnostic.h"
#include "service/config/env_expansion.h"

namespace backflow::config {

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string join_path(const std::string& base, const std::string& key);

// A value as quoted in a message (common/text.h).
using text::quote_for_message;

// How a node reads in a message: "a map", "a list", "nothing (null)", "'text'".
std::string describe(const YAML::Node& node);

// One key of a YAML map, in file order.
struct MapEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// A map node's entries, already checked for duplicates and unknown keys.
struct MapFields {
  YAML::Node node;
  std::string path;
  std::vector<MapEntry> entries;

  // The value under `key`, or nullopt when the key is absent.
  std::optional<YAML::Node> get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }
};

// Not thread-safe; one per load.
class YamlReader {
 public:
  YamlReader(std::string file, EnvLookup env);

  const std::string& file() const { return file_; }
  SourceLocation location(const YAML::Node& node) const;

  // Records an error. Every part is escaped to one line of printable text
  // (newlines and terminal escapes shown as \n, \x1b) and bounded in length,
  // whatever user text it holds.
  void error(const SourceLocation& at, const std::string& path, std::string message, std::string suggestion = {});
  void error(const YAML::Node& at, const std::string& path, std::string message, std::string suggestion = {});

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  std::size_t error_count() const { return diagnostics_.size(); }

  // The node's entries if it is a map, reporting duplicate keys, keys not in
  // `allowed` (null: any key goes) with the nearest allowed key, and
  // non-scalar keys. YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) are
  // resolved: merged keys come after the map's own, which win. When it is
  // not a map, reports "expected a map" and returns nullopt.
  std::optional<MapFields> map(const YAML::Node& node, const std::string& path,
                               const std::vector<std::string>* allowed);

  // Reports and drops the entries whose key is not in `allowed`, for maps
  // whose valid keys depend on one of their values (a destination's type).
  void reject_unknown_keys(MapFields& fields, const std::vector<std::string>& allowed);

  // Reports "missing required key" at the map for each of `keys` it lacks;
  // returns true when none is missing.
  bool require(const MapFields& fields, const std::vector<std::string>& keys);

  // `value` (read from `node`) as a message may show it: quoted and escaped
  // when the config file holds it literally; when it came from ${NAME} or
  // ${file:...}, the references instead ("the value of ${API_TOKEN}, not
  // shown"), since the environment and files are where secrets live.
  static std::string quote_value(const YAML::Node& node, std::string_view value);
  // True when `node` is a scalar whose value has ${NAME} or ${file:...}
  // substituted in it (and so must not be shown).
  static bool is_substituted(const YAML::Node& node);

  // Scalar reads. Each reports a wrong type or bad value and returns nullopt.
  // ${...} substitution applies to every scalar value before conversion.
  std::optional<std::string> string(const YAML::Node& node, const std::string& path);
  std::optional<std::string> non_empty_string(const YAML::Node& node, const std::string& path);
  std::optional<std::uint64_t> whole_number(const YAML::Node& node, const std::string& path, std::uint64_t min,
                                            std::uint64_t max);
  std::optional<double> number(const YAML::Node& node, const std::string& path, double min, double max);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
  std::optional<std::chrono::milliseconds> duration(const YAML::Node& node, const std::string& path);
  // One of `choices`; an unknown value is reported with the nearest choice.
  std::optional<std::string> choice(const YAML::Node& node, const std::string& path,
                                    const std::vector<std::string>& choices);
  // A string, or a list of strings when `allow_single` also takes one string.
  std::optional<std::vector<std::string>> string_list(const YAML::Node& node, const std::string& path,
                                                      bool allow_single);
  // A scalar as JSON, typed as YAML's core schema types plain scalars
  // (null, true/false, integers, floats); quoted scalars stay strings.
  std::optional<nlohmann::json> scalar_json(const YAML::Node& node, const std::string& path);

 private:
  void report_unknown_key(const MapFields& fields, const YAML::Node& key_node, const std::vector<std::string>& allowed);
  void add_entry(MapFields& fields, const YAML::Node& key_node, const YAML::Node& value,
                 const std::vector<std::string>* allowed);
  void merge_into(MapFields& fields, const YAML::Node& source, std::map<std::string, int>& seen,
                  const std::vector<std::string>* allowed, int depth);
  std::optional<std::string> expanded_scalar(const YAML::Node& node, const std::string& path, const char* expected);

  std::string file_;
  EnvLookup env_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<std::pair<YAML::Node, YAML::Mark>> null_value_keys_;
};

}  // namespace backflow::config
