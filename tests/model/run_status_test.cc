// Run and step statuses: one word each, read back exactly.
#include "ctp/model/run_status.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "ctp/model/step_record.h"

namespace ctp {
namespace {

TEST_CASE("every status has one word, and the word reads back as that status") {
  const std::pair<RunStatus, const char*> words[] = {
      {RunStatus::kPending, "pending"},        {RunStatus::kRunning, "running"},
      {RunStatus::kSucceeded, "succeeded"},    {RunStatus::kFailed, "failed"},
      {RunStatus::kSkipped, "skipped"},        {RunStatus::kOmitted, "omitted"},
      {RunStatus::kInterrupted, "interrupted"}};
  for (const auto& [status, word] : words) {
    CHECK(StatusName(status) == word);
    CHECK(ParseStatus(word) == status);
  }
}

TEST_CASE("any other word is refused, naming it") {
  for (const char* word : {"cached", "Succeeded", "cancelled", ""})
    CHECK_THROWS_WITH_AS(ParseStatus(word),
                         ("unknown run status '" + std::string(word) +
                          "' (expected pending, running, succeeded, failed, skipped, omitted or "
                          "interrupted)")
                             .c_str(),
                         std::invalid_argument);
}

TEST_CASE("a step record starts and ends only once it ran, and ends once it stopped running") {
  StepRecord record;
  CHECK_FALSE(record.Start());
  CHECK_FALSE(record.End());
  record.started_at = 100;
  record.duration = 2.5;
  record.status = RunStatus::kRunning;
  CHECK(record.Start() == 100);
  CHECK_FALSE(record.End());
  record.status = RunStatus::kFailed;
  CHECK(record.End() == 102.5);
}

}  // namespace
}  // namespace ctp
