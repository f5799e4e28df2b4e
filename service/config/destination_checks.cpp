// Checks of values that are valid YAML of the right kind but that a
// destination type cannot work with. The facts live in the type's descriptor
// (destinations/<type>/<type>_type.cpp): the ranges of its integer keys, the
// identifiers it matches on, whether it takes match_on at all, and its own
// value checks. This file only turns them into located errors.
#include <algorithm>

#include "common/suggest.h"
#include "common/text.h"
#include "service/config/section_parsers.h"

namespace backflow::config {
namespace {

// The node under the dotted `key` inside `fields` ("match_on.field"), when
// the config holds it.
std::optional<YAML::Node> node_at(const MapFields& fields, const std::string& key) {
  const auto dot = key.find('.');
  auto node = fields.get(key.substr(0, dot));
  std::size_t from = dot;
  while (node && from != std::string::npos) {
    const auto next = key.find('.', from + 1);
    const std::string part = key.substr(from + 1, next == std::string::npos ? std::string::npos : next - from - 1);
    if (!node->IsMap()) return std::nullopt;
    const YAML::Node& parent = *node;  // const: a lookup never adds the key
    const YAML::Node child = parent[part];
    if (!child) return std::nullopt;
    node.emplace(child);  // rebinds; assigning a YAML::Node would write into the tree
    from = next;
  }
  return node;
}

// A type's check quotes the value it refuses; when that value came from
// ${NAME} or ${file:...} the message names the reference instead.
std::string without_substituted_value(std::string message, const YAML::Node& node, const std::string& value) {
  if (!YamlReader::is_substituted(node) || value.empty()) return message;
  const std::string replacement = YamlReader::quote_value(node, value);
  for (const std::string& shown : {quote_for_message(value), value}) {
    message = text::replace_all(std::move(message), shown, replacement);
  }
  return message;
}

// Reports each problem at the node of its key in `fields` (or its own
// location), the block itself when that key is absent. `value_of` gives the
// value the problem is about, to keep it out of the message when it was
// substituted.
template <typename ValueOf>
void report(YamlReader& reader, const MapFields& fields, const YAML::Node& block, const std::string& path,
            const destinations::ConfigProblems& problems, const ValueOf& value_of) {
  for (const destinations::ConfigProblem& problem : problems) {
    const std::string key_path = join_path(path, problem.key);
    if (problem.location) {
      reader.error(*problem.location, key_path, problem.message, problem.suggestion);
      continue;
    }
    std::string message = problem.message;
    if (auto exact = node_at(fields, problem.key)) {
      if (auto value = value_of(problem.key)) message = without_substituted_value(std::move(message), *exact, *value);
    }
    auto node = fields.get(problem.key.substr(0, problem.key.find('.')));
    reader.error(node ? *node : block, key_path, message, problem.suggestion);
  }
}

// The text of a top-level option, for report().
auto option_text(const nlohmann::json& options) {
  return [&options](const std::string& key) -> std::optional<std::string> {
    auto it = options.find(key);
    if (it == options.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
}

void check_ranges(const std::vector<destinations::OptionSpec>& specs, const nlohmann::json& options,
                  destinations::ConfigProblems& problems) {
  for (const destinations::OptionSpec& spec : specs) {
    if (spec.kind != destinations::OptionKind::integer || spec.max == 0) continue;
    auto it = options.find(spec.name);
    if (it == options.end() || !it->is_number_unsigned()) continue;
    const std::uint64_t value = it->get<std::uint64_t>();
    if (value >= spec.min && value <= spec.max) continue;
    problems.push_back({spec.name, "expected a whole number from " + std::to_string(spec.min) + " to " +
                                       std::to_string(spec.max) + ", found " + std::to_string(value) + " (" +
                                       spec.range_reason + ")"});
  }
}

}  // namespace

void check_destination_values(YamlReader& reader, const MapFields& fields, const YAML::Node& block,
                              const std::string& path, const destinations::DestinationType& type,
                              const Destination& destination) {
  destinations::ConfigProblems problems;
  check_ranges(type.options, destination.options, problems);
  if (type.check_account) type.check_account(destination, problems);
  report(reader, fields, block, path, problems, option_text(destination.options));
}

void check_sync_destination_values(YamlReader& reader, const MapFields& fields, const YAML::Node& block,
                                   const std::string& path, const destinations::DestinationType& type,
                                   const SyncDestination& destination) {
  destinations::ConfigProblems problems;
  check_ranges(type.sync_options, destination.options, problems);
  if (!type.match_on_refused.empty() && fields.has("match_on")) {
    problems.push_back({"match_on", type.match_on_refused});
  } else if (!type.identifiers.empty() && destination.match_on) {
    const auto& allowed = type.identifiers;
    const std::string& field = destination.match_on->field;
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      problems.push_back({"match_on.field",
                          type.name + " identifies records by one of " + text::join(allowed, ", ") + ", found " +
                              quote_for_message(field),
                          text::nearest(field, allowed)});
    }
  }
  if (type.check_sync) type.check_sync(destination, problems);
  const auto top_level = option_text(destination.options);
  report(reader, fields, block, path, problems, [&](const std::string& key) -> std::optional<std::string> {
    if (key == "match_on.field" && destination.match_on) return destination.match_on->field;
    return top_level(key);
  });
}

void check_mapping_values(YamlReader& reader, const std::string& path, const destinations::DestinationType& type,
                          const mappers::MappingSpec& mapping) {
  if (!type.check_mapping) return;
  destinations::ConfigProblems problems;
  type.check_mapping(mapping, problems);
  for (const destinations::ConfigProblem& problem : problems) {
    reader.error(problem.location.value_or(SourceLocation{}), join_path(path, problem.key), problem.message,
                 problem.suggestion);
  }
}

}  // namespace backflow::config
