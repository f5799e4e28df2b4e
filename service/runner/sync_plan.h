// Adapters from a sync's config to the parts a run glues together: what the
// diff compares, what the mapper builds, and which SQL reads the model.
// Pure functions of the config; no I/O.
#pragma once

#include <string>
#include <vector>

#include "diff/diff_spec.h"
#include "model/sql_dialect.h"
#include "mappers/mapping_spec.h"
#include "service/config/config.h"

namespace backflow::runner {

// The model columns the mapping reads (column and template expressions),
// then the match_on column, each once, in file order.
std::vector<std::string> mapped_columns(const config::Sync& sync);

// sync_name, primary_key and mapped_columns() (plus full_resync); the caller
// adds retry keys.
diff::DiffSpec make_diff_spec(const config::Sync& sync, bool full_resync);

// The mapping in file order.
mappers::MappingSpec make_mapping_spec(const config::Sync& sync);

Dialect dialect_of(const config::Warehouse& warehouse);

// "SELECT * FROM <quoted table>" or the user's query as written.
std::string model_sql(const config::Sync& sync, Dialect dialect);

// A query returning the model's columns and no rows (WHERE 1=0 around it).
std::string model_columns_sql(const config::Sync& sync, Dialect dialect);

}  // namespace backflow::runner
