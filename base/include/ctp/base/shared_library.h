// A shared library opened on first use (dlopen) and its entry points bound by name (dlsym): how
// ctp loads OpenBLAS, cuBLAS and OpenSlide only when a step needs them, so that start-up stays
// cheap for commands that never do (`ctp emit`, `ctp --version`).
#pragma once

#include <string>

namespace ctp::base {

/// An opened shared library (never closed: its functions are kept for the process's life).
class SharedLibrary {
 public:
  /// Opens `name` (a soname or path). Throws std::runtime_error("cannot load NAME (WHAT):
  /// reason"), where `what` says what it is and where it comes from.
  SharedLibrary(const std::string& name, const std::string& what);

  /// Binds `target` to the entry point `symbol`. Throws std::runtime_error("NAME has no symbol
  /// SYMBOL") when the library lacks it.
  template <class F>
  void Bind(const char* symbol, F& target) const {
    target = reinterpret_cast<F>(Symbol(symbol));
  }

 private:
  void* Symbol(const char* symbol) const;

  std::string name_;
  void* handle_ = nullptr;
};

}  // namespace ctp::base
