// One run per sync at a time, across every process sharing a state_dir: an
// exclusive flock(2) on `state_dir/locks/<sync>.lock`. The kernel releases it
// when the holder exits, so a killed process never leaves a stale lock.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace backflow::state {

class SyncLock {
 public:
  // Takes the lock without waiting. Returns nullopt when another process (or
  // another SyncLock in this process) holds it; `holder` then receives the
  // holder's description ("pid 1234, run run-00000042") when known.
  static std::optional<SyncLock> try_acquire(const std::filesystem::path& state_dir, const std::string& sync,
                                             std::string* holder = nullptr);

  // Records what the holder is doing, for the next process that is refused.
  void describe(const std::string& what);

  SyncLock(SyncLock&& other) noexcept;
  SyncLock& operator=(SyncLock&& other) noexcept;
  SyncLock(const SyncLock&) = delete;
  SyncLock& operator=(const SyncLock&) = delete;
  ~SyncLock();

 private:
  explicit SyncLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// A file name for `sync` that is safe on any filesystem and unique per name.
std::string lock_file_name(const std::string& sync);

}  // namespace backflow::state
