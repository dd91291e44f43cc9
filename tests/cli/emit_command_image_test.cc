// The image that native and Lua steps run in: `ctp:<version>` (what docker/Dockerfile builds),
// the pipeline's `ctp_image`, or `ctp emit --image`, in rising priority; container steps keep
// their own image.
#include <doctest/doctest.h>

#include "run_ctp.h"

using namespace ctp::testing;

namespace {

// How often `text` contains `needle`.
int Count(const std::string& text, const std::string& needle) {
  int count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++count;
  return count;
}

}  // namespace

TEST_CASE("native and Lua steps run in ctp:<version> unless the pipeline or --image says") {
  // scripts/hello.lua: two container steps and three Lua or native steps, no ctp_image.
  const std::string version = RunCtp("--version").out;  // "ctp 0.1.0\n"
  const std::string image = "image: ctp:" + version.substr(4, version.size() - 5) + "\n";
  for (const char* format : {"argo", "kfp"}) {
    CAPTURE(format);
    const std::string yaml = RunCtp(std::string("emit scripts/hello.lua --format ") + format).out;
    CHECK(Count(yaml, image) == 3);
    CHECK(Count(yaml, "image: alpine:3.19\n") == 1);

    const std::string flag = RunCtp(std::string("emit scripts/hello.lua --format ") + format +
                                    " --image registry.example.com/ml/ctp:0.1.0-cuda13.0")
                                 .out;
    CHECK(Count(flag, "image: registry.example.com/ml/ctp:0.1.0-cuda13.0\n") == 3);
    CHECK(Count(flag, image) == 0);
    CHECK(Count(flag, "image: alpine:3.19\n") == 1);
  }

  TempDir dir("emit_image");
  const std::string script = dir.Write("pinned.lua", R"(local ctp = require "ctp"
local count = ctp.lua { name = "count", outputs = { "n" }, fn = function() return { n = 1 } end }
return ctp.pipeline { name = "pinned", ctp_image = "registry.example.com/ml/ctp:pinned",
                      steps = { count } }
)");
  CHECK(Count(RunCtp("emit" + script).out, "image: registry.example.com/ml/ctp:pinned\n") == 1);
  CHECK(Count(RunCtp("emit" + script + " --image other/ctp:1").out, "image: other/ctp:1\n") == 1);
}
