// The warehouse diff engine: snapshot and diff are tables in the warehouse's
// bookkeeping schema, built with SQL of its dialect (dialect_sql.h); only the
// changed rows cross the network (see docs/diff.md).
//
// Uses a connection it does not own: the connection must outlive the engine
// and every PendingSnapshot it returns, and serve one run at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "diff/diff_spec.h"
#include "odbc/connection.h"
#include "diff/pending_snapshot.h"
#include "model/sql_dialect.h"

namespace backflow::diff::warehouse {

// The model: a table ("schema.table", quoted per quote_qualified) or a query.
struct WarehouseModel {
  std::string table;
  std::string query;
};

class WarehouseDiffEngine {
 public:
  WarehouseDiffEngine(odbc::Connection& connection, Dialect dialect, std::string bookkeeping_schema);

  // Drops what an interrupted run left, builds the diff table in one pass
  // over the model joined with the committed table, and reads the counts and
  // invalid samples.
  // Throws DiffError when the model cannot be read (e.g. dropped: the
  // driver's message included) or lacks a key or mapped column, or when the
  // primary key changed since the committed snapshot (suggesting a full
  // resync); odbc::Error for warehouse failures on the way (transient() says
  // whether to retry). The committed table is never touched before commit.
  std::unique_ptr<PendingSnapshot> diff(const DiffSpec& spec, const WarehouseModel& model);

  // Reopens the diff table of a run whose process died after diff()
  // returned, without reading the model: for_each_change() yields the same
  // changes in the same order (by key; diff() copied the values into the
  // diff table), so a resumed run can skip what it had delivered. `counts`
  // are those the run recorded; the invalid sample is not kept. Returns null
  // when there is nothing to resume: the diff table is gone (the commit drops
  // it, or someone dropped it). Throws DiffError when the diff table no
  // longer matches `counts` (a warehouse restart emptied it): the run must
  // start over. Call it before diff(), which drops such leftovers.
  std::unique_ptr<PendingSnapshot> resume(const DiffSpec& spec, const DiffCounts& counts);

  // Called with every statement before it runs (logging; crash tests).
  std::function<void(std::string_view sql)> before_statement;

 private:
  odbc::Connection& connection_;
  Dialect dialect_;
  std::string bookkeeping_schema_;
};

}  // namespace backflow::diff::warehouse
