#include "diff/local/sorted_run_writer.h"

#include <algorithm>
#include <stdexcept>

#include <rocksdb/sst_file_writer.h>

namespace backflow::diff::local {

namespace {

// Bytes [from, from + 8) of `key` as a big-endian integer, zero-padded: the
// integers order like the bytes, and a shorter key sorts first anyway.
std::uint64_t word_at(std::string_view key, std::size_t from) {
  std::uint64_t word = 0;
  for (std::size_t i = from; i < from + 8; ++i) {
    word = (word << 8) | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
  }
  return word;
}

}  // namespace

SortedRunWriter::SortedRunWriter(SyncSnapshotDb& store, rocksdb::ColumnFamilyHandle* generation,
                                 std::filesystem::path directory, std::string file_prefix, std::size_t buffer_bytes)
    : store_(store),
      generation_(generation),
      directory_(std::move(directory)),
      file_prefix_(std::move(file_prefix)),
      buffer_bytes_(std::max<std::size_t>(buffer_bytes, 1)) {
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  thread_ = std::thread([this] { write_loop(); });
}

SortedRunWriter::~SortedRunWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void SortedRunWriter::add(std::string_view key, std::string_view value) {
  if (filling_.bytes.size() + key.size() + value.size() > buffer_bytes_ && !filling_.empty()) hand_over();
  if (filling_.bytes.size() + key.size() + value.size() > UINT32_MAX) {
    throw std::runtime_error("sorted run writer: entry of " + std::to_string(key.size() + value.size()) +
                             " bytes does not fit a run");
  }
  filling_.entries.push_back(Buffer::Entry{word_at(key, 0), word_at(key, 8),
                                           static_cast<std::uint32_t>(filling_.bytes.size()),
                                           static_cast<std::uint32_t>(key.size()),
                                           static_cast<std::uint32_t>(value.size())});
  filling_.bytes.append(key);
  filling_.bytes.append(value);
}

void SortedRunWriter::hand_over() {
  std::unique_lock lock(mutex_);
  // One buffer fills while at most one is written: wait for the thread.
  changed_.wait(lock, [&] { return !has_handed_ || error_; });
  if (error_) std::rethrow_exception(error_);
  std::swap(handed_, filling_);
  has_handed_ = true;
  lock.unlock();
  changed_.notify_all();
  filling_.bytes.clear();
  filling_.entries.clear();
}

void SortedRunWriter::finish() {
  if (!filling_.empty()) hand_over();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (!has_handed_ && !writing_) || error_; });
  if (error_) std::rethrow_exception(error_);
  filling_ = Buffer();  // give the memory back
}

void SortedRunWriter::write_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return has_handed_ || stopping_; });
    if (stopping_) return;  // abandoned: what was handed over is not needed
    Buffer buffer = std::move(handed_);
    handed_ = Buffer();
    has_handed_ = false;
    writing_ = true;
    const std::size_t number = next_number_++;
    lock.unlock();
    changed_.notify_all();  // the adding side may hand over the next buffer
    std::exception_ptr error;
    try {
      if (!error_) write_run(buffer, number);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    buffer = Buffer();  // freed now rather than kept: resident memory stays at one buffer between runs
    writing_ = false;
    if (error && !error_) error_ = error;
    if (!error) ++files_;
    changed_.notify_all();
  }
}

void SortedRunWriter::write_run(Buffer& buffer, std::size_t number) {
  const char* bytes = buffer.bytes.data();
  std::sort(buffer.entries.begin(), buffer.entries.end(), [bytes](const Buffer::Entry& a, const Buffer::Entry& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    return std::string_view(bytes + a.offset, a.key_size) < std::string_view(bytes + b.offset, b.key_size);
  });
  const std::filesystem::path path = directory_ / (file_prefix_ + "-" + std::to_string(number) + ".sst");
  rocksdb::SstFileWriter file(rocksdb::EnvOptions(), store_.table_file_options(), generation_);
  store_.check(file.Open(path.string()), "creating " + path.string());
  for (const Buffer::Entry& e : buffer.entries) {
    store_.check(file.Put(rocksdb::Slice(bytes + e.offset, e.key_size),
                          rocksdb::Slice(bytes + e.offset + e.key_size, e.value_size)),
                 "writing " + path.string());
  }
  store_.check(file.Finish(), "finishing " + path.string());
  store_.ingest_tables(generation_, {path});
}

}  // namespace backflow::diff::local
