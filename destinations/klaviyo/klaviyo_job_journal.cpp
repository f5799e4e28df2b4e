#include "destinations/klaviyo/klaviyo_job_journal.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace backflow::destinations {

namespace {

std::optional<std::string> lookup(const nlohmann::json& jobs, const std::string& key) {
  auto it = jobs.find(key);
  if (it == jobs.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

FileKlaviyoJobJournal::FileKlaviyoJobJournal(std::filesystem::path path) : path_(std::move(path)) {
  std::ifstream in(path_);
  if (!in) return;
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = nlohmann::json::parse(text.str(), nullptr, false);
  if (!parsed.is_object()) {
    throw std::runtime_error("Klaviyo job journal " + path_.string() + " is not a JSON object; remove it to start over");
  }
  jobs_ = std::move(parsed);
}

std::optional<std::string> FileKlaviyoJobJournal::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return lookup(jobs_, key);
}

void FileKlaviyoJobJournal::remember(const std::string& key, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  jobs_[key] = job_id;
  save();
}

void FileKlaviyoJobJournal::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (jobs_.erase(key) != 0) save();
}

void FileKlaviyoJobJournal::save() const {
  std::filesystem::path temporary = path_;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << jobs_.dump();
    out.flush();
    if (!out) throw std::runtime_error("cannot write Klaviyo job journal " + temporary.string());
  }
  std::filesystem::rename(temporary, path_);
}

std::optional<std::string> MemoryKlaviyoJobJournal::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return lookup(jobs_, key);
}

void MemoryKlaviyoJobJournal::remember(const std::string& key, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  jobs_[key] = job_id;
}

void MemoryKlaviyoJobJournal::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  jobs_.erase(key);
}

}  // namespace backflow::destinations
