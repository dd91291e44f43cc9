// Optimiser steps and learning-rate schedules against values computed by hand with PyTorch's
// update rules (two steps on p0 = 1 with gradients 0.5 then −0.25, lr 0.1).
#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "ctp/kernels/cnn/optimizer.h"
#include "ctp/kernels/cnn/random.h"

namespace cnn = ctp::kernels::cnn;
using cnn::Tensor;

namespace {

constexpr float kGradients[2] = {0.5f, -0.25f};

std::vector<double> RunSgd(const cnn::SgdOptions& options) {
  Tensor param = Tensor::FromHost({1, 1, 1, 1}, std::vector<float>{1.0f}), grad({1, 1, 1, 1});
  Tensor buffer({1, 1, 1, 1});
  std::vector<double> trajectory;
  for (int step = 1; step <= 2; ++step) {
    grad.data()[0] = kGradients[step - 1];
    cnn::SgdStep(options, 0.1f, step, param, grad, buffer);
    trajectory.push_back(param.data()[0]);
  }
  return trajectory;
}

std::vector<double> RunAdam(const cnn::AdamOptions& options) {
  Tensor param = Tensor::FromHost({1, 1, 1, 1}, std::vector<float>{1.0f}), grad({1, 1, 1, 1});
  Tensor m({1, 1, 1, 1}), v({1, 1, 1, 1});
  std::vector<double> trajectory;
  for (int step = 1; step <= 2; ++step) {
    grad.data()[0] = kGradients[step - 1];
    cnn::AdamStep(options, 0.1f, step, param, grad, m, v);
    trajectory.push_back(param.data()[0]);
  }
  return trajectory;
}

void CheckTrajectory(const std::vector<double>& got, std::vector<double> want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-6));
}

}  // namespace

TEST_CASE("SGD follows torch.optim.SGD") {
  CheckTrajectory(RunSgd({}), {0.95, 0.975});
  CheckTrajectory(RunSgd({.momentum = 0.9f, .weight_decay = 0.1f}), {0.94, 0.9016});
  CheckTrajectory(RunSgd({.momentum = 0.9f, .weight_decay = 0.1f, .nesterov = true}),
                  {0.886, 0.868066});
  // Dampening does not apply on the first step (the buffer starts as the gradient).
  CheckTrajectory(RunSgd({.momentum = 0.9f, .dampening = 0.5f}), {0.95, 0.9175});
}

TEST_CASE("Adam and AdamW follow torch.optim.Adam / AdamW") {
  CheckTrajectory(RunAdam({}), {0.900000002, 0.8733662987078463});
  CheckTrajectory(RunAdam({.weight_decay = 0.1f}), {0.9000000016666666, 0.8544413674617625});
  CheckTrajectory(RunAdam({.weight_decay = 0.1f, .decoupled_weight_decay = true}),
                  {0.890000002, 0.8544662986878463});
}

TEST_CASE("optimiser steps reject a zero step and mismatched state") {
  Tensor param({2, 1, 1, 1}), grad({2, 1, 1, 1}), buffer({3, 1, 1, 1});
  Tensor good_buffer(param.shape());
  CHECK_THROWS_AS(cnn::SgdStep({}, 0.1f, 0, param, grad, good_buffer), std::invalid_argument);
  CHECK_THROWS_AS(cnn::SgdStep({}, 0.1f, 1, param, grad, buffer), std::invalid_argument);
}

TEST_CASE("optimiser steps are element-wise and deterministic over a large tensor") {
  auto run = [] {
    Tensor param({64, 32, 3, 3}), grad(param.shape()), m(param.shape()), v(param.shape());
    cnn::FillUniform(param, -1.0f, 1.0f, 5);
    for (int step = 1; step <= 3; ++step) {
      cnn::FillUniform(grad, -1.0f, 1.0f, 100 + step);
      cnn::AdamStep({}, 1e-2f, step, param, grad, m, v);
    }
    return param.ToHost();
  };
  CHECK(run() == run());
}

TEST_CASE("learning-rate schedules: constant, step, cosine") {
  using Schedule = cnn::LearningRateSchedule;
  CHECK(Schedule::Constant(0.05f).At(0) == 0.05f);
  CHECK(Schedule::Constant(0.05f).At(1000) == 0.05f);
  Schedule step = Schedule::Step(0.1f, 3, 0.5f);
  CHECK(step.At(0) == doctest::Approx(0.1));
  CHECK(step.At(2) == doctest::Approx(0.1));
  CHECK(step.At(3) == doctest::Approx(0.05));
  CHECK(step.At(7) == doctest::Approx(0.025));
  Schedule cosine = Schedule::Cosine(0.1f, 10, 0.05f);
  CHECK(cosine.At(0) == doctest::Approx(0.1));
  CHECK(cosine.At(3) == doctest::Approx(0.08969463130731184));
  CHECK(cosine.At(5) == doctest::Approx(0.075));
  CHECK(cosine.At(10) == doctest::Approx(0.05));
  CHECK(cosine.At(25) == doctest::Approx(0.05));  // held at the minimum after T
  CHECK_THROWS_AS(Schedule::Step(0.1f, 0, 0.5f), std::invalid_argument);
}
