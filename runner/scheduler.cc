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

/// Where one step is in its life.
struct StepState {
  enum class Phase { kWaiting, kActive, kDone };
  Phase phase = Phase::kWaiting;
  RunStatus status = RunStatus::kPending;  // then succeeded, failed, skipped or omitted
  int tasks = 0, finished = 0, running = 0;
  bool failed = false;
  std::vector<std::map<std::string, std::string>> iteration_outputs;
  StepRecord record;
};

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
    for (const std::string& name : setup.dag->TopologicalOrder()) {
      states_[name];
      upstream_[name] = setup.dag->Upstream(name);
      downstream_[name] = setup.dag->Downstream(name);
      waiting_for_[name] = static_cast<int>(upstream_[name].size());
      if (upstream_[name].empty()) ready_.push_back(name);
    }
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
      states_[pipeline_.on_exit->name];
      StartStep(*pipeline_.on_exit);
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

  const Step& StepNamed(const std::string& name) const {
    if (pipeline_.on_exit && pipeline_.on_exit->name == name) return *pipeline_.on_exit;
    return *pipeline_.FindStep(name);
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
      const Step& step = StepNamed(name);
      if (cancelled_) {
        Settle(step, RunStatus::kOmitted,
               Stopped() ? "the run was stopped" : "the pipeline timed out");
      } else if (!blocked_by.empty()) {
        Settle(step, RunStatus::kOmitted,
               fmt::format("upstream step '{}' did not succeed", blocked_by));
      } else if (std::string skipped = SkippedDataDependency(step); !skipped.empty()) {
        Settle(step, RunStatus::kSkipped,
               fmt::format("it reads outputs of skipped step '{}'", skipped));
      } else if (!setup_.selected.count(name)) {
        Reuse(step);
      } else {
        StartStep(step);
      }
    }
  }

  // A step is done: the steps waiting for it may become ready.
  void MarkDone(const std::string& name) {
    states_[name].phase = StepState::Phase::kDone;
    for (const std::string& downstream : downstream_[name])
      if (--waiting_for_[downstream] == 0) ready_.push_back(downstream);
  }

  std::string SkippedDataDependency(const Step& step) {
    for (const std::string& upstream : DataDependencies(step))
      if (states_[upstream].status == RunStatus::kSkipped) return upstream;
    return {};
  }

  TaskInputs Inputs() const {
    TaskInputs inputs;
    inputs.pipeline = &pipeline_;
    inputs.workspace = setup_.workspace;
    inputs.registry = setup_.registry;
    inputs.secrets = setup_.secrets;
    inputs.run_id = setup_.run_id;
    inputs.params = &setup_.params;
    inputs.step_outputs = &outputs_;
    inputs.volumes = &setup_.options->volumes;
    inputs.workflow_status = workflow_status_;
    inputs.runtime = setup_.options->runtime;
    return inputs;
  }

  // A step that --only/--from leaves out: its outputs come from its newest successful run.
  void Reuse(const Step& step) {
    std::optional<StepRecord> earlier =
        setup_.store->LatestSucceededStep(pipeline_.name, step.name, setup_.run_id);
    if (!earlier) {
      Settle(step, RunStatus::kSkipped, "not selected");
      return;
    }
    outputs_[step.name] = earlier->outputs;
    StepState& state = states_[step.name];
    state.status = RunStatus::kSucceeded;
    state.record = *earlier;
    state.record.run_id = setup_.run_id;
    state.record.message = "outputs of run " + earlier->run_id;
    setup_.store->SaveStep(state.record);
    setup_.progress->Settled(step.name, "reused", state.record.message);
    MarkDone(step.name);
  }

  void Settle(const Step& step, RunStatus status, const std::string& message) {
    StepState& state = states_[step.name];
    state.status = status;
    state.record = {setup_.run_id, step.name, status, 0, 0, 0, false, {}, {}, message};
    setup_.store->SaveStep(state.record);
    setup_.progress->Settled(step.name, std::string(StatusName(status)), message);
    MarkDone(step.name);
  }

  void StartStep(const Step& step) {
    StepState& state = states_[step.name];
    state.phase = StepState::Phase::kActive;
    const TaskInputs inputs = Inputs();
    try {
      // A looping step's condition is decided per item (it may read the item), as Argo decides
      // the `when` of each task a loop expands to and KFP the condition inside its loop.
      if (step.when && !step.loop) {
        ValueScope scope = MakeScope(inputs, nullptr);
        if (!EvaluateCondition(*step.when, scope)) {
          Settle(step, RunStatus::kSkipped, "its condition is false");
          return;
        }
      }
      std::vector<std::shared_ptr<Task>> tasks;
      if (step.loop) {
        ValueScope scope = MakeScope(inputs, nullptr);
        std::vector<nlohmann::json> items = LoopItems(step, scope);
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (step.when && !EvaluateCondition(*step.when, MakeScope(inputs, &items[i]))) continue;
          tasks.push_back(
              std::make_shared<Task>(BuildTask(step, inputs, static_cast<int>(i), items[i])));
        }
        state.iteration_outputs.resize(items.size());
        if (step.when && tasks.empty() && !items.empty()) {
          Settle(step, RunStatus::kSkipped, "its condition is false for every item");
          return;
        }
      } else {
        tasks.push_back(std::make_shared<Task>(BuildTask(step, inputs, -1, nullptr)));
      }
      state.tasks = static_cast<int>(tasks.size());
      if (tasks.empty()) {
        FinishStep(step);
        return;
      }
      for (auto& task : tasks)
        if (!Resume(*task)) pending_.push_back({task, Clock::now()});
    } catch (const std::exception& e) {
      Settle(step, RunStatus::kFailed, e.what());
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

  int RunningOf(const Step& step) { return states_[step.name].running; }

  void Dispatch() {
    const auto now = Clock::now();
    for (auto it = pending_.begin(); it != pending_.end() && running_ < setup_.jobs;) {
      const Step& step = *it->task->step;
      const int limit = step.loop ? step.loop->parallelism : 0;
      if (it->not_before > now || (limit > 0 && RunningOf(step) >= limit)) {
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
      ++states_[step.name].running;
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

  std::optional<Retry> RetryOf(const Step& step) const {
    if (step.retry) return step.retry;
    return pipeline_.retry;
  }

  void Complete(const std::shared_ptr<Task>& task, const TaskOutcome& outcome) {
    const Step& step = *task->step;
    if (task->attempts > 0) {
      --running_;
      --states_[step.name].running;
    }
    const std::optional<Retry> retry = RetryOf(step);
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
    const Step& step = *task.step;
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
    StepState& state = states_[step.name];
    state.failed = state.failed || !outcome.succeeded;
    if (task.index >= 0)
      state.iteration_outputs[task.index] = outcome.outputs;
    else
      state.record = record;
    if (++state.finished == state.tasks) FinishStep(step);
  }

  // All tasks of a step are done: its status, and for loops the outputs as JSON lists.
  void FinishStep(const Step& step) {
    StepState& state = states_[step.name];
    state.status = state.failed ? RunStatus::kFailed : RunStatus::kSucceeded;
    if (!step.loop) {
      outputs_[step.name] = state.record.outputs;
      MarkDone(step.name);
      return;
    }
    std::map<std::string, std::string> lists;
    for (const Output& output : step.outputs) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& iteration : state.iteration_outputs) {
        auto found = iteration.find(output.name);
        if (found == iteration.end()) continue;
        nlohmann::json value = nlohmann::json::parse(found->second, nullptr, false);
        list.push_back(value.is_discarded() || output.kind != ValueKind::kParameter
                           ? nlohmann::json(found->second)
                           : value);
      }
      lists[output.name] = list.dump();
    }
    outputs_[step.name] = lists;
    state.record = {setup_.run_id,
                    step.name,
                    state.status,
                    1,
                    0,
                    0,
                    false,
                    lists,
                    {},
                    state.failed ? "an iteration failed" : ""};
    setup_.store->SaveStep(state.record);
    MarkDone(step.name);
  }

  const RunSetup& setup_;
  const Pipeline& pipeline_;
  ExecutionEnv env_;
  std::atomic<bool> cancelled_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::string workflow_status_ = "Running";
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
