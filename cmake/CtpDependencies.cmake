# Every dependency comes from Debian packages (deps/packages.txt).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4-c++)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(Boost 1.74 REQUIRED)  # Boost.Graph's algorithms used here are header-only
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PNG REQUIRED)
find_package(JPEG REQUIRED)
pkg_check_modules(OPENSLIDE REQUIRED IMPORTED_TARGET openslide)
