#include "service/config/env_expansion.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "common/text.h"

namespace backflow::config {
namespace {

bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Closes a file descriptor on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string file_error(const std::string& path, const std::string& why) {
  // Escaped to one line, but not cut at the usual 60 characters: the whole
  // path is what the operator needs to see.
  return "cannot read file '" + text::escape_for_message(path, 1024) + "' for ${file:...}: " + why;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISFIFO(mode)) return "it is a FIFO (named pipe); only regular files are read";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device; only regular files are read";
  if (S_ISSOCK(mode)) return "it is a socket; only regular files are read";
  return "it is not a regular file";
}

// A regular file's contents, at most kMaxSecretFileBytes. Opened without
// blocking so that a FIFO swapped in for the file cannot hang the load; the
// type is checked on the open descriptor, not on the name.
std::string read_secret_file(const std::string& path) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (file.get() < 0) throw std::invalid_argument(file_error(path, std::strerror(errno)));
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) throw std::invalid_argument(file_error(path, std::strerror(errno)));
  if (!S_ISREG(info.st_mode)) throw std::invalid_argument(file_error(path, kind_of(info.st_mode)));
  const std::string too_large = "it is larger than " + std::to_string(kMaxSecretFileBytes) +
                                " bytes (1 MiB), the most a ${file:...} may hold";
  if (static_cast<std::uint64_t>(info.st_size) > kMaxSecretFileBytes) {
    throw std::invalid_argument(file_error(path, too_large));
  }
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t got = ::read(file.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::invalid_argument(file_error(path, std::strerror(errno)));
    }
    if (got == 0) break;
    // The file may grow between fstat and read.
    if (text.size() + static_cast<std::size_t>(got) > kMaxSecretFileBytes) {
      throw std::invalid_argument(file_error(path, too_large));
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// One "${...}" reference: where its contents start and end (the closing
// '}'), and whether it is ${file:...}.
struct Reference {
  std::size_t contents = 0;
  std::size_t close = 0;
  bool is_file = false;
};

// Finds the reference whose "${" is at `at`. A ${file:...} path may hold
// ${NAME} references; any deeper nesting is refused here, which keeps the
// scan linear (each character is looked at a bounded number of times).
Reference find_reference(std::string_view text, std::size_t at) {
  Reference ref;
  ref.contents = at + 2;
  ref.is_file = text.compare(ref.contents, 5, "file:") == 0;
  bool inside_inner = false;
  for (std::size_t i = ref.contents; i < text.size(); ++i) {
    if (text.compare(i, 2, "${") == 0) {
      if (!ref.is_file) {
        throw std::invalid_argument("'${' inside a ${NAME} reference: only a ${file:...} path may use ${NAME}");
      }
      if (inside_inner || text.compare(i + 2, 5, "file:") == 0) {
        throw std::invalid_argument(
            "nested ${file:...} or ${...} inside ${...} in a ${file:...} path: a path may use ${NAME} only");
      }
      inside_inner = true;
      ++i;
    } else if (text[i] == '}') {
      if (!inside_inner) {
        ref.close = i;
        return ref;
      }
      inside_inner = false;
    }
  }
  throw std::invalid_argument("unterminated '${' (write '$${' for a literal '${')");
}

std::string variable_value(std::string_view name, const EnvLookup& env) {
  if (!is_variable_name(name)) {
    throw std::invalid_argument(text::quote_for_message("${" + std::string(name) + "}") +
                                " is not a variable name (letters, digits, _) or ${file:/path}");
  }
  auto value = env(std::string(name));
  if (!value) throw std::invalid_argument("environment variable '" + std::string(name) + "' is not set");
  return *value;
}

// Expands the ${NAME} references of a ${file:...} path (one level).
std::string expand_path(std::string_view path, const EnvLookup& env) {
  std::string out;
  for (std::size_t i = 0; i < path.size();) {
    if (path.compare(i, 2, "${") == 0) {
      const std::size_t close = path.find('}', i + 2);
      out += variable_value(path.substr(i + 2, close - i - 2), env);
      i = close + 1;
    } else {
      out += path[i++];
    }
  }
  return out;
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
    const Reference ref = find_reference(text, i);
    const std::string_view contents = text.substr(ref.contents, ref.close - ref.contents);
    if (ref.is_file) {
      const std::string path = expand_path(contents.substr(5), env);
      if (path.empty()) throw std::invalid_argument("${file:} needs a path");
      out += read_secret_file(path);
    } else {
      out += variable_value(contents, env);
    }
    i = ref.close + 1;
  }
  return out;
}

std::vector<std::string> substituted_references(std::string_view text) {
  std::vector<std::string> references;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      ++i;
      continue;
    }
    try {
      const Reference ref = find_reference(text, i);
      references.emplace_back(text.substr(i, ref.close + 1 - i));
      i = ref.close + 1;
    } catch (const std::invalid_argument&) {
      references.emplace_back(text.substr(i, 2));
      break;
    }
  }
  return references;
}

}  // namespace backflow::config
