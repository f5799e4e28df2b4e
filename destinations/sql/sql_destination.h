// `type: sql`: writes a sync's records into a table of any ODBC database, as
// docs/destinations/sql.md describes. Not HTTP: it has its own deliver() with
// the DeliveryEngine's types, so the runner drives it the same way (a record
// feed in, outcomes and checkpoint acknowledgements out).
//
// Records go in batches, one transaction each, every value a bound
// parameter. A batch that fails is rolled back and replayed row by row, each
// row in its own transaction, so one bad row (a constraint violation) is
// rejected with the database's message and the others commit. Transient database
// errors (lost connection) throw odbc::Error: records without an outcome
// were not written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "destinations/delivery_engine.h"
#include "model/row_source.h"
#include "model/sql_dialect.h"

namespace backflow::destinations {

struct SqlDestinationOptions {
  std::string name;               // the destination's name, in messages
  std::string connection_string;  // an ODBC connection string (a secret)
  std::optional<Dialect> dialect; // unset: guessed from the driver
  std::string table;              // "table" or "schema.table"
  std::vector<std::string> key_columns;  // the sync's primary key columns (DeliveryRecord::key_json's names)
  // The model's columns with their types, for create_table. Values are
  // written by name whatever this holds.
  std::vector<ColumnInfo> columns;
  bool create_table = false;      // CREATE TABLE IF NOT EXISTS before the first batch
  std::size_t batch_size = 500;   // rows per transaction
};

class SqlDestination {
 public:
  // Throws DestinationError when the table or key columns are missing.
  explicit SqlDestination(SqlDestinationOptions options);

  static std::vector<SyncMode> supported_modes();

  // Upsert and mirror: insert or update by key; insert and append: insert
  // (a duplicate key is rejected per row); update: existing rows only (a
  // missing row is rejected). Deletes remove the row by key (a missing row
  // counts as deleted). Opens its own connection per call. Not thread-safe.
  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks);

 private:
  SqlDestinationOptions options_;
};

}  // namespace backflow::destinations
