// libcrypto and libsqlite3 are opened on first use: a missing library is named with its package,
// the loaded ones work, and the commands that never run a pipeline do not map them.
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "crypto_loader.h"
#include "fingerprint.h"
#include "run_ctp.h"
#include "runner_support.h"
#include "sqlite_loader.h"

namespace ctp::testing {
namespace {

template <class Load>
std::string LoadError(Load load, const std::string& name) {
  try {
    load(name);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// The shared objects `ctp ARGS` opened, as the dynamic loader reports them (LD_DEBUG=libs).
std::string LoadedLibraries(const std::string& args, const std::filesystem::path& log) {
  const std::string command = "cd '" + std::string(CTP_SOURCE_DIR) + "' && LD_DEBUG=libs '" +
                              CtpBinary() + "' " + args + " >/dev/null 2>'" + log.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  return ReadText(log.string());
}

}  // namespace

TEST_CASE("library loaders: a missing library is named, with the package to install") {
  CHECK(LoadError(runner::LoadSqlite, "libctp-no-such-sqlite.so.0") ==
        "cannot load libctp-no-such-sqlite.so.0 (SQLite, Debian package libsqlite3-0): "
        "libctp-no-such-sqlite.so.0: cannot open shared object file: No such file or directory");
  CHECK(LoadError(runner::LoadCrypto, "libctp-no-such-crypto.so.3") ==
        "cannot load libctp-no-such-crypto.so.3 (OpenSSL's libcrypto, Debian package libssl3): "
        "libctp-no-such-crypto.so.3: cannot open shared object file: No such file or directory");
  CHECK(LoadError(runner::LoadSqlite, "libz.so.1") == "libz.so.1 has no symbol sqlite3_open_v2");
  CHECK(LoadError(runner::LoadCrypto, "libz.so.1") == "libz.so.1 has no symbol EVP_MD_CTX_new");
}

TEST_CASE("library loaders: the loaded libcrypto hashes and the loaded SQLite answers") {
  runner::Sha256 sha;
  sha.Update("abc");
  CHECK(sha.HexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const runner::SqliteApi& sqlite = runner::Sqlite();
  sqlite3* db = nullptr;
  REQUIRE(sqlite.open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite.prepare_v3(db, "SELECT 6 * 7", -1, 0, &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite.step(statement) == SQLITE_ROW);
  CHECK(sqlite.column_int(statement, 0) == 42);
  sqlite.finalize(statement);
  sqlite.close(db);
}

TEST_CASE("emit, check, graph and --version do not load libcrypto or libsqlite3") {
  ScratchDir dir;
  const std::filesystem::path log = dir.path() / "ld.log";
  const std::string out = "-o '" + (dir.path() / "x.yaml").string() + "'";
  for (const std::string& args :
       {std::string("--version"), "emit bench/startup/g5.lua " + out,
        std::string("check bench/startup/g5.lua"), std::string("graph bench/startup/g5.lua")}) {
    const std::string loaded = LoadedLibraries(args, log);
    INFO("ctp ", args);
    REQUIRE(loaded.find("liblua5.4") != std::string::npos);  // the log is the loader's
    CHECK(loaded.find("libcrypto") == std::string::npos);
    CHECK(loaded.find("libsqlite3") == std::string::npos);
  }
  // A run does load both (the run store, the cache keys), so the checks above can fail.
  const std::string run = LoadedLibraries(
      "run scripts/hello.lua -p who=tester --plain --workdir '" + dir.path().string() + "'", log);
  CHECK(run.find("libsqlite3.so.0") != std::string::npos);
  CHECK(run.find("libcrypto.so.3") != std::string::npos);
}

}  // namespace ctp::testing
