// The JSON field reader: every error names the file and the field, never nlohmann's bare
// "[json.exception.type_error.302] type must be number, but is string".
#include "ctp/model/json_field.h"

#include <doctest/doctest.h>

namespace {

using ctp::JsonField;
using Json = nlohmann::json;

const Json kDocument = Json::parse(R"({
  "input": {"height": 28, "width": "28", "channels": -1},
  "layers": [{"type": "conv", "out": 8}, {"type": "relu"}],
  "slides": {"slide/train/a.svs": {"size": 12, "mtime": 1.5}},
  "names": ["a", 2],
  "ratio": 0.25,
  "big": 18446744073709551615,
  "flag": "yes"
})");

// What reading `read` from kDocument ("f.json") throws.
template <class Read>
std::string Error(Read read) {
  try {
    read(JsonField(kDocument, "f.json"));
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("json field: values of the right type are read, absent members take the fallback") {
  const JsonField root(kDocument, "f.json");
  CHECK(root["input"]["height"].Get<int>() == 28);
  CHECK(root["input"]["height"].Get<int>(1, 8192) == 28);
  CHECK(root["layers"][0]["out"].Get<std::uint32_t>() == 8);
  CHECK(root["ratio"].Get<double>() == 0.25);
  CHECK(root["ratio"].Get<float>(0, 1) == 0.25f);
  CHECK(root["big"].Get<std::uint64_t>() == 18446744073709551615ULL);
  CHECK(root["layers"].Elements().size() == 2);
  CHECK(root["layers"][1]["type"].Get<std::string>() == "relu");
  CHECK(root["layers"][1].Value<int>("out", 7) == 7);
  CHECK(root.Value<std::string>("missing", "x") == "x");
  CHECK_FALSE(root.Find("missing").has_value());
  CHECK(root["slides"].Members().front().first == "slide/train/a.svs");
  CHECK(root["slides"]["slide/train/a.svs"].Path() == "slides[\"slide/train/a.svs\"]");
  CHECK(root["layers"].Get<Json>() == kDocument["layers"]);
}

TEST_CASE("json field: errors name the file and the field, with what was found") {
  CHECK(Error([](const JsonField& f) { f["input"]["depth"].Get<int>(); }) ==
        "f.json: field 'input.depth' is missing");
  CHECK(Error([](const JsonField& f) { f["input"]["width"].Get<int>(); }) ==
        "f.json: field 'input.width' must be a whole number from -2147483648 to 2147483647, "
        "got \"28\"");
  CHECK(Error([](const JsonField& f) { f["input"]["channels"].Get<int>(1, 64); }) ==
        "f.json: field 'input.channels' must be a whole number from 1 to 64, got -1");
  CHECK(Error([](const JsonField& f) { f["input"]["channels"].Get<std::uint64_t>(); }) ==
        "f.json: field 'input.channels' must be a whole number of at least 0, got -1");
  CHECK(Error([](const JsonField& f) { f["big"].Get<std::int64_t>(); }) ==
        "f.json: field 'big' must be a whole number up to 9223372036854775807, got "
        "18446744073709551615");
  CHECK(Error([](const JsonField& f) { f["ratio"].Get<int>(0, 10); }) ==
        "f.json: field 'ratio' must be a whole number from 0 to 10, got 0.25");
  CHECK(Error([](const JsonField& f) { f["ratio"].Get<double>(0.5, 1); }) ==
        "f.json: field 'ratio' must be a number from 0.5 to 1.0, got 0.25");
  CHECK(Error([](const JsonField& f) { f["layers"][2]["type"].Get<std::string>(); }) ==
        "f.json: field 'layers[2]' is missing");
  CHECK(Error([](const JsonField& f) { f["layers"]["type"]; }) ==
        "f.json: field 'layers' must be an object, got an array");
  CHECK(Error([](const JsonField& f) { f["names"].Get<std::vector<std::string>>(); }) ==
        "f.json: field 'names[1]' must be a string, got 2");
  CHECK(Error([](const JsonField& f) { f["flag"].Get<bool>(); }) ==
        "f.json: field 'flag' must be true or false, got \"yes\"");
  CHECK(Error([](const JsonField& f) {
          f["slides"]["slide/train/a.svs"]["mtime"].Get<long long>();
        }) ==
        "f.json: field 'slides[\"slide/train/a.svs\"].mtime' must be a whole number, got 1.5");
  CHECK(Error([](const JsonField& f) { f["ratio"][0]; }) ==
        "f.json: field 'ratio' must be an array, got 0.25");
  CHECK(Error([](const JsonField& f) { f["layers"][0].Fail("is odd"); }) ==
        "f.json: field 'layers[0]' is odd");
  const Json array = Json::array();
  CHECK_THROWS_WITH(JsonField(array, "g.json")["x"],
                    "g.json: the document must be an object, got an array");
  CHECK_THROWS_WITH(JsonField(array, "--model", "layers")[0],
                    "--model: field 'layers[0]' is missing");
}
