#include "formats/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "ctp/model/json_field.h"

namespace ctp::native {
namespace {

static_assert(sizeof(float) == 4, "float32 expected");

std::size_t ElementCount(const std::vector<std::int64_t>& shape) {
  std::size_t count = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw std::invalid_argument("safetensors: negative dimension");
    count *= std::size_t(d);
  }
  return count;
}

void AppendLittleEndian64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(char((value >> (8 * i)) & 0xff));
}

}  // namespace

std::string EncodeSafetensors(const SafetensorsFile& file) {
  nlohmann::json header = nlohmann::json::object();
  std::set<std::string> names;
  std::uint64_t offset = 0;
  for (const NamedTensor& t : file.tensors) {
    if (ElementCount(t.shape) != t.values.size())
      throw std::invalid_argument("safetensors: tensor '" + t.name + "' has " +
                                  std::to_string(t.values.size()) + " values for its shape");
    if (t.name == "__metadata__" || !names.insert(t.name).second)
      throw std::invalid_argument("safetensors: duplicate or reserved tensor name '" + t.name +
                                  "'");
    const std::uint64_t bytes = t.values.size() * sizeof(float);
    header[t.name] = {
        {"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out;
  out.reserve(8 + text.size() + offset);
  AppendLittleEndian64(out, text.size());
  out += text;
  for (const NamedTensor& t : file.tensors) {
    // The host is little-endian (x86-64, aarch64), which is the format's byte order.
    out.append(reinterpret_cast<const char*>(t.values.data()), t.values.size() * sizeof(float));
  }
  return out;
}

namespace {

// "[begin, end]"
std::string OffsetsText(const std::vector<std::uint64_t>& offsets) {
  return "[" + std::to_string(offsets[0]) + ", " + std::to_string(offsets[1]) + "]";
}

// "[2, 3]"
std::string ShapeText(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

}  // namespace

SafetensorsFile DecodeSafetensors(std::string_view bytes, const std::string& source) {
  auto fail = [&](const std::string& what) {
    throw std::runtime_error(source + ": safetensors: " + what);
  };
  if (bytes.size() < 8) fail("file shorter than its 8-byte header length");
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | std::uint8_t(bytes[i]);
  if (header_size > kMaxSafetensorsHeaderBytes)
    fail("header length " + std::to_string(header_size) + " is above the limit of " +
         std::to_string(kMaxSafetensorsHeaderBytes) + " bytes");
  if (header_size > bytes.size() - 8)
    fail("header length " + std::to_string(header_size) + " runs past the end of the file");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(8, header_size));
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("header is not JSON: ") + e.what());
  }
  if (!header.is_object()) fail("header is not a JSON object");
  const std::string_view data = bytes.substr(8 + header_size);
  const JsonField root(header, source);
  struct Placed {
    std::vector<std::uint64_t> offsets;
    NamedTensor tensor;
  };
  std::vector<Placed> placed;
  SafetensorsFile file;
  for (const auto& [name, entry] : root.Members()) {
    if (name == "__metadata__") {
      for (const auto& [key, value] : entry.Members())
        file.metadata[key] =
            value.Raw().is_string() ? value.Get<std::string>() : value.Raw().dump();
      continue;
    }
    const std::string dtype = entry["dtype"].Get<std::string>();
    if (dtype != "F32")
      fail("tensor '" + name + "' has dtype " + entry["dtype"].Shown() + "; only F32 is supported");
    NamedTensor tensor{name, {}, {}};
    std::uint64_t count = 1;
    bool overflow = false;
    for (const JsonField& dimension : entry["shape"].Elements()) {
      tensor.shape.push_back(
          dimension.Get<std::int64_t>(0, std::numeric_limits<std::int64_t>::max()));
      overflow =
          overflow || __builtin_mul_overflow(count, std::uint64_t(tensor.shape.back()), &count);
    }
    if (overflow || count > std::numeric_limits<std::uint64_t>::max() / sizeof(float))
      fail("tensor '" + name + "' has shape " + ShapeText(tensor.shape) +
           ", more values than any file holds");
    const JsonField offsets_field = entry["data_offsets"];
    std::vector<std::uint64_t> offsets = offsets_field.Get<std::vector<std::uint64_t>>();
    if (offsets.size() != 2)
      offsets_field.Fail("must be [begin, end], got " + std::to_string(offsets.size()) +
                         " numbers");
    if (offsets[0] > offsets[1])
      fail("tensor '" + name + "' has data_offsets " + OffsetsText(offsets) +
           " that end before they begin");
    if (offsets[1] > data.size())
      fail("tensor '" + name + "' has data_offsets " + OffsetsText(offsets) + " beyond the " +
           std::to_string(data.size()) + " bytes of data");
    if (offsets[1] - offsets[0] != count * sizeof(float))
      fail("tensor '" + name + "' has " + std::to_string(offsets[1] - offsets[0]) +
           " bytes (data_offsets " + OffsetsText(offsets) + ") for shape " +
           ShapeText(tensor.shape) + " of F32, which needs " +
           std::to_string(count * sizeof(float)));
    placed.push_back({std::move(offsets), std::move(tensor)});
  }
  // The tensors must cover the data exactly, in some order: no gap, no overlap, nothing after.
  std::sort(placed.begin(), placed.end(),
            [](const Placed& a, const Placed& b) { return a.offsets < b.offsets; });
  std::uint64_t covered = 0;
  const Placed* previous = nullptr;
  for (const Placed& p : placed) {
    if (p.offsets[0] > covered)
      fail("bytes " + std::to_string(covered) + " to " + std::to_string(p.offsets[0]) +
           " of the data belong to no tensor (a gap before tensor '" + p.tensor.name + "')");
    if (p.offsets[0] < covered)
      fail("tensor '" + p.tensor.name + "' (data_offsets " + OffsetsText(p.offsets) +
           ") overlaps tensor '" + previous->tensor.name + "' (data_offsets " +
           OffsetsText(previous->offsets) + ")");
    covered = p.offsets[1];
    previous = &p;
  }
  if (covered != data.size())
    fail("bytes " + std::to_string(covered) + " to " + std::to_string(data.size()) +
         " of the data belong to no tensor (after the last one)");
  for (Placed& p : placed) {
    p.tensor.values.resize((p.offsets[1] - p.offsets[0]) / sizeof(float));
    if (!p.tensor.values.empty())
      std::memcpy(p.tensor.values.data(), data.data() + p.offsets[0],
                  p.tensor.values.size() * sizeof(float));
    file.tensors.push_back(std::move(p.tensor));
  }
  return file;
}

}  // namespace ctp::native
