// MeasureNetwork: layer sizes, parameters and activation bytes per item checked in 64-bit before a
// Sequential allocates anything; the limits fit a ResNet-18-shaped network at 224x224.
#include <doctest/doctest.h>

#include "ctp/kernels/cnn/network_size.h"
#include "ctp/kernels/cnn/sequential.h"

namespace cnn = ctp::kernels::cnn;
using cnn::LayerSpec;

namespace {

/// ResNet-18's shape as a Sequential can hold it: a 7x7/2 stem, then per stage a strided conv
/// (64, 128, 256, 512 channels) and two residual blocks, global average pooling, 1000 classes.
std::vector<LayerSpec> ResNet18Like() {
  std::vector<LayerSpec> layers = {LayerSpec::Conv(64, 7, 2, 3), LayerSpec::BatchNorm(),
                                   LayerSpec::Relu(), LayerSpec::MaxPool(2, 2)};
  for (int channels : {64, 128, 256, 512}) {
    if (channels > 64)
      layers.insert(layers.end(), {LayerSpec::Conv(channels, 3, 2, 1), LayerSpec::BatchNorm(),
                                   LayerSpec::Relu()});
    layers.insert(layers.end(), {LayerSpec::ResidualBlock(), LayerSpec::ResidualBlock()});
  }
  layers.insert(layers.end(), {LayerSpec::GlobalAvgPool(), LayerSpec::Linear(1000)});
  return layers;
}

std::string Error(cnn::Shape item, const std::vector<LayerSpec>& layers) {
  try {
    cnn::MeasureNetwork(item, layers);
  } catch (const cnn::NetworkError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("network size: a ResNet-18-shaped network at 224x224 is well inside the limits") {
  const cnn::NetworkSize size = cnn::MeasureNetwork({1, 3, 224, 224}, ResNet18Like());
  CHECK(size.parameters == 14618856);  // counted by hand, layer by layer
  CHECK(size.activation_bytes_per_item == 34226080);
  CHECK(size.output == cnn::Shape{1, 1000, 1, 1});
  CHECK(size.parameters * 16 < cnn::kMaxParameters);
  CHECK(size.activation_bytes_per_item * 32 < cnn::kMaxActivationBytesPerItem);
  // The count is the network's own.
  CHECK(cnn::Sequential(
            {1, 3, 32, 32},
            {LayerSpec::Conv(8, 3, 1, 1), LayerSpec::BatchNorm(), LayerSpec::ResidualBlock(),
             LayerSpec::GlobalAvgPool(), LayerSpec::Linear(5)},
            ctp::kernels::Device::kCpu, 0)
            .ParameterCount() ==
        static_cast<std::size_t>(
            cnn::MeasureNetwork({1, 3, 32, 32}, {LayerSpec::Conv(8, 3, 1, 1),
                                                 LayerSpec::BatchNorm(), LayerSpec::ResidualBlock(),
                                                 LayerSpec::GlobalAvgPool(), LayerSpec::Linear(5)})
                .parameters));
}

TEST_CASE("network size: out-of-range layers, shapes that do not fit and sizes past the limits") {
  CHECK(Error({1, 3, 32, 32}, {}) == "no layers");
  CHECK(Error({1, 3, 32, 32}, {LayerSpec::Conv(100000000, 3)}) ==
        "layer 0 (conv): out_channels 100000000 is outside 1..65536");
  CHECK(Error({1, 3, 32, 32}, {LayerSpec::Relu(), LayerSpec::MaxPool(2, 0)}) ==
        "layer 1 (maxpool): stride 0 is outside 1..256");
  CHECK(Error({1, 3, 32, 32}, {LayerSpec::Dropout(1.0f)}) ==
        "layer 0 (dropout): drop probability 1 is outside [0, 1)");
  CHECK(Error({1, 3, 4, 4}, {LayerSpec::Conv(8, 7, 1, 1)}) ==
        "layer 0 (conv): kernel 7 is larger than the padded input 6x6");
  CHECK(Error({1, 3, 4, 4}, {LayerSpec::MaxPool(2, 2), LayerSpec::MaxPool(3, 1)}) ==
        "layer 1 (maxpool): kernel 3 is larger than the input 2x2");
  CHECK(Error({1, 0, 4, 4}, {LayerSpec::Relu()}) == "input 0x4x4 must have positive sizes");
  // 16x4096x4096 inputs (1 GiB as float32) into 65,536 features: 2^44 weights.
  CHECK(Error({1, 16, 4096, 4096}, {LayerSpec::Linear(65536)}) ==
        "layer 0 (linear): the parameters reach 17592186109952 here, above the limit of "
        "268435456");
  CHECK(Error({1, 3, 8192, 8192}, {LayerSpec::Conv(64, 3, 1, 1)}) ==
        "layer 0 (conv): the activation bytes per input item reach 17985175552 here, above the "
        "limit of 2147483648");
  CHECK(Error({1, 64, 8192, 8192}, {LayerSpec::Relu()}) ==
        "input 64x8192x8192: the activation bytes per input item reach 17179869184 here, above "
        "the limit of 2147483648");
  // Products past 64 bits saturate instead of wrapping round to something small.
  CHECK(Error({1, 1 << 30, 1 << 30, 1 << 30}, {LayerSpec::Relu()}) ==
        "input 1073741824x1073741824x1073741824: the activation bytes per input item reach "
        "9223372036854775807 here, above the limit of 2147483648");
  // Sequential checks before it allocates: no std::bad_alloc, no OOM killer.
  CHECK_THROWS_AS(cnn::Sequential({1, 16, 4096, 4096}, {LayerSpec::Linear(65536)},
                                  ctp::kernels::Device::kCpu, 0),
                  cnn::NetworkError);
}
