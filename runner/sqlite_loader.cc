#include "sqlite_loader.h"

#include <string>

#include "ctp/base/shared_library.h"

namespace ctp::runner {

SqliteApi LoadSqlite(const std::string& name) {
  const base::SharedLibrary library(name, "SQLite, Debian package libsqlite3-0");
  SqliteApi api{};
  library.Bind("sqlite3_open_v2", api.open_v2);
  library.Bind("sqlite3_close", api.close);
  library.Bind("sqlite3_errmsg", api.errmsg);
  library.Bind("sqlite3_busy_timeout", api.busy_timeout);
  library.Bind("sqlite3_exec", api.exec);
  library.Bind("sqlite3_free", api.free);
  library.Bind("sqlite3_prepare_v3", api.prepare_v3);
  library.Bind("sqlite3_finalize", api.finalize);
  library.Bind("sqlite3_reset", api.reset);
  library.Bind("sqlite3_clear_bindings", api.clear_bindings);
  library.Bind("sqlite3_bind_text", api.bind_text);
  library.Bind("sqlite3_bind_double", api.bind_double);
  library.Bind("sqlite3_bind_int", api.bind_int);
  library.Bind("sqlite3_bind_int64", api.bind_int64);
  library.Bind("sqlite3_step", api.step);
  library.Bind("sqlite3_column_text", api.column_text);
  library.Bind("sqlite3_column_double", api.column_double);
  library.Bind("sqlite3_column_int", api.column_int);
  library.Bind("sqlite3_column_int64", api.column_int64);
  return api;
}

const SqliteApi& Sqlite() {
  static const SqliteApi api = LoadSqlite(CTP_SQLITE_SONAME);
  return api;
}

}  // namespace ctp::runner
