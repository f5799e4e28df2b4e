#include "service/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/suggest.h"
#include "common/duration.h"
#include "common/text.h"

namespace backflow::config {
namespace {

bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

// YAML 1.1's merge key, which yaml-cpp parses as an ordinary "<<" key.
bool is_merge_key(const YAML::Node& key) { return key.Scalar() == "<<" && is_plain(key); }

// A number that parsed but is out of range, as a message shows it: as
// written, unless it was substituted.
std::string number_as_shown(const YAML::Node& node, const std::string& text) {
  return YamlReader::is_substituted(node) ? YamlReader::quote_value(node, text) : text;
}

}  // namespace

std::string join_path(const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; }

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing (null)";
    case YAML::NodeType::Scalar:
      return quote_for_message(node.Scalar());
    default:
      return "nothing";
  }
}

std::optional<YAML::Node> MapFields::get(std::string_view key) const {
  for (const auto& entry : entries) {
    if (entry.key == key) return entry.value;
  }
  return std::nullopt;
}

YamlReader::YamlReader(std::string file, EnvLookup env) : file_(std::move(file)), env_(std::move(env)) {}

SourceLocation YamlReader::location(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  if (node.IsNull()) {
    for (const auto& [null_node, key_mark] : null_value_keys_) {
      if (null_node.is(node)) mark = key_mark;
    }
  }
  if (mark.is_null()) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, mark.line + 1, mark.column + 1};
}

void YamlReader::error(const SourceLocation& at, const std::string& path, std::string message, std::string suggestion) {
  // Callers quote values with quote_for_message; the bounds here catch the
  // keys and names that reach a message some other way.
  constexpr std::size_t kMaxPath = 300, kMaxMessage = 4000, kMaxSuggestion = 80;
  diagnostics_.push_back(Diagnostic{at, text::escape_for_message(path, kMaxPath),
                                    text::escape_for_message(message, kMaxMessage),
                                    text::escape_for_message(suggestion, kMaxSuggestion)});
}

bool YamlReader::is_substituted(const YAML::Node& node) {
  return node.IsScalar() && !substituted_references(node.Scalar()).empty();
}

std::string YamlReader::quote_value(const YAML::Node& node, std::string_view value) {
  if (!node.IsScalar()) return quote_for_message(value);
  const std::vector<std::string> references = substituted_references(node.Scalar());
  if (references.empty()) return quote_for_message(value);
  std::string names;
  for (const auto& reference : references) {
    names += (names.empty() ? "" : ", ") + text::escape_for_message(reference, 60);
  }
  return "the value of " + names + " (not shown: values from the environment and files are never echoed)";
}

void YamlReader::error(const YAML::Node& at, const std::string& path, std::string message, std::string suggestion) {
  error(location(at), path, std::move(message), std::move(suggestion));
}

std::optional<MapFields> YamlReader::map(const YAML::Node& node, const std::string& path,
                                         const std::vector<std::string>* allowed) {
  if (!node.IsMap()) {
    error(node, path, "expected a map, found " + describe(node));
    return std::nullopt;
  }
  MapFields fields{node, path, {}};
  std::map<std::string, int> first_line;
  std::vector<YAML::Node> merges;
  for (const auto& pair : node) {
    const YAML::Node key_node = pair.first;
    if (!key_node.IsScalar()) {
      error(key_node, path, "expected a key (a plain name), found " + describe(key_node));
      continue;
    }
    if (is_merge_key(key_node)) {
      merges.push_back(pair.second);
      continue;
    }
    const std::string key = key_node.Scalar();
    if (auto seen = first_line.find(key); seen != first_line.end()) {
      error(key_node, join_path(path, key),
            "duplicate key " + quote_for_message(key) + " (first defined on line " + std::to_string(seen->second) + ")");
      continue;
    }
    first_line[key] = location(key_node).line;
    add_entry(fields, key_node, pair.second, allowed);
  }
  // Merged keys never override the map's own keys, nor earlier merges.
  for (const auto& merge : merges) merge_into(fields, merge, first_line, allowed, 0);
  return fields;
}

void YamlReader::merge_into(MapFields& fields, const YAML::Node& source, std::map<std::string, int>& seen,
                            const std::vector<std::string>* allowed, int depth) {
  const std::string what = "'<<' merges a map or a list of maps (e.g. <<: *defaults), found ";
  if (depth > 8) {
    error(source, fields.path, "'<<' merges nest too deeply");
    return;
  }
  if (source.IsSequence()) {
    for (std::size_t i = 0; i < source.size(); ++i) {
      if (!source[i].IsMap()) {
        error(source[i], fields.path, what + describe(source[i]));
        continue;
      }
      merge_into(fields, source[i], seen, allowed, depth + 1);
    }
    return;
  }
  if (!source.IsMap()) {
    error(source, fields.path, what + describe(source));
    return;
  }
  std::vector<YAML::Node> nested;
  for (const auto& pair : source) {
    const YAML::Node key_node = pair.first;
    if (!key_node.IsScalar()) continue;  // reported where the anchored map is read
    if (is_merge_key(key_node)) {
      nested.push_back(pair.second);
      continue;
    }
    if (!seen.emplace(key_node.Scalar(), location(key_node).line).second) continue;
    add_entry(fields, key_node, pair.second, allowed);
  }
  for (const auto& more : nested) merge_into(fields, more, seen, allowed, depth + 1);
}

void YamlReader::report_unknown_key(const MapFields& fields, const YAML::Node& key_node,
                                    const std::vector<std::string>& allowed) {
  const std::string key = key_node.Scalar();
  std::string valid;
  for (const auto& a : allowed) valid += (valid.empty() ? "" : ", ") + a;
  error(key_node, join_path(fields.path, key), "unknown key " + quote_for_message(key) + " (valid keys: " + valid + ")",
        text::nearest(key, allowed));
}

void YamlReader::reject_unknown_keys(MapFields& fields, const std::vector<std::string>& allowed) {
  std::vector<MapEntry> kept;
  for (auto& entry : fields.entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
      report_unknown_key(fields, entry.key_node, allowed);
    } else {
      kept.push_back(std::move(entry));
    }
  }
  fields.entries = std::move(kept);
}

void YamlReader::add_entry(MapFields& fields, const YAML::Node& key_node, const YAML::Node& value,
                           const std::vector<std::string>* allowed) {
  const std::string key = key_node.Scalar();
  if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
    report_unknown_key(fields, key_node, *allowed);
    return;
  }
  // yaml-cpp places an empty value at the next token, often on a later
  // line; errors about it are clearer at its key.
  if (value.IsNull()) null_value_keys_.emplace_back(value, key_node.Mark());
  fields.entries.push_back(MapEntry{key, key_node, value});
}

bool YamlReader::require(const MapFields& fields, const std::vector<std::string>& keys) {
  bool all = true;
  for (const auto& key : keys) {
    if (!fields.has(key)) {
      error(fields.node, join_path(fields.path, key), "missing required key " + quote_for_message(key));
      all = false;
    }
  }
  return all;
}

std::optional<std::string> YamlReader::expanded_scalar(const YAML::Node& node, const std::string& path,
                                                       const char* expected) {
  if (!node.IsScalar()) {
    error(node, path, std::string("expected ") + expected + ", found " + describe(node));
    return std::nullopt;
  }
  try {
    return expand_variables(node.Scalar(), env_);
  } catch (const std::invalid_argument& e) {
    error(node, path, e.what());
    return std::nullopt;
  }
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, const std::string& path) {
  return expanded_scalar(node, path, "a string");
}

std::optional<std::string> YamlReader::non_empty_string(const YAML::Node& node, const std::string& path) {
  auto text = string(node, path);
  if (text && text->empty()) {
    error(node, path, "expected a non-empty string, found ''");
    return std::nullopt;
  }
  return text;
}

std::optional<std::uint64_t> YamlReader::whole_number(const YAML::Node& node, const std::string& path,
                                                      std::uint64_t min, std::uint64_t max) {
  auto text = expanded_scalar(node, path, "a whole number");
  if (!text) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  const std::string range = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  if (text->empty() || ec == std::errc::invalid_argument || end != text->data() + text->size()) {
    error(node, path, "expected " + range + ", found " + quote_value(node, *text));
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    error(node, path, "expected " + range + ", found " + number_as_shown(node, *text));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlReader::number(const YAML::Node& node, const std::string& path, double min, double max) {
  auto text = expanded_scalar(node, path, "a number");
  if (!text) return std::nullopt;
  std::ostringstream range_text;
  range_text << "a number from " << min << " to " << max;
  const std::string range = range_text.str();
  try {
    std::size_t used = 0;
    double value = std::stod(*text, &used);
    if (used != text->size()) throw std::invalid_argument("trailing text");
    if (value < min || value > max) {
      error(node, path, "expected " + range + ", found " + number_as_shown(node, *text));
      return std::nullopt;
    }
    return value;
  } catch (const std::exception&) {
    error(node, path, "expected " + range + ", found " + quote_value(node, *text));
    return std::nullopt;
  }
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, const std::string& path) {
  auto text = expanded_scalar(node, path, "true or false");
  if (!text) return std::nullopt;
  std::string lowered = text::lower(*text);
  if (lowered == "true") return true;
  if (lowered == "false") return false;
  error(node, path, "expected true or false, found " + quote_value(node, *text));
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlReader::duration(const YAML::Node& node, const std::string& path) {
  auto text = expanded_scalar(node, path, "a duration (e.g. 10m)");
  if (!text) return std::nullopt;
  try {
    return backflow::parse_duration(*text);
  } catch (const std::invalid_argument& e) {
    // The parser's message quotes the text, which must not show a substituted value.
    error(node, path,
          is_substituted(node) ? "expected a duration (e.g. 500ms, 45s, 10m, 1h30m, 2d), found " + quote_value(node, *text)
                               : std::string(e.what()));
    return std::nullopt;
  }
}

std::optional<std::string> YamlReader::choice(const YAML::Node& node, const std::string& path,
                                              const std::vector<std::string>& choices) {
  std::string listed;
  for (const auto& c : choices) listed += (listed.empty() ? "" : ", ") + c;
  auto text = expanded_scalar(node, path, ("one of " + listed).c_str());
  if (!text) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
  error(node, path, "expected one of " + listed + ", found " + quote_value(node, *text), text::nearest(*text, choices));
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const YAML::Node& node, const std::string& path,
                                                                bool allow_single) {
  if (allow_single && node.IsScalar()) {
    auto text = non_empty_string(node, path);
    if (!text) return std::nullopt;
    return std::vector<std::string>{*text};
  }
  if (!node.IsSequence()) {
    error(node, path,
          std::string("expected ") + (allow_single ? "a string or a list of strings" : "a list of strings") +
              ", found " + describe(node));
    return std::nullopt;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto item = non_empty_string(node[i], path + "[" + std::to_string(i) + "]");
    if (item) {
      items.push_back(*item);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return items;
}

std::optional<nlohmann::json> YamlReader::scalar_json(const YAML::Node& node, const std::string& path) {
  if (node.IsNull()) return nlohmann::json(nullptr);
  auto text = expanded_scalar(node, path, "a value (string, number, true/false or null)");
  if (!text) return std::nullopt;
  if (!is_plain(node) || *text != node.Scalar()) return nlohmann::json(*text);
  const std::string lowered = text::lower(*text);
  if (lowered == "null" || *text == "~") return nlohmann::json(nullptr);
  if (lowered == "true") return nlohmann::json(true);
  if (lowered == "false") return nlohmann::json(false);
  std::int64_t integer = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), integer);
  if (ec == std::errc() && end == text->data() + text->size()) return nlohmann::json(integer);
  double real = 0;
  auto [real_end, real_ec] = std::from_chars(text->data(), text->data() + text->size(), real);
  if (real_ec == std::errc() && real_end == text->data() + text->size()) return nlohmann::json(real);
  return nlohmann::json(*text);
}

}  // namespace backflow::config
