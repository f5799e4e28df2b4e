// One problem found in a config file, and the exception that carries them all.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "common/source_location.h"

namespace backflow::config {

// A config error with its place: the file position, the key path
// (e.g. "syncs.contacts.destination.mode"; empty for errors that are not
// about one key, such as YAML syntax) and, for misspellings, the nearest
// valid spelling.
struct Diagnostic {
  SourceLocation location;
  std::string key_path;
  std::string message;
  std::string suggestion;  // empty: none close enough
};

// Formats as `FILE:LINE:COL: error: KEY.PATH: message (did you mean 'x'?)`.
std::string format_diagnostic(const Diagnostic& diagnostic);

// Thrown by the loader when the config has errors; holds every one of them,
// in file order. what() is all of them formatted, one per line.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace backflow::config
