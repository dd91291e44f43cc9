// The Pipeline model: what a ctp script declares, as plain C++ values.
//
// The interpreter fills it; emitters and the runner only read it. Every declared object carries the
// file:line of its declaration so that later checks can point at the user's script.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ctp {

/// Where a script declared something.
struct SourceLocation {
  std::string file;
  int line = 0;
};

/// The type of a pipeline parameter.
enum class ParamType { kString, kInt, kFloat, kBool, kList };

/// A reference to a value that is only known when the pipeline runs.
struct Ref {
  enum class Kind {
    kParam,           ///< a pipeline parameter: `name`
    kStepOutput,      ///< an output of another step: `step`, `name`
    kLoopItem,        ///< the current loop item, or one field of it: `name` (empty for the item)
    kWorkflowStatus,  ///< the pipeline's status (Succeeded|Failed|Error), for the exit handler
    kWorkflowName,    ///< the name of this run
    kOutputPath,      ///< where this step writes its own output `name`
  };
  Kind kind = Kind::kParam;
  std::string step;
  std::string name;

  friend bool operator==(const Ref&, const Ref&) = default;
};

/// A string that may contain references: literal text and references, in order.
struct Template {
  struct Part {
    std::string text;        ///< literal text (when `ref` is empty)
    std::optional<Ref> ref;  ///< a reference (then `text` is empty)
    friend bool operator==(const Part&, const Part&) = default;
  };
  std::vector<Part> parts;

  /// True when the template has no references.
  bool IsLiteral() const;
  /// The literal text (all parts' text concatenated; references contribute nothing).
  std::string Literal() const;
  /// The single reference when the template is exactly one reference, else nullptr.
  const Ref* SoleRef() const;

  static Template Of(std::string literal);
  static Template Of(Ref ref);
  friend bool operator==(const Template&, const Template&) = default;
};

/// A typed pipeline parameter. Values are canonical text: ints `5`, floats `0.05`, bools
/// `true`/`false`, lists a JSON array (`["a", "b"]`).
struct Param {
  std::string name;
  ParamType type = ParamType::kString;
  std::optional<std::string> default_value;
  std::string doc;
  SourceLocation location;
};

/// What kind of value a step input or output carries.
enum class ValueKind {
  kParameter,  ///< a small string value
  kArtifact,   ///< a file or directory, passed by path
  kMetrics,    ///< a KFP metrics JSON file (an artifact of type system.Metrics)
};

/// A value a step produces.
struct Output {
  std::string name;
  ValueKind kind = ValueKind::kParameter;
  std::string path;  ///< where the step writes it in its container; empty = ctp chooses
  std::string doc;
  SourceLocation location;
  /// The step's standard output, as Argo's `outputs.result` (a container or script step's
  /// `result`, named kResultOutput): one final newline dropped, at most the last
  /// kResultMaxBytes kept.
  bool from_stdout = false;
};

/// The name of a step's standard-output value (Output::from_stdout).
inline constexpr const char* kResultOutput = "result";
/// Argo keeps at most this much of a step's standard output as its result (its last bytes).
inline constexpr std::size_t kResultMaxBytes = 256 * 1024;

/// A named value a step receives (arguments of Lua function, native and sub-pipeline steps).
struct Input {
  std::string name;
  Template value;
  SourceLocation location;
};

/// A Kubernetes secret key.
struct SecretKeyRef {
  std::string secret;
  std::string key;
};

/// A value kept in Vault, filled in by argocd-vault-plugin at sync time: `<path:PATH#KEY>`, or
/// `<KEY>` when `path` is empty (the pipeline's `avp.kubernetes.io/path` annotation applies).
struct VaultRef {
  std::string path;
  std::string key;
};

/// An environment variable of a step: a value, a Kubernetes secret key, or a Vault value.
struct EnvVar {
  std::string name;
  Template value;
  std::optional<SecretKeyRef> secret;
  std::optional<VaultRef> vault;
  SourceLocation location;
};

/// A volume the pipeline's steps can mount.
struct Volume {
  enum class Kind {
    kExistingClaim,  ///< an existing PersistentVolumeClaim (e.g. an NFS claim)
    kNewClaim,       ///< a claim created for the run (volumeClaimTemplates)
    kSecret,         ///< a Kubernetes secret as files
    kEmptyDir,       ///< scratch space for one step
  };
  std::string name;
  Kind kind = Kind::kExistingClaim;
  std::string claim;                      ///< kExistingClaim
  std::string size;                       ///< kNewClaim, e.g. "10Gi"
  std::vector<std::string> access_modes;  ///< kNewClaim, e.g. {"ReadWriteMany"}
  std::string storage_class;              ///< kNewClaim; empty = cluster default
  std::string secret;                     ///< kSecret
  SourceLocation location;
};

/// A volume mounted into a step.
struct Mount {
  std::string volume;  ///< the Volume's name
  std::string path;
  bool read_only = false;
  std::string sub_path;
};

/// A node taint a step tolerates.
struct Toleration {
  std::string key;
  std::string op = "Equal";  ///< Equal | Exists
  std::string value;
  std::string effect;  ///< NoSchedule | PreferNoSchedule | NoExecute | empty
  std::optional<int64_t> toleration_seconds;
};

/// Compute resources of a step. Quantities are Kubernetes strings ("500m", "4Gi").
struct Resources {
  std::string cpu_request, cpu_limit;
  std::string memory_request, memory_limit;
  int gpu_count = 0;
  std::string gpu_resource = "nvidia.com/gpu";
  std::string accelerator_type;  ///< KFP accelerator type, e.g. "NVIDIA_TESLA_T4"; optional
  std::map<std::string, std::string> node_selector;
  std::vector<Toleration> tolerations;

  bool Empty() const;
};

/// The retry policy when a script names none: Argo's (emitters write no policy, so the engine
/// applies its own), and what `ctp run` follows.
inline constexpr const char* kDefaultRetryPolicy = "OnFailure";

/// How a failed step is retried.
struct Retry {
  int limit = 0;
  /// Always | OnFailure | OnError | OnTransientError; unset: the engine's, kDefaultRetryPolicy.
  std::optional<std::string> policy;
  std::chrono::milliseconds backoff{0};  ///< first delay; 0 = no backoff
  double backoff_factor = 2.0;
  std::chrono::milliseconds backoff_max{0};  ///< cap on each delay; 0 = none
  /// How long retrying may go on, from the first attempt's start: a retry whose delay would end
  /// later is not made (Argo's maxDuration, KFP's backoffMaxDuration); 0 = no limit.
  std::chrono::milliseconds max_duration{0};
};

/// A condition on parameters and outputs, evaluated before a step runs.
struct Condition {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kAnd, kOr, kNot };
  /// How a comparison (or `in`) compares its operands, decided when the script loads from their
  /// types: as numbers (each side must then be a number, read as Go's strconv.ParseFloat reads
  /// it, as Argo's and KFP's expression functions do) or as text (byte by byte).
  enum class Compare { kText, kNumber };
  Op op = Op::kEq;
  Compare compare = Compare::kText;
  Template lhs, rhs;                ///< comparisons (kIn: rhs is a JSON list or a list ref)
  std::vector<Condition> operands;  ///< kAnd, kOr, kNot
};

/// A step repeated over items.
struct Loop {
  std::vector<std::string> items;  ///< literal items as JSON values (`1`, `"a"`, `{"k": 1}`)
  std::optional<Ref> items_ref;    ///< or a list-valued parameter or output
  int parallelism = 0;             ///< 0 = unlimited
};

struct Pipeline;

/// A command or args element of a step made by a component factory (ctp.load_component) that is
/// the value the call gave for one of the component's inputs.
struct ComponentArgument {
  bool in_args = false;  ///< an element of `args` (else of `command`)
  std::size_t index = 0;
  std::string input;  ///< the component input's name
};

/// One node of the DAG.
struct Step {
  enum class Kind {
    kContainer,  ///< a container image with command and args
    kLua,        ///< an inline Lua function
    kNative,     ///< a C++ step from the registry (tile, train, ...)
    kPipeline,   ///< another pipeline used as a step (a reusable sub-DAG)
  };
  std::string name;
  Kind kind = Kind::kContainer;
  std::string description;
  SourceLocation location;

  // kContainer (native and Lua steps run in the pipeline's ctp image in a cluster)
  std::string image;  ///< empty = the pipeline's default image
  std::vector<Template> command;
  std::vector<Template> args;
  std::string working_dir;
  std::string image_pull_policy;  ///< Always | IfNotPresent | Never | empty
  /// A script step (ctp.script, Argo's script template): the program text that `command` (the
  /// interpreter) runs, given as a file path after `command`; empty for a plain container step.
  Template source;

  // kLua: a self-contained chunk `return function(inputs, ctx) ... end` (a function that
  // captures the script's locals is refused when the script loads)
  std::string lua_source;

  // kNative: the registered step and its version (part of the cache key)
  std::string native;
  std::string native_version;

  // kPipeline
  std::shared_ptr<const Pipeline> pipeline;

  // kContainer made by a ctp.load_component factory: the component's name and the elements of
  // command and args that are values the call gave. Emitters pass those values as task arguments,
  // so that the calls of one component share one template.
  std::string component;
  std::vector<ComponentArgument> component_arguments;

  std::vector<Input> inputs;
  std::vector<Output> outputs;
  std::vector<EnvVar> env;
  std::vector<Mount> mounts;
  std::vector<std::string> after;  ///< explicit ordering on other steps
  std::optional<Condition> when;
  std::optional<Loop> loop;
  std::optional<Retry> retry;
  std::optional<int64_t> timeout_seconds;
  bool cache = true;
  Resources resources;

  /// The kind of this step's output `output`: as declared, or for a sub-pipeline step, the kind
  /// of the value its pipeline produces (Pipeline::OutputKind); kParameter when undeclared.
  ValueKind OutputKind(const std::string& output) const;
  /// True for a script step: a container step with a `source`.
  bool IsScript() const { return !source.parts.empty(); }
  /// The output `name` when it is the step's standard output (Output::from_stdout), or nullptr.
  const Output* StdoutOutput(const std::string& name) const;
};

/// When a scheduled pipeline runs (CronWorkflow).
struct Schedule {
  std::vector<std::string> cron;
  std::string timezone;
  /// Allow | Forbid | Replace; unset: Argo's (Allow), and nothing is emitted.
  std::optional<std::string> concurrency_policy;
  int successful_history = 3;
  int failed_history = 1;
  std::optional<int64_t> starting_deadline_seconds;
  bool suspend = false;
  SourceLocation location;
};

/// A whole pipeline: what a script returns.
struct Pipeline {
  std::string name;
  std::string description;
  SourceLocation location;
  std::vector<Param> params;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string service_account;
  std::string image;      ///< default image of container steps
  std::string ctp_image;  ///< image that runs native and Lua steps in a cluster
  std::string vault_path;  ///< argocd-vault-plugin path (`avp.kubernetes.io/path`)
  std::vector<Volume> volumes;
  std::vector<Step> steps;
  std::optional<Step> on_exit;
  std::optional<Schedule> schedule;
  std::map<std::string, Template> outputs;  ///< pipeline outputs (for use as a sub-pipeline)
  std::optional<int64_t> timeout_seconds;   ///< whole-run deadline
  int parallelism = 0;                      ///< max steps at once; 0 = unlimited
  std::optional<Retry> retry;               ///< default retry of every step

  /// The step with this name (the exit handler included), or nullptr.
  const Step* FindStep(const std::string& name) const;
  /// The parameter with this name, or nullptr.
  const Param* FindParam(const std::string& name) const;
  /// The volume with this name, or nullptr.
  const Volume* FindVolume(const std::string& name) const;
  /// The kind of pipeline output `output`: that of the step output it names (followed into
  /// sub-pipelines); kParameter for text and for an output that names no step output.
  ValueKind OutputKind(const std::string& output) const;
};

/// The text of a ParamType as scripts write it: "string", "int", "float", "bool", "list".
const char* ParamTypeName(ParamType type);
/// The text of a Step::Kind: "container", "lua", "native", "pipeline".
const char* StepKindName(Step::Kind kind);
/// The operator of a comparison as Argo's and KFP's expression languages write it: "==", "!=",
/// "<", "<=", ">", ">=", "in"; "" for kAnd, kOr and kNot.
const char* OperatorSymbol(Condition::Op op);
/// The text of a ValueKind: "parameter", "artifact", "metrics".
const char* ValueKindName(ValueKind kind);

}  // namespace ctp
