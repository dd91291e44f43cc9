#include "ctp/model/names.h"

#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

using namespace ctp;

TEST_CASE("DNS-1123 labels: exact accept and reject cases") {
  for (const char* good : {"a", "0", "a-b", "train-model", "a1", "1a", "x--y", "step-2"})
    CHECK_MESSAGE(IsDnsLabel(good), good);
  for (const char* bad :
       {"", "-", "-a", "a-", "A", "trainModel", "train_model", "a.b", "a b", "é", "a\nb", "a/b"})
    CHECK_MESSAGE(!IsDnsLabel(bad), bad);
  CHECK(IsDnsLabel(std::string(63, 'a')));
  CHECK(!IsDnsLabel(std::string(64, 'a')));
  CHECK(!IsDnsLabel(std::string("a\0b", 3)));
}

TEST_CASE("DNS-1123 subdomains: exact accept and reject cases") {
  for (const char* good : {"a", "nfs-claim", "wsi.data", "a.b.c", "0.1", "x--y.z"})
    CHECK_MESSAGE(IsDnsSubdomain(good), good);
  for (const char* bad : {"", ".", "..", "../../outside", "a..b", ".a", "a.", "a/b", "A", "a_b",
                          "a.-b", "a-.b", "a b", "é"})
    CHECK_MESSAGE(!IsDnsSubdomain(bad), bad);
  CHECK(IsDnsSubdomain(std::string(253, 'a')));
  CHECK(!IsDnsSubdomain(std::string(254, 'a')));
  CHECK(!IsDnsSubdomain(std::string("a\0b", 3)));
}

TEST_CASE("identifiers: exact accept and reject cases") {
  for (const char* good : {"a", "_", "A", "_x1", "learning_rate", "Z9_", "__"})
    CHECK_MESSAGE(IsIdentifier(good), good);
  for (const char* bad : {"", "1a", "9", "a-b", "a b", "a.b", "é", "a$", "-x"})
    CHECK_MESSAGE(!IsIdentifier(bad), bad);
  CHECK(IsIdentifier(std::string(1000, 'x')));
}

// The rules were regular expressions; the character checks must accept exactly the same names.
// Every string of up to 4 characters over an alphabet with each class's edges is compared.
TEST_CASE("the character checks accept exactly what the former regular expressions did") {
  const std::regex dns("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*");
  const std::regex subdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  const std::string alphabet = "az09AZ_-.` {@/:[\x7f\xc3";
  std::vector<std::string> names = {""};
  for (std::size_t start = 0, length = 1; length <= 4; ++length) {
    const std::size_t end = names.size();
    for (std::size_t i = start; i < end; ++i)
      for (char c : alphabet) names.push_back(names[i] + c);
    start = end;
  }
  REQUIRE(names.size() > 20000);
  int mismatches = 0;
  for (const std::string& name : names) {
    if (IsDnsLabel(name) != std::regex_match(name, dns)) ++mismatches;
    if (IsIdentifier(name) != std::regex_match(name, identifier)) ++mismatches;
    if (IsDnsSubdomain(name) != std::regex_match(name, subdomain)) ++mismatches;
  }
  CHECK(mismatches == 0);
}
