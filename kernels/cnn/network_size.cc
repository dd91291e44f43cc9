#include "ctp/kernels/cnn/network_size.h"

#include <cstdio>
#include <limits>

namespace ctp::kernels::cnn {
namespace {

using Kind = LayerSpec::Kind;

// a * b, or the largest int64 when that overflows (which is then above every limit).
std::int64_t Times(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<std::int64_t>::max()
                                                : product;
}

// a + b, or the largest int64 when that overflows.
std::int64_t Plus(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::int64_t>::max() : sum;
}

std::int64_t Elements(std::int64_t c, std::int64_t h, std::int64_t w) {
  return Times(Times(c, h), w);
}

// One item's shape in 64-bit (the layers' sizes are checked before they are narrowed to int).
struct Size {
  std::int64_t c, h, w;
  std::int64_t Count() const { return Elements(c, h, w); }
};

std::string Text(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
  return text;
}

std::string Text(const Size& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

// Adds `count` to `total`; `fail` says so when that passes `limit` (`what`: "parameters", ...).
template <class Fail>
void Add(std::int64_t count, std::int64_t limit, const char* what, std::int64_t& total,
         const Fail& fail) {
  total = Plus(total, count);
  if (total > limit)
    fail(std::string("the ") + what + " reach " + std::to_string(total) +
         " here, above the limit of " + std::to_string(limit));
}

// Checks one layer's own fields; `fail` throws the layer's NetworkError.
template <class Fail>
void CheckFields(const LayerSpec& spec, const Fail& fail) {
  auto within = [&](const char* name, int value, int least, int most) {
    if (value < least || value > most)
      fail(std::string(name) + " " + std::to_string(value) + " is outside " +
           std::to_string(least) + ".." + std::to_string(most));
  };
  switch (spec.kind) {
    case Kind::kConv:
      within("out_channels", spec.outputs, 1, kMaxLayerOutputs);
      within("padding", spec.padding, 0, kMaxLayerWindow);
      [[fallthrough]];
    case Kind::kMaxPool:
      within("kernel", spec.kernel, 1, kMaxLayerWindow);
      within("stride", spec.stride, 1, kMaxLayerWindow);
      break;
    case Kind::kLinear:
      within("out_features", spec.outputs, 1, kMaxLayerOutputs);
      break;
    case Kind::kDropout:
      if (!(spec.drop_probability >= 0.0f && spec.drop_probability < 1.0f))
        fail("drop probability " + Text(spec.drop_probability) + " is outside [0, 1)");
      break;
    default:
      break;
  }
}

// The output of a window of `kernel` moved by `stride` over `padded` positions.
std::int64_t WindowOutput(std::int64_t padded, int kernel, int stride) {
  return (padded - kernel) / stride + 1;
}

}  // namespace

NetworkError::NetworkError(int layer, const std::string& kind, const std::string& reason)
    : std::invalid_argument(
          layer < 0 ? reason : "layer " + std::to_string(layer) + " (" + kind + "): " + reason),
      layer_(layer),
      reason_(reason) {}

const char* LayerKindName(Kind kind) {
  switch (kind) {
    case Kind::kConv:
      return "conv";
    case Kind::kBatchNorm:
      return "batchnorm";
    case Kind::kRelu:
      return "relu";
    case Kind::kMaxPool:
      return "maxpool";
    case Kind::kGlobalAvgPool:
      return "gap";
    case Kind::kLinear:
      return "linear";
    case Kind::kDropout:
      return "dropout";
    case Kind::kResidualBlock:
      return "residual";
  }
  return "?";
}

NetworkSize MeasureNetwork(Shape item, const std::vector<LayerSpec>& layers) {
  if (layers.empty()) throw NetworkError(-1, "", "no layers");
  if (item.c < 1 || item.h < 1 || item.w < 1)
    throw NetworkError(-1, "",
                       "input " + Text({item.c, item.h, item.w}) + " must have positive sizes");
  NetworkSize size;
  Size in{item.c, item.h, item.w};
  Add(Times(in.Count(), 4), kMaxActivationBytesPerItem, "activation bytes per input item",
      size.activation_bytes_per_item, [&](const std::string& reason) {
        throw NetworkError(-1, "", "input " + Text(in) + ": " + reason);
      });
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& spec = layers[i];
    auto fail = [&](const std::string& reason) {
      throw NetworkError(static_cast<int>(i), LayerKindName(spec.kind), reason);
    };
    auto parameters = [&](std::int64_t count) {
      Add(count, kMaxParameters, "parameters", size.parameters, fail);
    };
    CheckFields(spec, fail);
    Size out = in;
    std::int64_t stored = 1;  // tensors of the output's size the layer keeps
    switch (spec.kind) {
      case Kind::kConv: {
        const std::int64_t h = in.h + 2 * spec.padding, w = in.w + 2 * spec.padding;
        if (h < spec.kernel || w < spec.kernel)
          fail("kernel " + std::to_string(spec.kernel) + " is larger than the padded input " +
               std::to_string(h) + "x" + std::to_string(w));
        out = {spec.outputs, WindowOutput(h, spec.kernel, spec.stride),
               WindowOutput(w, spec.kernel, spec.stride)};
        parameters(Plus(Times(Times(spec.outputs, in.c), spec.kernel * spec.kernel), spec.outputs));
        break;
      }
      case Kind::kMaxPool:
        if (in.h < spec.kernel || in.w < spec.kernel)
          fail("kernel " + std::to_string(spec.kernel) + " is larger than the input " +
               std::to_string(in.h) + "x" + std::to_string(in.w));
        out = {in.c, WindowOutput(in.h, spec.kernel, spec.stride),
               WindowOutput(in.w, spec.kernel, spec.stride)};
        break;
      case Kind::kGlobalAvgPool:
        out = {in.c, 1, 1};
        break;
      case Kind::kLinear:
        out = {spec.outputs, 1, 1};
        parameters(Plus(Times(spec.outputs, in.Count()), spec.outputs));
        break;
      case Kind::kBatchNorm:
        parameters(Times(2, in.c));
        break;
      case Kind::kResidualBlock:  // conv, BN, ReLU, conv, BN, the sum and the ReLU after it
        parameters(Times(2, Plus(Times(Times(in.c, in.c), 9), Times(3, in.c))));
        stored = 7;
        break;
      default:  // ReLU, dropout: the input's shape
        break;
    }
    Add(Times(Times(out.Count(), stored), 4), kMaxActivationBytesPerItem,
        "activation bytes per input item", size.activation_bytes_per_item, fail);
    in = out;
  }
  size.output = {1, static_cast<int>(in.c), static_cast<int>(in.h), static_cast<int>(in.w)};
  return size;
}

}  // namespace ctp::kernels::cnn
