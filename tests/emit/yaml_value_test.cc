#include "yaml_value.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>

using ctp::emit::YamlValue;

TEST_CASE("a YamlValue is a value: a copy changes independently of its original") {
  YamlValue original;
  original["task"]["name"] = "train";
  YamlValue copy = original.Copy();
  copy["task"]["name"] = "evaluate";
  copy["task"]["extra"] = "x";
  REQUIRE(original.Find("task") != nullptr);
  CHECK(original.Find("task")->Find("name")->text() == "train");
  CHECK(original.Find("task")->size() == 1);
  CHECK(copy.Find("task")->Find("name")->text() == "evaluate");
  CHECK(copy.Find("task")->size() == 2);
}

TEST_CASE("operator[] finds an existing key instead of adding it again, in small and large maps") {
  for (int size : {3, 16, 17, 2000}) {
    CAPTURE(size);
    YamlValue map;
    for (int i = 0; i < size; ++i) map.Append("task-" + std::to_string(i), YamlValue::EmptyMap());
    map["task-1"]["triggerPolicy"] = "ALL";
    map["task-" + std::to_string(size - 1)]["last"] = "yes";
    map["new"] = "added";
    map["task-" + std::to_string(size - 1)]["again"] = "yes";  // after the index is extended
    CHECK(map.size() == static_cast<std::size_t>(size) + 1);
    CHECK(map.Find("task-1")->Find("triggerPolicy")->text() == "ALL");
    CHECK(map.Find("task-" + std::to_string(size - 1))->size() == 2);
    CHECK(map.entries().back().key == "new");
    CHECK(map.Find("missing") == nullptr);
    CHECK(map.size() == static_cast<std::size_t>(size) + 1);
  }
}

TEST_CASE("the first of two equal keys wins a lookup, as in a linear search") {
  for (int filler : {0, 20}) {
    YamlValue map;
    map.Append("name", "first");
    for (int i = 0; i < filler; ++i) map.Append("k" + std::to_string(i), "v");
    map.Append("name", "second");
    CHECK(map["name"].text() == "first");
    CHECK(map.Find("name")->text() == "first");
  }
}

TEST_CASE("null becomes a map or a sequence on first use; scalars keep their kind") {
  YamlValue map, list;
  CHECK(map.kind() == YamlValue::Kind::kNull);
  CHECK(map.size() == 0);
  map["a"] = "x";
  CHECK(map.kind() == YamlValue::Kind::kMap);
  list.PushBack(YamlValue::Plain("5"));
  CHECK(list.kind() == YamlValue::Kind::kSequence);
  CHECK(list.items().front().kind() == YamlValue::Kind::kPlain);
  CHECK(YamlValue("5").kind() == YamlValue::Kind::kString);
  CHECK_THROWS_AS(YamlValue("text")["key"], std::logic_error);
  CHECK_THROWS_AS(map.PushBack("item"), std::logic_error);
}

TEST_CASE("AppendEntries moves the entries of another map in order") {
  YamlValue tasks, more;
  tasks["createpvc"] = "1";
  more["b"] = "2";
  more["a"] = "3";
  tasks.AppendEntries(std::move(more));
  REQUIRE(tasks.size() == 3);
  CHECK(tasks.entries()[1].key == "b");
  CHECK(tasks.entries()[2].key == "a");
  CHECK(tasks.entries()[2].value.text() == "3");
}
