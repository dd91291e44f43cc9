#include "cnn/optimizer_state.h"

#include <stdexcept>

#include "ctp/step/native_args.h"

namespace ctp::native {
namespace {

using kernels::cnn::Parameter;
using kernels::cnn::Sequential;
using kernels::cnn::Tensor;

bool IsAdam(const std::string& optimizer) { return optimizer == "adam" || optimizer == "adamw"; }

// The stored tensors of the optimiser state: per parameter, the moments `optimizer` keeps.
std::vector<TensorSlot> StateSlots(const ModelInfo& info, const Sequential& network,
                                   const std::string& optimizer) {
  if (optimizer != "sgd" && !IsAdam(optimizer))
    throw std::invalid_argument("optimizer '" + optimizer + "': expected sgd, adam or adamw");
  const std::vector<TensorSlot> parameters = TensorSlots(info, network);
  std::vector<TensorSlot> slots;
  for (std::size_t i = 0; i < network.parameters().size(); ++i) {
    Parameter& p = *network.parameters()[i];
    const TensorSlot& slot = parameters[i];
    if (IsAdam(optimizer)) {
      slots.push_back({slot.name + ".exp_avg", slot.shape, &p.first_moment});
      slots.push_back({slot.name + ".exp_avg_sq", slot.shape, &p.second_moment});
    } else {
      slots.push_back({slot.name + ".momentum_buffer", slot.shape, &p.first_moment});
    }
  }
  return slots;
}

}  // namespace

bool SameOptimizerState(const std::string& stored, const std::string& wanted) {
  return stored == wanted || (IsAdam(stored) && IsAdam(wanted));
}

std::string EncodeOptimizerState(const ModelInfo& info, const Sequential& network,
                                 const std::string& optimizer) {
  SafetensorsFile file;
  for (const TensorSlot& slot : StateSlots(info, network, optimizer))
    file.tensors.push_back({slot.name, slot.shape, slot.tensor->ToHost()});
  file.metadata = {{"format", "pt"},
                   {"producer", "ctp"},
                   {"optimizer", optimizer},
                   {"step", std::to_string(network.counters().optimizer_steps)}};
  return EncodeSafetensors(file);
}

OptimizerState DecodeOptimizerState(const std::string& bytes, const std::string& source) {
  OptimizerState state;
  state.source = source;
  state.file = DecodeSafetensors(bytes, source);
  const auto& metadata = state.file.metadata;
  const auto optimizer = metadata.find("optimizer");
  if (optimizer == metadata.end() || (optimizer->second != "sgd" && !IsAdam(optimizer->second)))
    throw std::runtime_error(source + ": metadata 'optimizer' must be sgd, adam or adamw");
  state.optimizer = optimizer->second;
  const auto step = metadata.find("step");
  const std::optional<long long> count =
      step == metadata.end() ? std::nullopt : ParseIntText(step->second);
  if (!count || *count < 0)
    throw std::runtime_error(source + ": metadata 'step' must be a count of updates (>= 0)");
  state.step = *count;
  return state;
}

void ApplyOptimizerState(const OptimizerState& state, const ModelInfo& info,
                         const std::string& optimizer, Sequential& network) {
  if (!SameOptimizerState(state.optimizer, optimizer))
    throw std::runtime_error(state.source + ": holds " + state.optimizer + " state, not " +
                             optimizer + " state");
  const auto by_name = TensorsByName(state.file);
  for (const TensorSlot& slot : StateSlots(info, network, optimizer))
    LoadStoredTensor(by_name, slot, state.source, "its parameter");
  kernels::cnn::TrainingCounters counters = network.counters();
  counters.optimizer_steps = state.step;
  network.RestoreCounters(counters);
}

}  // namespace ctp::native
