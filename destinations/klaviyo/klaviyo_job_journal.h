// Where the Klaviyo delivery keeps the ids of import jobs it has started but
// not finished reading, so a run resumed after a crash polls the same job
// instead of uploading the profiles a second time. Keys are
// "<run_id>.<job sequence>".
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace backflow::destinations {

class KlaviyoJobJournal {
 public:
  virtual ~KlaviyoJobJournal() = default;
  virtual std::optional<std::string> find(const std::string& key) const = 0;
  virtual void remember(const std::string& key, const std::string& job_id) = 0;
  virtual void forget(const std::string& key) = 0;
};

// Keeps the journal in a small JSON file (for example in the sync's state
// directory), rewritten atomically (write then rename) on every change, so a
// crash leaves the old or the new version. Thread-safe within one process.
class FileKlaviyoJobJournal : public KlaviyoJobJournal {
 public:
  // Reads `path` when it exists. Throws std::runtime_error naming the file
  // when it exists but is not a JSON object.
  explicit FileKlaviyoJobJournal(std::filesystem::path path);

  std::optional<std::string> find(const std::string& key) const override;
  void remember(const std::string& key, const std::string& job_id) override;
  void forget(const std::string& key) override;

 private:
  void save() const;

  std::filesystem::path path_;
  mutable std::mutex mutex_;
  nlohmann::json jobs_ = nlohmann::json::object();
};

// A journal that lives as long as the object: a crash forgets started jobs.
class MemoryKlaviyoJobJournal : public KlaviyoJobJournal {
 public:
  std::optional<std::string> find(const std::string& key) const override;
  void remember(const std::string& key, const std::string& job_id) override;
  void forget(const std::string& key) override;

 private:
  mutable std::mutex mutex_;
  nlohmann::json jobs_ = nlohmann::json::object();
};

}  // namespace backflow::destinations
