#include "tests/diff_support.h"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "diff/record_key.h"
#include "model/row_codec.h"

namespace backflow::test {

using namespace backflow::diff;

bool VectorRowSource::next(Row& row) {
  if (fail_after && position_ == *fail_after) throw std::runtime_error("connection lost while reading the model");
  if (position_ == rows_.size()) return false;
  row = rows_[position_++];
  return true;
}

std::ostream& operator<<(std::ostream& os, const ChangeRecord& c) {
  os << to_string(c.op) << " " << c.key_id << " cols[";
  for (auto i : c.changed_columns) os << i << " ";
  os << "] row=";
  for (Value& v : decode_row(c.row)) os << v.to_display() << "|";
  return os;
}

std::vector<ColumnInfo> id_name_columns() {
  ColumnInfo id, name;
  id.name = "id";
  id.type = ValueType::Int;
  name.name = "name";
  name.type = ValueType::Text;
  return {id, name};
}

std::vector<ChangeRecord> collect_changes(PendingSnapshot& pending) {
  std::vector<ChangeRecord> out;
  pending.for_each_change([&](const Change& c) {
    std::string row;
    encode_row(c.row, row);
    out.push_back(ChangeRecord{c.op, c.key.id, row, c.changed_columns});
  });
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

std::string encode_value_bytes(const Value& v) {
  std::string s;
  encode_value(v, s);
  return s;
}

std::vector<std::size_t> all_of(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

}  // namespace

ReferenceResult ReferenceDiff::diff(const std::vector<Row>& rows, const DiffSpec& spec) {
  ReferenceResult result;
  std::map<std::string, std::vector<Row>> by_key;
  for (const Row& row : rows) {
    ++result.counts.rows_read;
    Row key, mapped;
    bool null_key = false;
    for (auto i : key_columns_) {
      key.push_back(row[i]);
      null_key = null_key || row[i].is_null();
    }
    for (auto i : mapped_columns_) mapped.push_back(row[i]);
    if (null_key) {
      ++result.counts.invalid;
      continue;
    }
    std::string k;
    encode_row(key, k);
    by_key[k].push_back(mapped);
  }
  std::set<std::string> retry;
  for (const Row& key : spec.retry_keys) {
    std::string k;
    encode_row(key, k);
    retry.insert(k);
  }
  std::map<std::string, Row> empty;
  const auto& base = spec.full_resync ? empty : committed_;
  pending_.clear();
  auto key_id_of = [&](const std::string& k) { return key_id(decode_row(k)); };
  for (const auto& [k, occurrences] : by_key) {
    if (occurrences.size() > 1) {
      result.counts.invalid += occurrences.size();
      if (auto it = base.find(k); it != base.end()) pending_[k] = it->second;
      continue;
    }
    const Row& now = occurrences.front();
    pending_[k] = now;
    std::string row_bytes;
    encode_row(now, row_bytes);
    auto it = base.find(k);
    if (it == base.end()) {
      ++result.counts.added;
      result.changes.push_back({ChangeOp::Added, key_id_of(k), row_bytes, all_of(now.size())});
      continue;
    }
    std::vector<std::size_t> changed;
    for (std::size_t i = 0; i < now.size(); ++i) {
      if (encode_value_bytes(now[i]) != encode_value_bytes(it->second[i])) changed.push_back(i);
    }
    if (changed.empty() && retry.count(k)) changed = all_of(now.size());
    if (changed.empty()) continue;
    ++result.counts.changed;
    result.changes.push_back({ChangeOp::Changed, key_id_of(k), row_bytes, changed});
  }
  for (const auto& [k, row] : base) {
    if (by_key.count(k)) continue;
    ++result.counts.removed;
    result.changes.push_back({ChangeOp::Removed, key_id_of(k), "", {}});
  }
  std::sort(result.changes.begin(), result.changes.end());
  return result;
}

void ReferenceDiff::commit(const std::vector<Row>& excluded_keys) {
  std::map<std::string, Row> next = pending_;
  for (const Row& key : excluded_keys) {
    std::string k;
    encode_row(key, k);
    next.erase(k);
    if (auto it = committed_.find(k); it != committed_.end()) next[k] = it->second;
  }
  committed_ = std::move(next);
}

}  // namespace backflow::test
