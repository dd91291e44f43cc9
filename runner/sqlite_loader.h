// SQLite, loaded when the first run store is opened. Linking it would map libsqlite3 into every
// ctp process and cost ~1.1 M instructions of dynamic-loader work at each start, `ctp emit` and
// `ctp --version` included; only `ctp run`/`ctp runs`/`ctp report` use it.
#pragma once

#include <sqlite3.h>

#include <string>

namespace ctp::runner {

/// The SQLite entry points the run store uses.
struct SqliteApi {
  decltype(&sqlite3_open_v2) open_v2;
  decltype(&sqlite3_close) close;
  decltype(&sqlite3_errmsg) errmsg;
  decltype(&sqlite3_busy_timeout) busy_timeout;
  decltype(&sqlite3_exec) exec;
  decltype(&sqlite3_free) free;
  decltype(&sqlite3_prepare_v3) prepare_v3;
  decltype(&sqlite3_finalize) finalize;
  decltype(&sqlite3_reset) reset;
  decltype(&sqlite3_clear_bindings) clear_bindings;
  decltype(&sqlite3_bind_text) bind_text;
  decltype(&sqlite3_bind_double) bind_double;
  decltype(&sqlite3_bind_int) bind_int;
  decltype(&sqlite3_bind_int64) bind_int64;
  decltype(&sqlite3_step) step;
  decltype(&sqlite3_column_text) column_text;
  decltype(&sqlite3_column_double) column_double;
  decltype(&sqlite3_column_int) column_int;
  decltype(&sqlite3_column_int64) column_int64;
};

/// Loads the SQLite library `name` (a soname or path) and binds its entry points. Throws
/// std::runtime_error naming the library when it cannot be loaded or lacks a symbol.
SqliteApi LoadSqlite(const std::string& name);

/// SQLite (its soname, libsqlite3.so.0), loaded on the first call (thread-safe) and kept.
const SqliteApi& Sqlite();

}  // namespace ctp::runner
