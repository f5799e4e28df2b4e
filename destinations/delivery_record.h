// One change to deliver: what the runner hands the delivery engine per record.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace backflow::destinations {

enum class Operation { Upsert, Delete };

// "upsert" / "delete", as the webhook payload and the outcome records spell it.
std::string_view to_string(Operation op);

struct DeliveryRecord {
  Operation op = Operation::Upsert;
  std::string key;           // the primary key, encoded: identifies the record in outcomes and locks
  nlohmann::json key_json;   // the primary key as JSON: {"customer_id": 42}
  nlohmann::json fields;     // the mapped record (mappers::MappedRecord::fields); unused for deletes
  // The vendor's id for this key from an earlier outcome (RecordOutcome::destination_id),
  // when the runner knows it: HubSpot archives and Salesforce deletes need it. Empty otherwise.
  std::string destination_id;
};

// The value that names `record` at a vendor: the record's field `field` (a
// string, or a number as its text), else its primary key (a single-column
// key's value, or the encoded key).
std::string record_identifier(const DeliveryRecord& record, std::string_view field);

// Where the engine pulls records from, in delivery order. Implemented by the
// runner over its diff; VectorFeed serves tests and benchmarks.
class RecordFeed {
 public:
  virtual ~RecordFeed() = default;
  // Replaces `record` with the next one and returns true, or returns false at the end.
  virtual bool next(DeliveryRecord& record) = 0;
};

// A feed over records owned by the caller; `records` must outlive the feed.
class VectorFeed : public RecordFeed {
 public:
  explicit VectorFeed(const std::vector<DeliveryRecord>& records) : records_(records) {}
  bool next(DeliveryRecord& record) override {
    if (position_ == records_.size()) return false;
    record = records_[position_++];
    return true;
  }

 private:
  const std::vector<DeliveryRecord>& records_;
  std::size_t position_ = 0;
};

}  // namespace backflow::destinations
