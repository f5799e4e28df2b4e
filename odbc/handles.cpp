#include "odbc/handles.h"

#include "odbc/error.h"

namespace backflow::odbc {

EnvironmentHandle allocate_environment() {
  SQLHANDLE raw = SQL_NULL_HANDLE;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &raw))) {
    throw Error("ODBC environment", {{"HY001", 0, "the ODBC driver manager could not allocate an environment"}});
  }
  EnvironmentHandle env(raw);
  if (!SQL_SUCCEEDED(SQLSetEnvAttr(raw, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0))) {
    throw error_from_handle(SQL_HANDLE_ENV, raw, "ODBC environment: setting ODBC version 3");
  }
  return env;
}

ConnectionHandle allocate_connection(const EnvironmentHandle& env, const std::string& context) {
  SQLHANDLE raw = SQL_NULL_HANDLE;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env.get(), &raw))) {
    throw error_from_handle(SQL_HANDLE_ENV, env.get(), context + ": allocating a connection handle");
  }
  return ConnectionHandle(raw);
}

StatementHandle allocate_statement(const ConnectionHandle& dbc, const std::string& context) {
  SQLHANDLE raw = SQL_NULL_HANDLE;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc.get(), &raw))) {
    throw error_from_handle(SQL_HANDLE_DBC, dbc.get(), context + ": allocating a statement handle");
  }
  return StatementHandle(raw);
}

}  // namespace backflow::odbc
