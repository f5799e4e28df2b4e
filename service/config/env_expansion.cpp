#include "service/config/env_expansion.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace backflow::config {
namespace {

bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string read_secret_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::invalid_argument("cannot read file '" + path + "' for ${file:...}: it is a directory");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw std::invalid_argument("cannot read file '" + path + "' for ${file:...}: " + std::strerror(errno));
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  std::string text = contents.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// The '}' closing a "${" whose contents start at `from`; nested "${...}"
// (allowed in a ${file:...} path) are skipped. npos when unclosed.
std::size_t matching_brace(std::string_view text, std::size_t from) {
  int depth = 0;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text.compare(i, 2, "${") == 0) {
      ++depth;
      ++i;
    } else if (text[i] == '}') {
      if (depth == 0) return i;
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string expand_variables(std::string_view text, const EnvLookup& env) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    std::size_t close = matching_brace(text, i + 2);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("unterminated '${' (write '$${' for a literal '${')");
    }
    std::string reference(text.substr(i + 2, close - i - 2));
    if (reference.rfind("file:", 0) == 0) {
      std::string path = expand_variables(reference.substr(5), env);
      if (path.empty()) throw std::invalid_argument("${file:} needs a path");
      out += read_secret_file(path);
    } else {
      if (!is_variable_name(reference)) {
        throw std::invalid_argument("'${" + reference +
                                    "}' is not a variable name (letters, digits, _) or ${file:/path}");
      }
      auto value = env(reference);
      if (!value) throw std::invalid_argument("environment variable '" + reference + "' is not set");
      out += *value;
    }
    i = close + 1;
  }
  return out;
}

}  // namespace backflow::config
