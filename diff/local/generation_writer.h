// Streams a model into a new snapshot generation: per row with a non-NULL
// key, `entry_key(key, seq)` -> snapshot entry, where seq is the row's
// 1-based position in the model, and the encoded row to `rows`, which the
// entry refers to; rows with a NULL key column go to `invalid`; the keys
// written are offered to `keys`. Entries go into the generation as sorted,
// ingested table files (SortedRunWriter), never through the WAL.
//
// Reading the model (the ODBC driver's parsing, one core) and hashing plus
// writing to RocksDB (the other) run on two threads joined by a bounded
// queue of row blocks, so a run costs about the slower of the two instead of
// their sum. The calling thread reads; a thread of its own writes and is
// joined before the function returns or throws.
#pragma once

#include <cstdint>

#include <rocksdb/db.h>

#include "diff/diff_spec.h"
#include "diff/invalid_rows.h"
#include "diff/local/key_sampler.h"
#include "diff/local/row_spill_file.h"
#include "diff/local/sync_snapshot_db.h"
#include "diff/model_columns.h"
#include "model/row_source.h"

namespace backflow::diff::local {

// Returns the number of rows read (NULL-key rows included). Rethrows the
// first error of either side (the model's read error, a RocksDB write
// error); the generation is then incomplete and the caller drops it.
std::uint64_t write_generation(SyncSnapshotDb& store, rocksdb::ColumnFamilyHandle* generation, RowSpillFile& rows,
                               const DiffSpec& spec, const ModelColumns& columns, RowSource& model,
                               InvalidRows& invalid, KeySampler& keys);

}  // namespace backflow::diff::local
