#include "state/sync_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <xxhash.h>

namespace backflow::state {

std::string lock_file_name(const std::string& sync) {
  std::string safe;
  for (char c : sync.substr(0, 64)) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    safe.push_back(plain ? c : '_');
  }
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(sync.data(), sync.size())));
  return safe + "." + hash + ".lock";
}

std::optional<SyncLock> SyncLock::try_acquire(const std::filesystem::path& state_dir, const std::string& sync,
                                              std::string* holder) {
  auto dir = state_dir / "locks";
  std::filesystem::create_directories(dir);
  auto path = dir / lock_file_name(sync);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open lock file " + path.string() + ": " + std::strerror(errno));
  // flock locks belong to the open file description, so two SyncLocks in one
  // process exclude each other as well as other processes.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (holder != nullptr) {
      char buf[256] = {};
      ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      *holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "another process";
      while (!holder->empty() && holder->back() == '\n') holder->pop_back();
    }
    ::close(fd);
    return std::nullopt;
  }
  SyncLock lock(fd);
  lock.describe("pid " + std::to_string(::getpid()));
  return lock;
}

void SyncLock::describe(const std::string& what) {
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, what.data(), what.size(), 0);
}

SyncLock::SyncLock(SyncLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

SyncLock& SyncLock::operator=(SyncLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

SyncLock::~SyncLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace backflow::state
