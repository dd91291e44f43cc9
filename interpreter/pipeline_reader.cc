// Reads the tables the DSL built (already validated field by field in Lua) into the model.
#include "pipeline_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ctp/model/diagnostic.h"
#include "lua_json.h"

namespace ctp::interpreter {
namespace {

// Pushes t[name] (raw) and says whether it is non-nil; the caller pops.
bool Push(lua_State* L, int index, const char* name) {
  index = lua_absindex(L, index);
  lua_pushstring(L, name);
  return lua_rawget(L, index) != LUA_TNIL;
}

class Reader {
 public:
  explicit Reader(lua_State* L) : L_(L) {}

  Pipeline ReadPipeline(int index) {
    index = lua_absindex(L_, index);
    if (!IsKind(index, "pipeline"))
      throw Error(SourceLocation{}, "the script must return ctp.pipeline { ... }");
    Pipeline p;
    p.name = Str(index, "name");
    p.description = Str(index, "description");
    p.location = Location(index);
    p.service_account = Str(index, "service_account");
    p.image = Str(index, "image");
    p.ctp_image = Str(index, "ctp_image");
    p.vault_path = Str(index, "vault_path");
    p.labels = StringMap(index, "labels");
    p.annotations = StringMap(index, "annotations");
    if (Has(index, "timeout")) p.timeout_seconds = Int(index, "timeout");
    p.parallelism = static_cast<int>(Int(index, "parallelism"));
    if (Push(L_, index, "retry")) p.retry = ReadRetry(lua_gettop(L_));
    lua_pop(L_, 1);
    ForEachKey(index, "params", [&](const std::string& name, int spec) {
      p.params.push_back(ReadParam(name, spec));
    });
    volumes_.clear();
    if (Push(L_, index, "volumes")) ForEachItem(lua_gettop(L_), [&](int v) { AddVolume(v); });
    lua_pop(L_, 1);
    if (Push(L_, index, "steps"))
      ForEachItem(lua_gettop(L_), [&](int s) { p.steps.push_back(ReadStep(s)); });
    lua_pop(L_, 1);
    if (Push(L_, index, "on_exit")) p.on_exit = ReadStep(lua_gettop(L_));
    lua_pop(L_, 1);
    if (Push(L_, index, "schedule")) p.schedule = ReadSchedule(lua_gettop(L_), p.location);
    lua_pop(L_, 1);
    ForEachKey(index, "outputs", [&](const std::string& name, int value) {
      p.outputs[name] = ReadTemplate(value);
    });
    for (auto& [name, volume] : volumes_) p.volumes.push_back(volume);
    return p;
  }

 private:
  // Field access --------------------------------------------------------------------------------
  bool Has(int index, const char* name) {
    bool has = Push(L_, index, name);
    lua_pop(L_, 1);
    return has;
  }
  bool IsKind(int index, const char* kind) {
    return lua_type(L_, index) == LUA_TTABLE && Str(index, "ctp_kind") == kind;
  }
  std::string Str(int index, const char* name, std::string fallback = {}) {
    Push(L_, index, name);
    std::string value = lua_type(L_, -1) == LUA_TSTRING ? lua_tostring(L_, -1) : fallback;
    lua_pop(L_, 1);
    return value;
  }
  int64_t Int(int index, const char* name, int64_t fallback = 0) {
    Push(L_, index, name);
    int is_int = 0;
    lua_Integer value = lua_tointegerx(L_, -1, &is_int);
    lua_pop(L_, 1);
    return is_int ? value : fallback;
  }
  double Num(int index, const char* name, double fallback) {
    Push(L_, index, name);
    int is_num = 0;
    lua_Number value = lua_tonumberx(L_, -1, &is_num);
    lua_pop(L_, 1);
    return is_num ? value : fallback;
  }
  bool Bool(int index, const char* name) {
    Push(L_, index, name);
    bool value = lua_toboolean(L_, -1);
    lua_pop(L_, 1);
    return value;
  }
  SourceLocation Location(int index) {
    SourceLocation location;
    if (Push(L_, index, "location")) {
      int at = lua_gettop(L_);
      location.file = Str(at, "file");
      location.line = static_cast<int>(Int(at, "line"));
    }
    lua_pop(L_, 1);
    return location;
  }
  // Calls f(absolute index) for each item of the list t[name] or of the list at `index`.
  template <class F>
  void ForEachItem(int index, F f) {
    lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L_, index));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L_, index, i);
      f(lua_gettop(L_));
      lua_pop(L_, 1);
    }
  }
  // Calls f(key, absolute index of value) for each string key of t[name], sorted by key.
  template <class F>
  void ForEachKey(int index, const char* name, F f) {
    if (!Push(L_, index, name)) {
      lua_pop(L_, 1);
      return;
    }
    int table = lua_gettop(L_);
    std::vector<std::string> keys;
    lua_pushnil(L_);
    while (lua_next(L_, table)) {
      lua_pop(L_, 1);
      if (lua_type(L_, -1) == LUA_TSTRING) keys.emplace_back(lua_tostring(L_, -1));
    }
    std::sort(keys.begin(), keys.end());
    for (const std::string& key : keys) {
      lua_pushstring(L_, key.c_str());
      lua_rawget(L_, table);
      f(key, lua_gettop(L_));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
  }
  std::map<std::string, std::string> StringMap(int index, const char* name) {
    std::map<std::string, std::string> out;
    ForEachKey(index, name, [&](const std::string& key, int value) {
      out[key] = lua_type(L_, value) == LUA_TSTRING ? lua_tostring(L_, value) : "";
    });
    return out;
  }
  std::vector<std::string> StringList(int index, const char* name) {
    std::vector<std::string> out;
    if (Push(L_, index, name))
      ForEachItem(lua_gettop(L_), [&](int item) {
        if (lua_type(L_, item) == LUA_TSTRING) out.emplace_back(lua_tostring(L_, item));
      });
    lua_pop(L_, 1);
    return out;
  }

  // Values ------------------------------------------------------------------------------------
  nlohmann::json Json(int index) { return LuaToJson(L_, index); }

  std::string CanonicalValue(ParamType type, int index) {
    switch (type) {
      case ParamType::kString: return lua_tostring(L_, index);
      case ParamType::kInt: return std::to_string(lua_tointeger(L_, index));
      case ParamType::kFloat: return CanonicalFloat(lua_tonumber(L_, index));
      case ParamType::kBool: return lua_toboolean(L_, index) ? "true" : "false";
      case ParamType::kList: return Json(index).dump();
    }
    return {};
  }

  Param ReadParam(const std::string& name, int spec) {
    static const std::map<std::string, ParamType> types = {{"string", ParamType::kString},
                                                           {"int", ParamType::kInt},
                                                           {"float", ParamType::kFloat},
                                                           {"bool", ParamType::kBool},
                                                           {"list", ParamType::kList}};
    Param param;
    param.name = name;
    param.type = types.at(Str(spec, "type"));
    param.doc = Str(spec, "doc");
    param.location = Location(spec);
    if (Push(L_, spec, "default")) param.default_value = CanonicalValue(param.type, lua_gettop(L_));
    lua_pop(L_, 1);
    return param;
  }

  Ref ReadRef(int index) {
    static const std::map<std::string, Ref::Kind> kinds = {
        {"param", Ref::Kind::kParam},
        {"step_output", Ref::Kind::kStepOutput},
        {"loop_item", Ref::Kind::kLoopItem},
        {"workflow_status", Ref::Kind::kWorkflowStatus},
        {"workflow_name", Ref::Kind::kWorkflowName},
        {"output_path", Ref::Kind::kOutputPath}};
    Ref ref;
    ref.kind = kinds.at(Str(index, "kind"));
    ref.step = Str(index, "step");
    ref.name = Str(index, "name");
    return ref;
  }

  Template ReadTemplate(int index) {
    Template t;
    if (!Push(L_, index, "parts")) {
      lua_pop(L_, 1);
      return t;
    }
    ForEachItem(lua_gettop(L_), [&](int part) {
      if (lua_type(L_, part) == LUA_TSTRING) {
        std::string text = lua_tostring(L_, part);
        if (!t.parts.empty() && !t.parts.back().ref) t.parts.back().text += text;
        else t.parts.push_back({text, std::nullopt});
      } else {
        t.parts.push_back({{}, ReadRef(part)});
      }
    });
    lua_pop(L_, 1);
    return t;
  }

  Condition ReadCondition(int index) {
    static const std::map<std::string, Condition::Op> ops = {
        {"eq", Condition::Op::kEq}, {"ne", Condition::Op::kNe},   {"lt", Condition::Op::kLt},
        {"le", Condition::Op::kLe}, {"gt", Condition::Op::kGt},   {"ge", Condition::Op::kGe},
        {"in", Condition::Op::kIn}, {"and", Condition::Op::kAnd}, {"or", Condition::Op::kOr},
        {"not", Condition::Op::kNot}};
    Condition c;
    c.op = ops.at(Str(index, "op"));
    if (Str(index, "compare") == "number") c.compare = Condition::Compare::kNumber;
    if (Push(L_, index, "lhs")) c.lhs = ReadTemplate(lua_gettop(L_));
    lua_pop(L_, 1);
    if (Push(L_, index, "rhs")) c.rhs = ReadTemplate(lua_gettop(L_));
    lua_pop(L_, 1);
    if (Push(L_, index, "list")) c.rhs = Template::Of(Json(lua_gettop(L_)).dump());
    lua_pop(L_, 1);
    if (Push(L_, index, "operands"))
      ForEachItem(lua_gettop(L_), [&](int operand) { c.operands.push_back(ReadCondition(operand)); });
    lua_pop(L_, 1);
    return c;
  }

  // The DSL gives backoff and max_backoff in milliseconds (check.duration_ms).
  Retry ReadRetry(int index) {
    Retry retry;
    retry.limit = static_cast<int>(Int(index, "limit"));
    if (Has(index, "policy")) retry.policy = Str(index, "policy");
    retry.backoff = std::chrono::milliseconds(Int(index, "backoff"));
    retry.backoff_factor = Num(index, "factor", 2.0);
    retry.backoff_max = std::chrono::milliseconds(Int(index, "max_backoff"));
    retry.max_duration = std::chrono::milliseconds(Int(index, "max_duration"));
    return retry;
  }

  Schedule ReadSchedule(int index, const SourceLocation& location) {
    Schedule s;
    s.cron = StringList(index, "cron");
    s.timezone = Str(index, "timezone");
    if (Has(index, "concurrency")) s.concurrency_policy = Str(index, "concurrency");
    s.successful_history = static_cast<int>(Int(index, "keep_succeeded", 3));
    s.failed_history = static_cast<int>(Int(index, "keep_failed", 1));
    if (Has(index, "starting_deadline")) s.starting_deadline_seconds = Int(index, "starting_deadline");
    s.suspend = Bool(index, "suspend");
    s.location = location;
    return s;
  }

  void AddVolume(int index) {
    Volume v;
    static const std::map<std::string, Volume::Kind> kinds = {
        {"existing_claim", Volume::Kind::kExistingClaim},
        {"new_claim", Volume::Kind::kNewClaim},
        {"secret", Volume::Kind::kSecret},
        {"empty_dir", Volume::Kind::kEmptyDir}};
    v.name = Str(index, "name");
    v.kind = kinds.at(Str(index, "kind"));
    v.claim = Str(index, "claim");
    v.size = Str(index, "size");
    v.access_modes = StringList(index, "access_modes");
    v.storage_class = Str(index, "storage_class");
    v.secret = Str(index, "secret");
    v.location = Location(index);
    auto [found, inserted] = volumes_.emplace(v.name, v);
    const Volume& first = found->second;
    if (!inserted && (first.kind != v.kind || first.claim != v.claim || first.size != v.size ||
                      first.secret != v.secret || first.access_modes != v.access_modes ||
                      first.storage_class != v.storage_class))
      throw Error(v.location, fmt::format("volume '{}' is declared twice, differently (first at {}:{})",
                                          v.name, first.location.file, first.location.line),
                  v.name);
  }

  void ReadEnv(int index, Step& step) {
    ForEachKey(index, "env", [&](const std::string& name, int value) {
      EnvVar var;
      var.name = name;
      var.location = step.location;
      if (IsKind(value, "secret")) var.secret = SecretKeyRef{Str(value, "secret"), Str(value, "key")};
      else if (IsKind(value, "vault")) var.vault = VaultRef{Str(value, "path"), Str(value, "key")};
      else var.value = ReadTemplate(value);
      step.env.push_back(std::move(var));
    });
  }

  // A step table is a proxy (ctp.lua's step_proxy): its fields live in its metatable's __index.
  Step ReadStep(int index) {
    index = lua_absindex(L_, index);
    int fields = index;
    if (lua_getmetatable(L_, index)) {
      lua_getfield(L_, -1, "__index");
      lua_remove(L_, -2);
      if (lua_type(L_, -1) == LUA_TTABLE) fields = lua_gettop(L_);
    } else {
      lua_pushnil(L_);
    }
    Step step = ReadStepFields(fields);
    lua_pop(L_, 1);
    return step;
  }

  Step ReadStepFields(int index) {
    static const std::map<std::string, Step::Kind> kinds = {{"container", Step::Kind::kContainer},
                                                            {"lua", Step::Kind::kLua},
                                                            {"native", Step::Kind::kNative},
                                                            {"pipeline", Step::Kind::kPipeline}};
    Step s;
    s.name = Str(index, "name");
    s.kind = kinds.at(Str(index, "kind"));
    s.description = Str(index, "description");
    s.location = Location(index);
    s.image = Str(index, "image");
    s.working_dir = Str(index, "working_dir");
    s.image_pull_policy = Str(index, "image_pull_policy");
    s.lua_source = Str(index, "lua_source");
    s.native = Str(index, "native");
    s.native_version = Str(index, "native_version");
    if (Push(L_, index, "source")) s.source = ReadTemplate(lua_gettop(L_));
    lua_pop(L_, 1);
    for (const char* field : {"command", "args"}) {
      std::vector<Template>& target = std::string(field) == "command" ? s.command : s.args;
      if (Push(L_, index, field))
        ForEachItem(lua_gettop(L_), [&](int item) { target.push_back(ReadTemplate(item)); });
      lua_pop(L_, 1);
    }
    s.component = Str(index, "component");
    for (const char* field : {"command_inputs", "args_inputs"}) {
      const bool in_args = std::string(field) == "args_inputs";
      if (Push(L_, index, field))
        ForEachItem(lua_gettop(L_), [&](int item) {
          s.component_arguments.push_back(
              {in_args, static_cast<std::size_t>(Int(item, "index") - 1), Str(item, "input")});
        });
      lua_pop(L_, 1);
    }
    ForEachKey(index, "inputs", [&](const std::string& name, int value) {
      s.inputs.push_back({name, ReadTemplate(value), s.location});
    });
    ForEachKey(index, "output_specs", [&](const std::string& name, int spec) {
      static const std::map<std::string, ValueKind> value_kinds = {
          {"parameter", ValueKind::kParameter},
          {"artifact", ValueKind::kArtifact},
          {"metrics", ValueKind::kMetrics}};
      const bool read_at = Has(spec, "location");
      s.outputs.push_back({name, value_kinds.at(Str(spec, "kind")), Str(spec, "path"),
                           Str(spec, "doc"), read_at ? Location(spec) : s.location,
                           Bool(spec, "from_stdout")});
    });
    ReadEnv(index, s);
    if (Push(L_, index, "mounts"))
      ForEachItem(lua_gettop(L_), [&](int mount) {
        Push(L_, mount, "volume");
        AddVolume(lua_gettop(L_));
        lua_pop(L_, 1);
        s.mounts.push_back({VolumeName(mount), Str(mount, "path"), Bool(mount, "read_only"),
                            Str(mount, "sub_path")});
      });
    lua_pop(L_, 1);
    s.after = StringList(index, "after");
    if (Push(L_, index, "when")) s.when = ReadCondition(lua_gettop(L_));
    lua_pop(L_, 1);
    if (Push(L_, index, "for_each")) s.loop = ReadLoop(lua_gettop(L_));
    lua_pop(L_, 1);
    if (Push(L_, index, "retry")) s.retry = ReadRetry(lua_gettop(L_));
    lua_pop(L_, 1);
    if (Has(index, "timeout")) s.timeout_seconds = Int(index, "timeout");
    s.cache = !Has(index, "cache") || Bool(index, "cache");
    ReadResources(index, s.resources);
    if (Push(L_, index, "pipeline")) s.pipeline = SubPipeline(lua_gettop(L_));
    lua_pop(L_, 1);
    // A sub-pipeline step's outputs are what its pipeline's outputs name: an artifact stays one.
    if (s.pipeline)
      for (Output& output : s.outputs) output.kind = s.pipeline->OutputKind(output.name);
    return s;
  }

  std::string VolumeName(int mount) {
    Push(L_, mount, "volume");
    std::string name = Str(lua_gettop(L_), "name");
    lua_pop(L_, 1);
    return name;
  }

  Loop ReadLoop(int index) {
    Loop loop;
    loop.parallelism = static_cast<int>(Int(index, "parallelism"));
    if (Push(L_, index, "items_ref")) loop.items_ref = ReadRef(lua_gettop(L_));
    lua_pop(L_, 1);
    if (Push(L_, index, "items"))
      ForEachItem(lua_gettop(L_), [&](int item) { loop.items.push_back(Json(item).dump()); });
    lua_pop(L_, 1);
    return loop;
  }

  void ReadResources(int step, Resources& r) {
    if (Push(L_, step, "resources")) {
      int index = lua_gettop(L_);
      r.cpu_request = Str(index, "cpu");
      r.memory_request = Str(index, "memory");
      r.cpu_limit = Str(index, "cpu_limit");
      r.memory_limit = Str(index, "memory_limit");
      r.gpu_count = static_cast<int>(Int(index, "gpu"));
      r.gpu_resource = Str(index, "gpu_resource", "nvidia.com/gpu");
      r.accelerator_type = Str(index, "accelerator");
    }
    lua_pop(L_, 1);
    r.node_selector = StringMap(step, "node_selector");
    if (Push(L_, step, "tolerations"))
      ForEachItem(lua_gettop(L_), [&](int t) {
        Toleration toleration{Str(t, "key"), Str(t, "operator", "Equal"), Str(t, "value"),
                              Str(t, "effect"), std::nullopt};
        if (Has(t, "seconds")) toleration.toleration_seconds = Int(t, "seconds");
        r.tolerations.push_back(std::move(toleration));
      });
    lua_pop(L_, 1);
  }

  std::shared_ptr<const Pipeline> SubPipeline(int index) {
    const void* key = lua_topointer(L_, index);
    auto found = sub_pipelines_.find(key);
    if (found != sub_pipelines_.end()) return found->second;
    auto saved = std::move(volumes_);
    Reader inner(L_);
    auto pipeline = std::make_shared<const Pipeline>(inner.ReadPipeline(index));
    volumes_ = std::move(saved);
    sub_pipelines_[key] = pipeline;
    return pipeline;
  }

  lua_State* L_;
  std::map<std::string, Volume> volumes_;
  std::map<const void*, std::shared_ptr<const Pipeline>> sub_pipelines_;
};

}  // namespace

std::string CanonicalFloat(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

Pipeline ReadPipeline(lua_State* L, int index) { return Reader(L).ReadPipeline(index); }

}  // namespace ctp::interpreter
