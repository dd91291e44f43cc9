// Parameter values given when a pipeline is loaded: `-p name=value` and `--params FILE.yaml`.
#pragma once

#include <map>
#include <string>

#include "ctp/model/pipeline.h"

namespace ctp {

/// Values for pipeline parameters, as text, with where each came from (for messages).
struct ParamValues {
  struct Value {
    std::string text;
    SourceLocation origin;  ///< the params file and line, or {"-p", 0}
    bool is_list = false;   ///< given as a YAML sequence (text is then a JSON array)
  };
  std::map<std::string, Value> values;
};

/// Adds `name=value` (from `-p`). Throws std::invalid_argument when there is no '='.
void AddParamAssignment(ParamValues& params, const std::string& assignment);

/// Adds every `name: value` of a YAML file (later files and `-p` override earlier ones).
/// Throws ctp::Error naming the file (and line) when it cannot be read or is not such a map.
void AddParamFile(ParamValues& params, const std::string& path);

/// Checks each value against its parameter's type and makes it the parameter's default, in
/// canonical text. Throws ctp::Error for unknown parameters (with did-you-mean) and bad values.
void ApplyParams(Pipeline& pipeline, const ParamValues& params);

/// The canonical text of `text` as a value of `type`, or an empty optional if it is not one.
std::optional<std::string> CanonicalParamValue(ParamType type, const std::string& text);

}  // namespace ctp
