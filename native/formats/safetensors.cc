#include "formats/safetensors.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

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

SafetensorsFile DecodeSafetensors(std::string_view bytes, const std::string& source) {
  auto fail = [&](const std::string& what) {
    throw std::runtime_error(source + ": safetensors: " + what);
  };
  if (bytes.size() < 8) fail("file shorter than its 8-byte header length");
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | std::uint8_t(bytes[i]);
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
  SafetensorsFile file;
  std::vector<std::pair<std::uint64_t, std::size_t>> order;  // (begin, index) to sort by offset
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      for (const auto& [key, value] : entry.items())
        file.metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
      continue;
    }
    try {
      if (entry.at("dtype") != "F32")
        fail("tensor '" + name + "' has dtype " + entry.at("dtype").dump() +
             "; only F32 is supported");
      NamedTensor tensor{name, entry.at("shape").get<std::vector<std::int64_t>>(), {}};
      auto offsets = entry.at("data_offsets").get<std::vector<std::uint64_t>>();
      const std::size_t count = ElementCount(tensor.shape);
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data.size() ||
          offsets[1] - offsets[0] != count * sizeof(float))
        fail("tensor '" + name + "' has data_offsets outside the data or not matching its shape");
      tensor.values.resize(count);
      if (count) std::memcpy(tensor.values.data(), data.data() + offsets[0], count * sizeof(float));
      order.emplace_back(offsets[0], file.tensors.size());
      file.tensors.push_back(std::move(tensor));
    } catch (const nlohmann::json::exception& e) {
      fail("tensor '" + name + "': " + e.what());
    }
  }
  std::sort(order.begin(), order.end());
  std::vector<NamedTensor> sorted;
  for (const auto& [begin, index] : order) sorted.push_back(std::move(file.tensors[index]));
  file.tensors = std::move(sorted);
  return file;
}

}  // namespace ctp::native
