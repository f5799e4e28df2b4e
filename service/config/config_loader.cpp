#include "service/config/config_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <yaml-cpp/depthguard.h>

#include "service/config/section_parsers.h"
#include "service/config/yaml_reader.h"

namespace backflow::config {
namespace {

const std::vector<std::string> kTopLevelKeys = {"version",      "state_dir", "server", "warehouses",
                                                "destinations", "syncs",     "alerts", "writeback"};

LoadResult failure(std::vector<Diagnostic> diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.location.line != b.location.line) return a.location.line < b.location.line;
    return a.location.column < b.location.column;
  });
  return LoadResult{std::nullopt, std::move(diagnostics)};
}

LoadResult single_failure(const std::string& file, const std::string& message, int line = 0, int column = 0) {
  return failure({Diagnostic{{file, line, column}, "", message, ""}});
}

// yaml-cpp's messages are terse ("end of map not found"): say what it is.
std::string syntax_message(const YAML::ParserException& e) {
  struct Hint {
    const char* yaml_cpp_says;
    const char* meaning;
  };
  static const Hint kHints[] = {
      {"end of sequence flow not found", "a '[' list is not closed by ']'"},
      {"end of map flow not found", "a '{' map is not closed by '}', or a value in it holds an unquoted ': '"},
      {"end of map not found", "the indentation does not line up with the keys above"},
      {"end of sequence not found", "the indentation of this list item does not line up with the items above"},
      {"illegal map value", "a ':' where no value may start (quote values that contain ': ')"},
      {"end of string not found", "a quoted string is not closed"},
      {"illegal flow end", "a '}' or ']' closes nothing, or closes the wrong kind of bracket"},
  };
  for (const auto& hint : kHints) {
    if (e.msg == hint.yaml_cpp_says) return std::string("YAML syntax error: ") + hint.meaning + " (" + e.msg + ")";
  }
  return "YAML syntax error: " + e.msg;
}

Config build(YamlReader& reader, const YAML::Node& root) {
  Config config;
  config.file = reader.file();
  if (!root.IsMap()) {
    reader.error(
        root, "",
        "expected the config to be a map of top-level keys (version, warehouses, destinations, syncs, ...), found " +
            describe(root));
    return config;
  }
  auto fields = reader.map(root, "", &kTopLevelKeys);
  if (!fields) return config;
  if (reader.require(*fields, {"version"})) {
    YAML::Node version = *fields->get("version");
    if (auto number = reader.whole_number(version, "version", 0, 1'000'000)) {
      if (*number != 1) {
        reader.error(version, "version",
                     "unsupported config version " + std::to_string(*number) + "; this backflow reads version 1");
      }
    }
  }
  if (auto node = fields->get("state_dir")) {
    if (auto dir = reader.non_empty_string(*node, "state_dir")) config.state_dir = *dir;
  }
  // A section key with nothing under it ("syncs:") is an empty section.
  auto section = [&](const char* key) -> std::optional<YAML::Node> {
    auto node = fields->get(key);
    if (node && node->IsNull()) return std::nullopt;
    return node;
  };
  if (auto node = section("server")) config.server = parse_server(reader, *node);
  if (auto node = section("warehouses")) config.warehouses = parse_warehouses(reader, *node);
  if (auto node = section("destinations")) config.destinations = parse_destinations(reader, *node);
  if (auto node = section("writeback")) config.writeback = parse_writeback(reader, *node, "writeback", config.warehouses).writeback;
  if (auto node = section("syncs")) {
    config.syncs = parse_syncs(reader, *node, config.warehouses, config.destinations, config.writeback);
    check_after_cycles(reader, config.syncs);
  }
  if (auto node = section("alerts")) config.alerts = parse_alerts(reader, *node);
  return config;
}

}  // namespace

LoadResult load_config_text(std::string_view text, const std::string& file_label, const LoadOptions& options) {
  if (text.size() > options.max_file_bytes) {
    return single_failure(file_label, size_limit_message(text.size(), options.max_file_bytes));
  }
  if (is_blank_yaml(text)) return single_failure(file_label, "config file is empty");
  auto raw_problems = check_raw_text(text, file_label);
  if (!raw_problems.empty()) return failure(std::move(raw_problems));

  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    return single_failure(file_label, "YAML nesting is deeper than " + std::to_string(e.depth()) + " levels",
                          e.mark.line + 1, e.mark.column + 1);
  } catch (const YAML::ParserException& e) {
    return single_failure(file_label, syntax_message(e), e.mark.line + 1, e.mark.column + 1);
  } catch (const YAML::Exception& e) {
    return single_failure(file_label, std::string("YAML error: ") + e.what());
  }
  if (root.IsNull()) return single_failure(file_label, "config file is empty");

  YamlReader reader(file_label, options.env);
  Config config;
  try {
    config = build(reader, root);
  } catch (const YAML::Exception& e) {
    // The tree is fully parsed, so this would be a loader bug; report it
    // rather than crash the command.
    reader.error(SourceLocation{file_label, 0, 0}, "",
                 std::string("internal error reading the YAML tree: ") + e.what());
  }
  if (reader.error_count() > 0) return failure(std::move(reader.diagnostics()));
  return LoadResult{std::move(config), {}};
}

LoadResult load_config(const std::filesystem::path& file, const LoadOptions& options) {
  const std::string label = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    return single_failure(label, "cannot read config file: it is a directory");
  auto size = std::filesystem::file_size(file, ec);
  if (ec) return single_failure(label, "cannot read config file: " + ec.message());
  if (size > options.max_file_bytes) return single_failure(label, size_limit_message(size, options.max_file_bytes));
  std::ifstream in(file, std::ios::binary);
  if (!in) return single_failure(label, std::string("cannot read config file: ") + std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  return load_config_text(contents.str(), label, options);
}

Config load_config_or_throw(const std::filesystem::path& file, const LoadOptions& options) {
  auto result = load_config(file, options);
  if (!result.ok()) throw ConfigError(std::move(result.diagnostics));
  return std::move(*result.config);
}

}  // namespace backflow::config
