// The error an emitter throws, as text, for tests that assert exact messages.
#pragma once

#include <string>

#include "ctp/model/diagnostic.h"

namespace ctp::testing {

/// The error text `emit()` (EmitArgo / EmitKfp) throws, without source lines; "no error" if none.
template <class Emit>
std::string ErrorOf(Emit emit) {
  try {
    emit();
  } catch (const Error& e) {
    return FormatError(e, false);
  }
  return "no error";
}

}  // namespace ctp::testing
