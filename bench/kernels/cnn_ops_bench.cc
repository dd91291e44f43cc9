// Per-op CNN benchmarks at the reference CNN's shapes (batch 128, 1×28×28 → conv 32 → pool →
// conv 64 → pool → fc 128 → fc 10), on the CPU and (when present) the GPU, plus a whole
// training step of the reference net built with Sequential.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "ctp/kernels/cnn/conv2d.h"
#include "ctp/kernels/cnn/linear.h"
#include "ctp/kernels/cnn/max_pool.h"
#include "ctp/kernels/cnn/random.h"
#include "ctp/kernels/cnn/relu.h"
#include "ctp/kernels/cnn/sequential.h"
#include "ctp/kernels/device.h"

#ifdef CTP_HAVE_CUDA
#include <cuda_runtime.h>
#endif

namespace {

namespace cnn = ctp::kernels::cnn;
using ctp::kernels::Device;
constexpr int kBatch = 128;

cnn::Tensor Random(cnn::Shape shape, Device device, std::uint64_t seed) {
  cnn::Tensor tensor(shape, device);
  cnn::FillUniform(tensor, -1.0f, 1.0f, seed);
  return tensor;
}

void Synchronize(Device device) {
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) cudaDeviceSynchronize();
#endif
}

/// Runs `body` per iteration on state.range(0)'s device; skips without a CUDA device.
bool Prepare(benchmark::State& state, Device& device) {
  device = state.range(0) == 0 ? Device::kCpu : Device::kCuda;
  if (device == Device::kCuda && !ctp::kernels::CudaAvailable()) {
    state.SkipWithError("no CUDA device");
    return false;
  }
  return true;
}

void Loop(benchmark::State& state, Device device, const std::function<void()>& body,
          double flops_per_iteration) {
  body();  // warm-up (cuBLAS handle, allocator pools)
  Synchronize(device);
  for (auto _ : state) {
    body();
    Synchronize(device);
  }
  state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * 1e-9 * state.iterations(),
                                                 benchmark::Counter::kIsRate);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

/// state.range(1): 1 = conv1 (1→32 at 28×28), 2 = conv2 (32→64 at 14×14).
void BM_Conv(benchmark::State& state, bool backward) {
  Device device;
  if (!Prepare(state, device)) return;
  const bool second = state.range(1) == 2;
  const int in_c = second ? 32 : 1, out_c = second ? 64 : 32, size = second ? 14 : 28;
  const cnn::Conv2dGeometry g{3, 1, 1};
  cnn::Tensor x = Random({kBatch, in_c, size, size}, device, 1);
  cnn::Tensor w = Random({out_c, in_c, 3, 3}, device, 2);
  cnn::Tensor y({kBatch, out_c, size, size}, device), dw(w.shape(), device), dx(x.shape(), device);
  const double forward_flops = 2.0 * kBatch * out_c * in_c * 9 * size * size;
  if (backward) {
    Loop(
        state, device, [&] { cnn::Conv2dBackward(g, x, w, y, second ? &dx : nullptr, dw); },
        forward_flops * (second ? 2 : 1));
  } else {
    Loop(
        state, device, [&] { cnn::Conv2dForward(g, x, w, y); }, forward_flops);
  }
}
void BM_ConvForward(benchmark::State& state) { BM_Conv(state, false); }
void BM_ConvBackward(benchmark::State& state) { BM_Conv(state, true); }
BENCHMARK(BM_ConvForward)->ArgsProduct({{0, 1}, {1, 2}})->ArgNames({"cuda", "conv"})->UseRealTime();
BENCHMARK(BM_ConvBackward)
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->ArgNames({"cuda", "conv"})
    ->UseRealTime();

void BM_Fc1ForwardBackward(benchmark::State& state) {
  Device device;
  if (!Prepare(state, device)) return;
  cnn::Tensor x = Random({kBatch, 64, 7, 7}, device, 3), w = Random({128, 3136, 1, 1}, device, 4);
  cnn::Tensor y({kBatch, 128, 1, 1}, device), dx(x.shape(), device), dw(w.shape(), device);
  Loop(
      state, device,
      [&] {
        cnn::LinearForward(x, w, y);
        cnn::LinearBackward(x, w, y, &dx, dw);
      },
      3 * 2.0 * kBatch * 128 * 3136);
}
BENCHMARK(BM_Fc1ForwardBackward)->Arg(0)->Arg(1)->ArgName("cuda")->UseRealTime();

void BM_ReluPoolConv1Output(benchmark::State& state) {
  Device device;
  if (!Prepare(state, device)) return;
  cnn::Tensor x = Random({kBatch, 32, 28, 28}, device, 5), r(x.shape(), device);
  cnn::Tensor p({kBatch, 32, 14, 14}, device), dx(x.shape(), device);
  Loop(
      state, device,
      [&] {
        cnn::ReluForward(x, r);
        cnn::MaxPoolForward({2, 2}, r, p);
        cnn::MaxPoolBackward({2, 2}, r, p, dx);
        cnn::ReluBackward(r, dx, dx);
      },
      0.0);
}
BENCHMARK(BM_ReluPoolConv1Output)->Arg(0)->Arg(1)->ArgName("cuda")->UseRealTime();

void BM_ReferenceNetTrainStep(benchmark::State& state) {
  Device device;
  if (!Prepare(state, device)) return;
  using L = cnn::LayerSpec;
  cnn::Sequential net({1, 1, 28, 28},
                      {L::Conv(32, 3, 1, 1), L::Relu(), L::MaxPool(), L::Conv(64, 3, 1, 1),
                       L::Relu(), L::MaxPool(), L::Linear(128), L::Relu(), L::Linear(10)},
                      device, 0);
  cnn::Tensor x = Random({kBatch, 1, 28, 28}, device, 6);
  std::vector<float> labels(kBatch);
  for (int i = 0; i < kBatch; ++i) labels[i] = float(i % 10);
  cnn::Tensor y = cnn::Tensor::FromHost({kBatch, 1, 1, 1}, labels, device);
  Loop(
      state, device,
      [&] {
        net.ForwardBackward(x, y);
        net.SgdStep({.momentum = 0.9f}, 0.05f);
      },
      3.2e9);
}
BENCHMARK(BM_ReferenceNetTrainStep)->Arg(0)->Arg(1)->ArgName("cuda")->UseRealTime();

/// One whole epoch of the reference CNN (60,000 random 1×28×28 images, batches of 128, the last
/// one 96) on state.range(0)'s device: forward, backward and SGD step per batch, each batch copied
/// out of the epoch's host buffer as the train step's loader hands it over (host → device on the
/// GPU). Reports images/s over the epoch; the CPU thread count is the machine's (run under
/// `taskset -c 0-1` for 2 threads).
void BM_ReferenceNetEpoch(benchmark::State& state) {
  Device device;
  if (!Prepare(state, device)) return;
  using L = cnn::LayerSpec;
  constexpr int kImages = 60000, kPixels = 28 * 28;
  cnn::Sequential net({1, 1, 28, 28},
                      {L::Conv(32, 3, 1, 1), L::Relu(), L::MaxPool(), L::Conv(64, 3, 1, 1),
                       L::Relu(), L::MaxPool(), L::Linear(128), L::Relu(), L::Linear(10)},
                      device, 0);
  cnn::Tensor images = Random({kImages, 1, 28, 28}, Device::kCpu, 7);
  std::vector<float> labels(kImages);
  for (int i = 0; i < kImages; ++i) labels[i] = float(i % 10);
  cnn::Tensor x({kBatch, 1, 28, 28}, device), y({kBatch, 1, 1, 1}, device);
  float loss = net.ForwardBackward(x, y);  // warm-up: cuBLAS handle, allocator pools, first-touch pages
  Synchronize(device);
  for (auto _ : state) {
    for (int first = 0; first < kImages; first += kBatch) {
      const int count = std::min(kBatch, kImages - first);
      if (x.empty() || x.shape().n != count) {
        x = cnn::Tensor({count, 1, 28, 28}, device);
        y = cnn::Tensor({count, 1, 1, 1}, device);
      }
      x.CopyFromHost({images.data() + std::size_t(first) * kPixels, std::size_t(count) * kPixels});
      y.CopyFromHost({labels.data() + first, std::size_t(count)});
      loss = net.ForwardBackward(x, y);
      net.SgdStep({.momentum = 0.9f}, 0.05f);
    }
    Synchronize(device);
  }
  state.counters["last_loss"] = loss;
  state.SetItemsProcessed(state.iterations() * kImages);
}
BENCHMARK(BM_ReferenceNetEpoch)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("cuda")
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
