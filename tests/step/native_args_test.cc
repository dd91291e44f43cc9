// The one parser of native-step argument values: each type's good and bad text, the boolean
// vocabulary, defaults filled in once, and the exact messages.
#include "ctp/step/native_args.h"

#include <doctest/doctest.h>

#include <string>

#include "ctp/step/step_registry.h"

using namespace ctp;

namespace {

const std::vector<NativeArg> kArgs = {
    {"message", ArgType::kString, true, std::nullopt, "the text"},
    {"times", ArgType::kInt, false, "1", "how many"},
    {"rate", ArgType::kFloat, false, "0.5", "a rate"},
    {"images", ArgType::kBool, false, "true", "write images"},
    {"splits", ArgType::kList, false, "train,test", "splits"},
    {"data", ArgType::kPath, false, std::nullopt, "a folder"},
    {"device", ArgType::kChoice, false, "auto", "where", {"auto", "cpu", "cuda"}},
};

/// The ArgError message of resolving `given`, or "" when it resolves.
std::string ResolveError(const std::map<std::string, std::string>& given) {
  try {
    ArgValues::Resolve("demo", kArgs, given);
  } catch (const ArgError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("integers: [+-]digits within 64 bits") {
  CHECK(ParseIntText("12") == 12);
  CHECK(ParseIntText("-3") == -3);
  CHECK(ParseIntText("+7") == 7);
  for (const char* bad : {"", "two", "1.0", "1e3", " 1", "1 ", "0x10", "99999999999999999999"})
    CHECK_MESSAGE(!ParseIntText(bad), bad);
}

TEST_CASE("numbers: finite decimals") {
  CHECK(ParseFloatText("0.5") == 0.5);
  CHECK(ParseFloatText("1e-3") == 0.001);
  CHECK(ParseFloatText(".5") == 0.5);
  CHECK(ParseFloatText("-2") == -2);
  for (const char* bad : {"", "x", "inf", "nan", "1e999", "0x1p3", "1,5", "1.5x"})
    CHECK_MESSAGE(!ParseFloatText(bad), bad);
}

TEST_CASE("booleans: exactly true or false, nothing else") {
  CHECK(ParseBoolText("true") == true);
  CHECK(ParseBoolText("false") == false);
  for (const char* bad : {"", "yes", "no", "1", "0", "on", "off", "True", "FALSE"})
    CHECK_MESSAGE(!ParseBoolText(bad), bad);
}

TEST_CASE("lists: comma-separated items or a JSON array of plain values") {
  using Items = std::vector<std::string>;
  CHECK(ParseListText("a,b") == Items{"a", "b"});
  CHECK(ParseListText("a,,b,") == Items{"a", "b"});
  CHECK(ParseListText("") == Items{});
  CHECK(ParseListText(R"(["a", 1, 0.5])") == Items{"a", "1", "0.5"});
  CHECK(!ParseListText("[1"));
  CHECK(!ParseListText(R"([[1]])"));
  CHECK(!ParseListText(R"([{"a": 1}])"));
}

TEST_CASE("choices: one of the allowed values, with did-you-mean") {
  const NativeArg& device = kArgs.back();
  CHECK(IsArgValue(device, "cpu"));
  CHECK(!IsArgValue(device, "CPU"));
  CHECK(ArgExpectation(device) == "one of auto, cpu, cuda");
  CHECK(ArgValueHint(device, "cdua") == " (did you mean 'cuda'?)");
  CHECK(ArgValueHint(kArgs[1], "two") == "");
}

TEST_CASE("resolving fills in defaults and types every value") {
  const ArgValues values = ArgValues::Resolve("demo", kArgs, {{"message", "hi"}, {"rate", ""}});
  CHECK(values.String("message") == "hi");
  CHECK(values.Int("times") == 1);
  CHECK(values.Float("rate") == 0.5);  // empty text of an optional argument: not given
  CHECK(values.Bool("images"));
  CHECK(values.List("splits") == std::vector<std::string>{"train", "test"});
  CHECK(!values.Has("data"));
  CHECK(values.Path("data").empty());
  CHECK(values.Choice("device") == "auto");
  CHECK(values.texts() == std::map<std::string, std::string>{{"device", "auto"},
                                                             {"images", "true"},
                                                             {"message", "hi"},
                                                             {"rate", "0.5"},
                                                             {"splits", "train,test"},
                                                             {"times", "1"}});
  CHECK_THROWS_WITH_AS(values.Int("rate"), "demo: argument 'rate' is declared float, read as int",
                       std::logic_error);
}

TEST_CASE("bad arguments: exact messages naming the step and the argument") {
  CHECK(ResolveError({{"message", "hi"}, {"times", "two"}}) ==
        "demo: argument --times: expected an integer, got 'two'");
  CHECK(ResolveError({{"message", "hi"}, {"rate", "fast"}}) ==
        "demo: argument --rate: expected a number, got 'fast'");
  CHECK(ResolveError({{"message", "hi"}, {"images", "yes"}}) ==
        "demo: argument --images: expected true or false, got 'yes'");
  CHECK(ResolveError({{"message", "hi"}, {"splits", "[1"}}) ==
        "demo: argument --splits: expected a list (a,b,c or a JSON array), got '[1'");
  CHECK(ResolveError({{"message", "hi"}, {"device", "cdua"}}) ==
        "demo: argument --device: expected one of auto, cpu, cuda, got 'cdua' (did you mean "
        "'cuda'?)");
  CHECK(ResolveError({{"message", "hi"}, {"tims", "2"}}) ==
        "demo: unknown argument --tims (did you mean 'times'?); see ctp step demo --help");
  CHECK(ResolveError({}) == "demo: argument --message is required");
}

TEST_CASE("a step sees the declared default when the argument is absent") {
  NativeStep step{"count", "1", "counts", {kArgs[0], kArgs[1]}, {}, nullptr};
  long long seen = 0;
  step.run = [&](StepContext& context) { seen = context.Int("times"); };
  StepContext context;
  context.args = {{"message", "hi"}};
  RunNativeStep(step, context);
  CHECK(seen == 1);
  context.args["times"] = "4";
  RunNativeStep(step, context);
  CHECK(seen == 4);
}

TEST_CASE("the registry refuses a badly declared argument") {
  auto error = [](NativeArg arg) -> std::string {
    StepRegistry registry;
    try {
      registry.Register(NativeStep{"bad", "1", "", {std::move(arg)}, {}, nullptr});
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error({"n", ArgType::kInt, false, "many", "a count"}) ==
        "native step 'bad': argument 'n' has the default 'many', not an integer");
  CHECK(error({"n", ArgType::kInt, true, "1", "a count"}) ==
        "native step 'bad': argument 'n' is required and has a default");
  CHECK(error({"mode", ArgType::kChoice, false, std::nullopt, "a mode"}) ==
        "native step 'bad': argument 'mode' needs allowed values exactly when it is a choice");
  CHECK(error({"n", ArgType::kInt, false, "1", "a count"}) == "");
}
