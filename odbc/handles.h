// Owning wrappers for ODBC handles (environment, connection, statement).
// Each owns exactly one handle and frees it on destruction; they are
// move-only. A connection handle is rolled back and disconnected before it is
// freed. A child handle must be destroyed before its parent (a statement
// before its connection, a connection before its environment). Not
// thread-safe: use one handle from one thread at a time.
#pragma once

#include <string>
#include <utility>

#include <sql.h>
#include <sqlext.h>

namespace backflow::odbc {

template <SQLSMALLINT HandleType>
class Handle {
 public:
  Handle() = default;
  explicit Handle(SQLHANDLE raw) : raw_(raw) {}
  ~Handle() { reset(); }

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : raw_(std::exchange(other.raw_, SQLHANDLE{})) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      raw_ = std::exchange(other.raw_, SQLHANDLE{});
    }
    return *this;
  }

  // The raw handle, still owned by this object (SQL_NULL_HANDLE when empty).
  SQLHANDLE get() const { return raw_; }
  explicit operator bool() const { return raw_ != SQL_NULL_HANDLE; }

  // Frees the handle now (idempotent).
  void reset() {
    if (raw_ == SQL_NULL_HANDLE) return;
    if constexpr (HandleType == SQL_HANDLE_DBC) {
      // SQLDisconnect refuses while a transaction is open; results are
      // ignored because the handle goes away either way.
      SQLEndTran(SQL_HANDLE_DBC, raw_, SQL_ROLLBACK);
      SQLDisconnect(raw_);
    }
    SQLFreeHandle(HandleType, raw_);
    raw_ = SQL_NULL_HANDLE;
  }

 private:
  SQLHANDLE raw_ = nullptr;
};

using EnvironmentHandle = Handle<SQL_HANDLE_ENV>;
using ConnectionHandle = Handle<SQL_HANDLE_DBC>;
using StatementHandle = Handle<SQL_HANDLE_STMT>;

// An ODBC 3 environment. Throws odbc::Error when the driver manager fails.
EnvironmentHandle allocate_environment();
// A connection handle (not yet connected) in `env`. `context` names the
// warehouse for the error. Throws odbc::Error.
ConnectionHandle allocate_connection(const EnvironmentHandle& env, const std::string& context);
// A statement handle on a connected `dbc`. Throws odbc::Error.
StatementHandle allocate_statement(const ConnectionHandle& dbc, const std::string& context);

}  // namespace backflow::odbc
