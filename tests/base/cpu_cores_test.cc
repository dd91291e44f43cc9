// UsableCpuCores follows the affinity mask (taskset, cpusets), not the machine's core count.
#include "ctp/base/cpu_cores.h"

#include <doctest/doctest.h>
#include <sched.h>

#include <thread>

TEST_CASE("cpu cores: the affinity mask limits the usable cores") {
  cpu_set_t original;
  CPU_ZERO(&original);
  REQUIRE(sched_getaffinity(0, sizeof(original), &original) == 0);
  const int all = ctp::base::CountUsableCpuCores();
  CHECK(all >= 1);
  CHECK(all <= CPU_COUNT(&original));

  int first = 0;
  while (!CPU_ISSET(first, &original)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);
  const int pinned = ctp::base::CountUsableCpuCores();
  REQUIRE(sched_setaffinity(0, sizeof(original), &original) == 0);
  CHECK(pinned == 1);
  CHECK(ctp::base::CountUsableCpuCores() == all);
}
