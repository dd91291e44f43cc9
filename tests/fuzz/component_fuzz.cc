// A KFP component spec, as `ctp.load_component` takes it: ReadComponentSpec (v1 or v2 YAML),
// then a script that loads it and calls its factory with a value of the declared type for each
// input (a file input gets another step's output; with an odd-sized input, required inputs
// only), and the Argo and KFP emitters on the pipeline.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ctp/emit/emit.h"
#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "fuzz_support.h"
#include "kfp_component_spec.h"

namespace {

// `text` as a Lua string literal (other bytes than printable ASCII as \ddd).
std::string LuaString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      const char digits[] = {'\\', char('0' + c / 100), char('0' + c / 10 % 10),
                             char('0' + c % 10)};
      out.append(digits, sizeof digits);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A text field of the spec's description ("" when absent or not text).
std::string TextField(const nlohmann::json& entry, const char* name) {
  return entry.contains(name) && entry[name].is_string() ? entry[name].get<std::string>() : "";
}

// A value of the input's type for the factory call.
std::string InputValue(const nlohmann::json& input) {
  if (TextField(input, "kind") == "artifact") return "producer.outputs.file";
  const std::string type = TextField(input, "type");
  if (type == "Integer") return "1";
  if (type == "Float") return "0.5";
  if (type == "Boolean") return "true";
  if (type == "JsonArray") return "\"[1]\"";
  if (type == "JsonObject") return "\"{}\"";
  return "\"text\"";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ctp::RegisterBuiltinSteps(ctp::StepRegistry::Default());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = ctp::fuzz::WriteInput("component.yaml", ctp::fuzz::Text(data, size));
  const std::string folder = ctp::fuzz::WorkDir().string();
  ctp::fuzz::RefusalsAllowed(
      [&] {
        const nlohmann::json spec = ctp::interpreter::ReadComponentSpec(path.string());
        std::string inputs;
        for (const nlohmann::json& input : spec.at("inputs")) {
          if (size % 2 == 1 && input.contains("optional") && input["optional"] == true) continue;
          inputs += "[" + LuaString(TextField(input, "key")) + "] = " + InputValue(input) + ", ";
        }
        const std::string script =
            "local ctp = require 'ctp'\n"
            "local producer = ctp.container { name = 'producer', image = 'alpine:3.19', "
            "command = { 'true' }, outputs = { file = 'artifact' } }\n"
            "local component = ctp.load_component 'component.yaml'\n"
            "return ctp.pipeline { name = 'component', steps = { producer, component { " +
            inputs + "} } }\n";
        const ctp::Pipeline pipeline =
            ctp::LoadPipelineFromString(script, (ctp::fuzz::WorkDir() / "pipeline.lua").string());
        ctp::fuzz::RefusalsAllowed([&] { ctp::EmitArgo(pipeline); }, folder);
        ctp::fuzz::RefusalsAllowed([&] { ctp::EmitKfp(pipeline); }, folder);
      },
      folder);
  return 0;
}
