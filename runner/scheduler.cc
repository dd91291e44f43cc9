#include "scheduler.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "worker_pool.h"

namespace ctp::runner {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Wall-clock seconds since the Unix epoch (what the run store records).
double SecondsSinceEpoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// The steps of one pipeline as the run schedules them: the run's own pipeline, or one run of a
/// sub-pipeline step (in a loop, one per iteration). Its steps are named with `prefix`.
struct Frame {
  const Pipeline* pipeline = nullptr;
  std::string prefix;  ///< "" for the run's pipeline, `pack.`, `sweep[2].`
  std::map<std::string, std::string> params;
  std::string parent;  ///< the sub-pipeline step that runs it; empty for the run's pipeline
  int index = -1;      ///< the parent's loop iteration, -1 outside loops
  bool exit_handler = false;  ///< its steps belong to the exit handler
  int open = 0;               ///< steps not done yet
  int running = 0;            ///< tasks running now
  double started = 0;         ///< wall-clock seconds when its steps were added
};

/// Where one step is in its life.
struct StepState {
  enum class Phase { kWaiting, kActive, kDone };
  Phase phase = Phase::kWaiting;
  RunStatus status = RunStatus::kPending;  // then succeeded, failed, skipped or omitted
  const Step* step = nullptr;
  Frame* frame = nullptr;  ///< the pipeline the step belongs to
  int tasks = 0, finished = 0, running = 0;
  bool failed = false;
  std::vector<std::map<std::string, std::string>> iteration_outputs;
  std::deque<Frame*> waiting_frames;  ///< a looped sub-pipeline's iterations not yet started
  int active_frames = 0;              ///< and those started, not yet finished
  StepRecord record;
};

/// The record name of a frame: its prefix without the final '.' (`pack`, `sweep[2]`).
std::string FrameName(const Frame& frame) {
  return frame.prefix.substr(0, frame.prefix.size() - 1);
}

/// Whether a step that ended with `status` blocks the steps waiting for it (and fails the run).
bool DidNotSucceed(RunStatus status) {
  return status == RunStatus::kFailed || status == RunStatus::kOmitted;
}

/// Whether the policy of `retry` retries an attempt that ended as `outcome`, as Argo decides: a
/// step that ran and failed (or timed out) is Argo's Failed, retried by OnFailure and Always; one
/// that could not start is Argo's Error, retried by OnError and Always. OnTransientError retries
/// the errors Argo takes for transient (Kubernetes API trouble), which a local run never has.
bool PolicyRetries(const Retry& retry, const TaskOutcome& outcome) {
  const std::string policy = retry.policy.value_or(kDefaultRetryPolicy);
  if (policy == "Always") return true;
  if (policy == "OnFailure") return !outcome.could_not_start;
  if (policy == "OnError") return outcome.could_not_start;
  return false;
}

/// Seconds in `duration`.
double Seconds(std::chrono::milliseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

/// A task waiting to run (again): at `not_before` after a failed attempt.
struct Pending {
  std::shared_ptr<Task> task;
  Clock::time_point not_before;
};

class Scheduler {
 public:
  explicit Scheduler(const RunSetup& setup)
      : setup_(setup), pipeline_(*setup.pipeline), pool_(setup.jobs) {
    env_.run_id = setup.run_id;
    env_.workspace = setup.workspace;
    env_.store = setup.store;
    env_.launcher = setup.launcher;
    env_.registry = setup.registry;
    env_.lua_steps = &setup.options->lua_steps;
    env_.use_cache = setup.options->use_cache;
    env_.cancelled = &cancelled_;
    env_.sweep = setup.sweep;
    ProgressView* view = setup.progress;
    env_.progress = [view](const std::string& task, const StepProgress& progress) {
      view->Progress(task, progress);
    };
    root_ = &frames_.emplace_back();
    root_->pipeline = &pipeline_;
    root_->params = setup.params;
    AddSteps(*root_, *setup.dag);
    if (pipeline_.timeout_seconds)
      deadline_ = Clock::now() + std::chrono::seconds(*pipeline_.timeout_seconds);
  }

  RunStatus Run() {
    Drive();
    const bool interrupted = Stopped();
    RunStatus status = RunStatus::kSucceeded;
    for (const auto& [name, state] : states_)
      if (DidNotSucceed(state.status)) status = RunStatus::kFailed;
    if (interrupted) return RunStatus::kInterrupted;
    if (pipeline_.on_exit) {
      cancelled_ = false;
      deadline_ = Clock::time_point::max();
      workflow_status_ = status == RunStatus::kSucceeded ? "Succeeded" : "Failed";
      StepState& exit = states_[pipeline_.on_exit->name];
      exit.step = &*pipeline_.on_exit;
      exit.frame = root_;
      StartStep(pipeline_.on_exit->name);
      Drive();
      if (states_[pipeline_.on_exit->name].status == RunStatus::kFailed)
        status = RunStatus::kFailed;
    }
    return Stopped() ? RunStatus::kInterrupted : status;
  }

 private:
  bool Stopped() const { return setup_.options->stop && setup_.options->stop->load(); }

  // Runs until no step can make progress.
  void Drive() {
    for (;;) {
      if (Stopped() || Clock::now() >= deadline_) cancelled_ = true;
      Promote();
      Dispatch();
      if (running_ == 0 && pending_.empty() && ready_.empty()) break;
      if (!ready_.empty()) continue;  // settled steps made others ready
      std::unique_lock lock(mutex_);
      done_.wait_for(lock, std::chrono::milliseconds(100), [this] { return !completed_.empty(); });
      std::deque<std::pair<std::shared_ptr<Task>, TaskOutcome>> completed;
      completed.swap(completed_);
      lock.unlock();
      for (auto& [task, outcome] : completed) Complete(task, outcome);
      setup_.progress->Tick();
    }
  }

  // Adds the steps of `frame` to the graph; those without dependencies are ready.
  void AddSteps(Frame& frame, const Dag& dag) {
    frame.started = SecondsSinceEpoch();
    frame.open = static_cast<int>(dag.TopologicalOrder().size());
    auto prefixed = [&frame](std::vector<std::string> names) {
      for (std::string& name : names) name = frame.prefix + name;
      return names;
    };
    for (const std::string& name : dag.TopologicalOrder()) {
      const std::string node = frame.prefix + name;
      StepState& state = states_[node];
      state.step = frame.pipeline->FindStep(name);
      state.frame = &frame;
      upstream_[node] = prefixed(dag.Upstream(name));
      downstream_[node] = prefixed(dag.Downstream(name));
      waiting_for_[node] = static_cast<int>(upstream_[node].size());
      if (upstream_[node].empty()) ready_.push_back(node);
    }
    if (frame.open == 0 && !frame.parent.empty()) FinishFrame(frame);
  }

  const Dag& DagOf(const Pipeline& pipeline) {
    auto found = dags_.find(&pipeline);
    if (found == dags_.end()) found = dags_.emplace(&pipeline, Dag::Build(pipeline)).first;
    return found->second;
  }

  // Starts the steps whose dependencies are all done.
  void Promote() {
    while (!ready_.empty()) {
      const std::string name = ready_.front();
      ready_.pop_front();
      std::string blocked_by;
      for (const std::string& upstream : upstream_[name]) {
        const StepState& dependency = states_[upstream];
        if (DidNotSucceed(dependency.status)) blocked_by = upstream;
      }
      if (cancelled_) {
        Settle(name, RunStatus::kOmitted,
               Stopped() ? "the run was stopped" : "the pipeline timed out");
      } else if (!blocked_by.empty()) {
        Settle(name, RunStatus::kOmitted,
               fmt::format("upstream step '{}' did not succeed", blocked_by));
      } else if (std::string skipped = SkippedDataDependency(name); !skipped.empty()) {
        Settle(name, RunStatus::kSkipped,
               fmt::format("it reads outputs of skipped step '{}'", skipped));
      } else if (states_[name].frame == root_ && !setup_.selected.count(name)) {
        Reuse(name);
      } else {
        StartStep(name);
      }
    }
  }

  // A step is done: the steps waiting for it may become ready.
  // In a sub-pipeline, the last step done finishes its frame.
  void MarkDone(const std::string& name) {
    StepState& done = states_[name];
    done.phase = StepState::Phase::kDone;
    for (const std::string& downstream : downstream_[name])
      if (--waiting_for_[downstream] == 0) ready_.push_back(downstream);
    Frame& frame = *done.frame;
    if (!frame.parent.empty() && --frame.open == 0) FinishFrame(frame);
  }

  std::string SkippedDataDependency(const std::string& name) {
    const StepState& state = states_[name];
    for (const std::string& upstream : DataDependencies(*state.step)) {
      const std::string node = state.frame->prefix + upstream;
      if (states_[node].status == RunStatus::kSkipped) return node;
    }
    return {};
  }

  TaskInputs Inputs(const Frame& frame) const {
    TaskInputs inputs;
    inputs.pipeline = frame.pipeline;
    inputs.workspace = setup_.workspace;
    inputs.registry = setup_.registry;
    inputs.secrets = setup_.secrets;
    inputs.run_id = setup_.run_id;
    inputs.params = &frame.params;
    inputs.step_outputs = &outputs_;
    inputs.volumes = &setup_.options->volumes;
    inputs.workflow_status = workflow_status_;
    inputs.runtime = setup_.options->runtime;
    inputs.prefix = frame.prefix;
    inputs.exit_handler = frame.exit_handler;
    return inputs;
  }

  // A step that --only/--from leaves out: its outputs come from its newest successful run.
  void Reuse(const std::string& name) {
    std::optional<StepRecord> earlier =
        setup_.store->LatestSucceededStep(pipeline_.name, name, setup_.run_id);
    if (!earlier) {
      Settle(name, RunStatus::kSkipped, "not selected");
      return;
    }
    outputs_[name] = earlier->outputs;
    StepState& state = states_[name];
    state.status = RunStatus::kSucceeded;
    state.record = *earlier;
    state.record.run_id = setup_.run_id;
    state.record.message = "outputs of run " + earlier->run_id;
    setup_.store->SaveStep(state.record);
    setup_.progress->Settled(name, "reused", state.record.message);
    MarkDone(name);
  }

  void Settle(const std::string& name, RunStatus status, const std::string& message) {
    StepState& state = states_[name];
    state.status = status;
    state.record = {setup_.run_id, name, status, 0, 0, 0, false, {}, {}, message};
    setup_.store->SaveStep(state.record);
    setup_.progress->Settled(name, std::string(StatusName(status)), message);
    MarkDone(name);
  }

  // The frame that runs sub-pipeline step `name` (iteration `index` with `item` in loops): the
  // pipeline's parameters are the step's inputs, resolved now, or their defaults.
  Frame* NewFrame(const std::string& name, const TaskInputs& inputs, int index,
                  const nlohmann::json* item) {
    const StepState& state = states_[name];
    const Step& step = *state.step;
    Frame& frame = frames_.emplace_back();
    frame.pipeline = step.pipeline.get();
    frame.prefix = (index < 0 ? name : fmt::format("{}[{}]", name, index)) + ".";
    frame.parent = name;
    frame.index = index;
    frame.exit_handler = state.frame->exit_handler ||
                         (state.frame == root_ && pipeline_.on_exit && &*pipeline_.on_exit == &step);
    const ValueScope scope = MakeScope(inputs, item);
    for (const Param& param : frame.pipeline->params)
      if (param.default_value) frame.params[param.name] = *param.default_value;
    for (const Input& input : step.inputs) frame.params[input.name] = ResolveTemplate(input.value, scope);
    return &frame;
  }

  // Starts the waiting iterations of a looped sub-pipeline step up to its parallelism.
  void StartFrames(StepState& state) {
    const int limit = state.step->loop ? state.step->loop->parallelism : 0;
    while (!state.waiting_frames.empty() && (limit <= 0 || state.active_frames < limit)) {
      Frame& frame = *state.waiting_frames.front();
      state.waiting_frames.pop_front();
      ++state.active_frames;
      AddSteps(frame, DagOf(*frame.pipeline));
    }
  }

  // The step of `frame` that `value` reads an output of and that was skipped; empty if none.
  std::string SkippedProducer(const Frame& frame, const Template& value) {
    for (const Template::Part& part : value.parts)
      if (part.ref && part.ref->kind == Ref::Kind::kStepOutput &&
          states_[frame.prefix + part.ref->step].status == RunStatus::kSkipped)
        return frame.prefix + part.ref->step;
    return {};
  }

  // Every step of a sub-pipeline's frame is done: it failed when one of them did not succeed;
  // else its outputs are the pipeline's outputs. Recorded as `pack` (`sweep[2]` in loops).
  void FinishFrame(Frame& frame) {
    StepState& parent = states_[frame.parent];
    const TaskInputs inputs = Inputs(frame);
    std::string failure;
    for (const std::string& name : DagOf(*frame.pipeline).TopologicalOrder())
      if (failure.empty() && DidNotSucceed(states_[frame.prefix + name].status))
        failure = fmt::format("step '{}' did not succeed", frame.prefix + name);
    std::map<std::string, std::string> outputs;
    if (failure.empty()) {
      const ValueScope scope = MakeScope(inputs, nullptr);
      for (const auto& [output, value] : frame.pipeline->outputs) {
        if (std::string skipped = SkippedProducer(frame, value); !skipped.empty()) {
          failure = fmt::format("output '{}' of pipeline '{}' reads step '{}', which was skipped",
                                output, frame.pipeline->name, skipped);
          break;
        }
        try {
          outputs[output] = ResolveTemplate(value, scope);
        } catch (const std::exception& e) {
          failure = fmt::format("output '{}' of pipeline '{}': {}", output,
                                frame.pipeline->name, e.what());
          break;
        }
      }
    }
    const RunStatus status = failure.empty() ? RunStatus::kSucceeded : RunStatus::kFailed;
    StepRecord record{setup_.run_id, FrameName(frame), status, 1, 0,
                      SecondsSinceEpoch() - frame.started, false, outputs, {}, failure};
    setup_.store->SaveStep(record);
    parent.failed = parent.failed || !failure.empty();
    if (frame.index >= 0)
      parent.iteration_outputs[frame.index] = outputs;
    else
      parent.record = record;
    --parent.active_frames;
    if (++parent.finished == parent.tasks)
      FinishStep(frame.parent);
    else
      StartFrames(parent);
  }

  void StartStep(const std::string& name) {
    StepState& state = states_[name];
    const Step& step = *state.step;
    state.phase = StepState::Phase::kActive;
    const TaskInputs inputs = Inputs(*state.frame);
    const bool sub_pipeline = step.kind == Step::Kind::kPipeline;
    try {
      // A looping step's condition is decided per item (it may read the item), as Argo decides
      // the `when` of each task a loop expands to and KFP the condition inside its loop.
      if (step.when && !step.loop) {
        ValueScope scope = MakeScope(inputs, nullptr);
        if (!EvaluateCondition(*step.when, scope)) {
          Settle(name, RunStatus::kSkipped, "its condition is false");
          return;
        }
      }
      // A task per run of the step; a sub-pipeline step runs its pipeline's steps instead.
      std::vector<std::shared_ptr<Task>> tasks;
      std::deque<Frame*> frames;
      auto add = [&](int index, const nlohmann::json& item) {
        const nlohmann::json* item_pointer = index < 0 ? nullptr : &item;
        if (sub_pipeline)
          frames.push_back(NewFrame(name, inputs, index, item_pointer));
        else
          tasks.push_back(std::make_shared<Task>(BuildTask(step, inputs, index, item)));
      };
      std::size_t runs = 0;
      if (step.loop) {
        ValueScope scope = MakeScope(inputs, nullptr);
        std::vector<nlohmann::json> items = LoopItems(step, scope);
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (step.when && !EvaluateCondition(*step.when, MakeScope(inputs, &items[i]))) continue;
          add(static_cast<int>(i), items[i]);
          ++runs;
        }
        state.iteration_outputs.resize(items.size());
        if (step.when && runs == 0 && !items.empty()) {
          Settle(name, RunStatus::kSkipped, "its condition is false for every item");
          return;
        }
      } else {
        add(-1, nullptr);
        runs = 1;
      }
      state.tasks = static_cast<int>(runs);
      if (runs == 0) {
        FinishStep(name);
        return;
      }
      state.waiting_frames = std::move(frames);
      StartFrames(state);
      for (auto& task : tasks)
        if (!Resume(*task)) pending_.push_back({task, Clock::now()});
    } catch (const std::exception& e) {
      Settle(name, RunStatus::kFailed, e.what());
    }
  }

  // Keeps a task that succeeded in the resumed run with the same fingerprint.
  bool Resume(Task& task) {
    auto found = setup_.resumed.find(task.name);
    if (found == setup_.resumed.end()) return false;
    const StepRecord& record = found->second;
    if (record.status != RunStatus::kSucceeded || record.fingerprint != task.fingerprint ||
        (!task.step->outputs.empty() && !fs::is_directory(task.dir / "outputs")))
      return false;
    TaskOutcome outcome;
    outcome.succeeded = true;
    outcome.cache_hit = record.cache_hit;
    outcome.duration = record.duration;
    outcome.outputs = ReadOutputs(*task.step, task.dir / "outputs");
    task.attempts = record.attempts;
    setup_.progress->Settled(task.name, "kept", "succeeded in the resumed run");
    Record(task, outcome);
    return true;
  }

  void Dispatch() {
    const auto now = Clock::now();
    for (auto it = pending_.begin(); it != pending_.end() && running_ < setup_.jobs;) {
      const Step& step = *it->task->step;
      StepState& state = states_[it->task->node];
      const int limit = step.loop ? step.loop->parallelism : 0;
      // A sub-pipeline's `parallelism` caps the tasks of each of its runs (the run's own is
      // part of setup_.jobs).
      const int frame_limit = state.frame == root_ ? 0 : state.frame->pipeline->parallelism;
      if (it->not_before > now || (limit > 0 && state.running >= limit) ||
          (frame_limit > 0 && state.frame->running >= frame_limit)) {
        ++it;
        continue;
      }
      std::shared_ptr<Task> task = it->task;
      it = pending_.erase(it);
      if (cancelled_) {
        TaskOutcome outcome;
        outcome.message = Stopped() ? "the run was stopped" : "the pipeline timed out";
        Complete(task, outcome);
        continue;
      }
      ++running_;
      ++state.running;
      ++state.frame->running;
      if (++task->attempts == 1) task->first_start = Clock::now();
      StepRecord running{
          setup_.run_id,     task->name, RunStatus::kRunning, task->attempts, 0, 0, false, {},
          task->fingerprint, {},         SecondsSinceEpoch()};
      setup_.store->SaveStep(running);
      setup_.progress->Started(task->name, task->dir / "log.txt");
      pool_.Submit([this, task] {
        TaskOutcome outcome = ExecuteTask(*task, env_);
        std::lock_guard lock(mutex_);
        completed_.emplace_back(task, std::move(outcome));
        done_.notify_one();
      });
    }
  }

  // The step's retry, else the default of the pipeline it belongs to (as the emitters write it).
  std::optional<Retry> RetryOf(const StepState& state) const {
    if (state.step->retry) return state.step->retry;
    return state.frame->pipeline->retry;
  }

  void Complete(const std::shared_ptr<Task>& task, const TaskOutcome& outcome) {
    StepState& state = states_[task->node];
    if (task->attempts > 0) {
      --running_;
      --state.running;
      --state.frame->running;
    }
    const std::optional<Retry> retry = RetryOf(state);
    TaskOutcome settled = outcome;
    if (!outcome.succeeded && retry && task->attempts <= retry->limit &&
        PolicyRetries(*retry, outcome) && !cancelled_) {
      double delay = Seconds(retry->backoff) * std::pow(retry->backoff_factor, task->attempts - 1);
      if (retry->backoff_max.count() > 0) delay = std::min(delay, Seconds(retry->backoff_max));
      const auto next = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(delay * 1000));
      if (retry->max_duration.count() == 0 || next <= task->first_start + retry->max_duration) {
        setup_.progress->Finished(task->name, "retrying", outcome.duration, false,
                                  fmt::format("{} (attempt {} of {}, next in {}s)",
                                              outcome.message, task->attempts, retry->limit + 1,
                                              delay));
        pending_.push_back({task, next});
        return;
      }
      settled.message += fmt::format(" (no retry: the next would start after max_duration {}s "
                                     "from the first attempt)",
                                     Seconds(retry->max_duration));
    }
    setup_.progress->Finished(task->name, settled.succeeded ? "succeeded" : "failed",
                              settled.duration, settled.cache_hit, settled.message);
    Record(*task, settled);
  }

  void Record(const Task& task, const TaskOutcome& outcome) {
    StepRecord record{setup_.run_id,
                      task.name,
                      outcome.succeeded ? RunStatus::kSucceeded : RunStatus::kFailed,
                      task.attempts,
                      outcome.exit_code,
                      outcome.duration,
                      outcome.cache_hit,
                      outcome.outputs,
                      task.fingerprint,
                      outcome.message};
    setup_.store->SaveStep(record);
    if (outcome.succeeded && task.cacheable && !outcome.cache_hit)
      setup_.store->SaveCacheEntry(task.fingerprint, {setup_.run_id, task.name, outcome.outputs});
    StepState& state = states_[task.node];
    state.failed = state.failed || !outcome.succeeded;
    if (task.index >= 0)
      state.iteration_outputs[task.index] = outcome.outputs;
    else
      state.record = record;
    if (++state.finished == state.tasks) FinishStep(task.node);
  }

  // All tasks (or sub-pipeline runs) of a step are done: its status, and for loops the outputs
  // as JSON lists.
  void FinishStep(const std::string& name) {
    StepState& state = states_[name];
    const Step& step = *state.step;
    state.status = state.failed ? RunStatus::kFailed : RunStatus::kSucceeded;
    if (!step.loop) {
      outputs_[name] = state.record.outputs;
      MarkDone(name);
      return;
    }
    std::map<std::string, std::string> lists;
    for (const Output& output : step.outputs) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& iteration : state.iteration_outputs) {
        auto found = iteration.find(output.name);
        if (found == iteration.end()) continue;
        nlohmann::json value = nlohmann::json::parse(found->second, nullptr, false);
        list.push_back(value.is_discarded() || step.OutputKind(output.name) != ValueKind::kParameter
                           ? nlohmann::json(found->second)
                           : value);
      }
      lists[output.name] = list.dump();
    }
    outputs_[name] = lists;
    state.record = {setup_.run_id,
                    name,
                    state.status,
                    1,
                    0,
                    0,
                    false,
                    lists,
                    {},
                    state.failed ? "an iteration failed" : ""};
    setup_.store->SaveStep(state.record);
    MarkDone(name);
  }

  const RunSetup& setup_;
  const Pipeline& pipeline_;
  ExecutionEnv env_;
  std::atomic<bool> cancelled_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::string workflow_status_ = "Running";
  std::deque<Frame> frames_;  // stable addresses: steps point at their frame
  Frame* root_ = nullptr;
  std::map<const Pipeline*, Dag> dags_;  // of sub-pipelines, built once
  std::map<std::string, StepState> states_;
  std::map<std::string, std::vector<std::string>> upstream_, downstream_;
  std::map<std::string, int> waiting_for_;  // dependencies not yet done
  std::deque<std::string> ready_;           // steps whose dependencies are all done
  std::map<std::string, std::map<std::string, std::string>> outputs_;
  std::deque<Pending> pending_;
  int running_ = 0;
  std::mutex mutex_;
  std::condition_variable done_;
  std::deque<std::pair<std::shared_ptr<Task>, TaskOutcome>> completed_;
  WorkerPool pool_;  // last: its threads stop before the state they use goes
};

}  // namespace

RunStatus Schedule(const RunSetup& setup) {
  Scheduler scheduler(setup);
  return scheduler.Run();
}

}  // namespace ctp::runner
