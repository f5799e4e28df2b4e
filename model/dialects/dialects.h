// The implementations of SqlDialect, one per file in this folder, for the
// registry in model/sql_dialect.cpp only. Each returns a static instance:
// valid for the program's life, stateless, thread-safe.
#pragma once

#include "model/sql_dialect.h"

namespace backflow::dialects {

const SqlDialect& postgres();
const SqlDialect& sqlite();
const SqlDialect& mysql();
const SqlDialect& snowflake();
const SqlDialect& bigquery();
const SqlDialect& redshift();
const SqlDialect& databricks();

}  // namespace backflow::dialects
