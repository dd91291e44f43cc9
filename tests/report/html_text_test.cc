#include "../../report/html_text.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "../../report/report_sections.h"

using namespace ctp::report;

TEST_CASE("html text: escaping covers the five characters that matter") {
  CHECK(EscapeHtml("<a href=\"x\">Tom & Jerry's</a>") ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  CHECK(EscapeHtml("plain-name_1") == "plain-name_1");
}

TEST_CASE("html text: base64 data URIs match RFC 4648's test vectors") {
  CHECK(DataUri("text/plain", "") == "data:text/plain;base64,");
  CHECK(DataUri("text/plain", "f") == "data:text/plain;base64,Zg==");
  CHECK(DataUri("text/plain", "fo") == "data:text/plain;base64,Zm8=");
  CHECK(DataUri("text/plain", "foo") == "data:text/plain;base64,Zm9v");
  CHECK(DataUri("text/plain", "foob") == "data:text/plain;base64,Zm9vYg==");
  CHECK(DataUri("text/plain", "fooba") == "data:text/plain;base64,Zm9vYmE=");
  CHECK(DataUri("text/plain", "foobar") == "data:text/plain;base64,Zm9vYmFy");
  CHECK(DataUri("image/png", std::string("\x89PNG\0\xff", 6)) == "data:image/png;base64,iVBORwD/");
}

TEST_CASE("html text: numbers, coordinates, times and durations") {
  CHECK(FormatNumber(0.8125) == "0.8125");
  CHECK(FormatNumber(1.0 / 3) == "0.333333");
  CHECK(FormatNumber(1.2e-05) == "1.2e-05");
  CHECK(FormatNumber(0) == "0");
  CHECK(FormatCoordinate(12.0) == "12");
  CHECK(FormatCoordinate(12.345) == "12.35");
  CHECK(FormatCoordinate(-0.001) == "0");
  CHECK(FormatTime(1795381020.7) == "2026-11-22 20:57:00 UTC");
  CHECK(FormatTime(std::nullopt) == "—");
  CHECK(FormatDuration(10.0, 10.25) == "250 ms");
  CHECK(FormatDuration(10.0, 22.34) == "12.3 s");
  CHECK(FormatDuration(0.0, 245.0) == "4 min 05 s");
  CHECK(FormatDuration(0.0, 3720.0) == "1 h 02 min");
  CHECK(FormatDuration(0.0, std::nullopt) == "—");
}

TEST_CASE("html text: axis ticks are round numbers covering the range") {
  CHECK(NiceTicks(0, 10, 6) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(NiceTicks(0.52, 0.86, 5) == std::vector<double>{0.6, 0.7, 0.8});
  CHECK(NiceTicks(3, 3, 5) == std::vector<double>{3});
}
