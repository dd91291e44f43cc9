#!/usr/bin/env python3
"""Mutation tests of the semantic rules of validate_argo.py --refs.

Run as `python3 tests/conformance/argo_rules_test.py`.  Valid documents (small
inline ones and ctp's golden files tests/emit/golden/*.argo.yaml) are mutated
one mistake at a time: a referenced task output renamed, a reference to a
missing task, a parameter read as an artifact, a container without a command,
a required argument removed, {{item}} outside a loop, a bad retry policy, ...
Each mutation must be reported with its rule (`[rule]`) at the JSON path of the
mistake.  Every upstream Argo example in data/argo/examples/ and every golden
file must still pass (no false positives).

The last line printed is `N passed, M failed`; the exit status is non-zero
when any test fails.
"""

import copy
import glob
import os
import subprocess
import sys
import tempfile
import unittest

import test_report  # noqa: E402 (same folder)

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "emit", "golden")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import validate_argo  # noqa: E402

ARGO_EXAMPLES = sorted(glob.glob(os.path.join(HERE, "data", "argo", "examples", "*.yaml")))
GOLDEN_FILES = sorted(glob.glob(os.path.join(GOLDEN, "*.argo.yaml")))
VALIDATORS = validate_argo.build_validators(validate_argo.DEFAULT_SCHEMA)

# A DAG with loops, fan-in, artifacts, retries, a script, a hook and an exit handler.
PIPELINE = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: rules-
  labels: {team: ml}
spec:
  entrypoint: main
  onExit: notify
  arguments:
    parameters:
    - {name: rounds, value: "3"}
  templates:
  - name: main
    dag:
      tasks:
      - name: gen
        template: gen
      - name: each
        template: work
        depends: gen
        withParam: "{{tasks.gen.outputs.result}}"
        arguments:
          parameters:
          - {name: n, value: "{{item}}"}
      - name: sum
        template: sum
        depends: each
        arguments:
          parameters:
          - {name: values, value: "{{tasks.each.outputs.parameters}}"}
          - {name: first, value: "{{=tasks['each'].outputs.parameters['score']}}"}
          artifacts:
          - {name: model, from: "{{tasks.gen.outputs.artifacts.model}}"}
        hooks:
          exit:
            template: report
            arguments:
              parameters:
              - {name: status, value: "{{tasks.sum.status}}"}
  - name: gen
    retryStrategy:
      limit: "2"
      retryPolicy: OnError
      backoff: {duration: 5s, factor: "2", maxDuration: 1m}
    activeDeadlineSeconds: "600"
    timeout: 10m
    outputs:
      artifacts:
      - {name: model, path: /tmp/model}
    script:
      image: python:3.11
      command: [python]
      source: |
        print('[1, 2]')  # attempt {{retries}} of {{workflow.name}}
  - name: work
    inputs:
      parameters:
      - name: n
    outputs:
      parameters:
      - name: score
        globalName: best-score
        valueFrom: {path: /tmp/score}
    container:
      image: alpine:3.20
      command: [sh, -c, "echo {{inputs.parameters.n}} > /tmp/score"]
  - name: sum
    inputs:
      parameters:
      - name: values
      - name: first
      - {name: rounds, default: "{{workflow.parameters.rounds}}"}
      artifacts:
      - {name: model, path: /tmp/model}
    container:
      image: alpine:3.20
      command: [echo, "{{inputs.parameters.values}} {{inputs.artifacts.model.path}}"]
  - name: report
    inputs:
      parameters:
      - name: status
    container:
      image: alpine:3.20
      command: [echo, "{{inputs.parameters.status}} {{pod.name}}"]
  - name: notify
    container:
      image: alpine:3.20
      command: [echo, "{{workflow.status}} {{workflow.failures}} {{workflow.labels.team}}",
                "{{workflow.outputs.parameters.best-score}}"]
""")

# Steps: groups, a step reading an earlier group, withItems of maps.
STEPS = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: rules-steps
spec:
  entrypoint: main
  arguments:
    parameters:
    - name: who
  templates:
  - name: main
    steps:
    - - name: hello
        template: say
        arguments:
          parameters: [{name: message, value: "{{workflow.parameters.who}}"}]
      - name: each
        template: say
        arguments:
          parameters: [{name: message, value: "{{item.os}}"}]
        withItems: [{os: debian}, {os: alpine}]
    - - name: after
        template: say
        arguments:
          parameters: [{name: message, value: "{{steps.hello.outputs.result}}"}]
  - name: say
    inputs:
      parameters: [{name: message}]
    container:
      image: alpine:3.20
      command: [echo, "{{inputs.parameters.message}}"]
""")

CRON = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: rules-cron
spec:
  schedules: ["0 2 * * *"]
  workflowSpec:
    entrypoint: main
    templates:
    - name: main
      container:
        image: alpine:3.20
        command: [echo, "{{workflow.scheduledTime}}"]
""")


def golden(name):
    """The first document of tests/emit/golden/NAME.argo.yaml."""
    with open(os.path.join(GOLDEN, name + ".argo.yaml"), encoding="utf-8") as stream:
        return next(d for d in yaml.safe_load_all(stream) if d)


def errors_of(document):
    return validate_argo.document_errors(document, VALIDATORS, refs=True)


def template(document, name):
    spec = document["spec"].get("workflowSpec", document["spec"])
    return next(t for t in spec["templates"] if t["name"] == name)


def task(document, template_name, task_name):
    return next(t for t in template(document, template_name)["dag"]["tasks"]
                if t["name"] == task_name)


def argument(holder, name, kind="parameters"):
    return next(a for a in holder["arguments"][kind] if a["name"] == name)


# --------------------------------------------------------------- mutations
#
# Each mutation: (what it does, the valid document it starts from, the change,
# the JSON path the error must name, the rule it must name).

def rename_referenced_output(d):
    template(d, "fetch")["outputs"]["parameters"][0]["name"] = "location"


def reference_missing_task(d):
    argument(task(d, "outer", "pre"), "source")["value"] = "{{tasks.fecth.outputs.parameters.path}}"


def read_parameter_as_artifact(d):
    argument(task(d, "outer", "report"), "pre-tiles")["value"] = \
        "{{tasks.pre.outputs.artifacts.tiles}}"


def read_non_ancestor(d):
    del task(d, "outer", "pre")["depends"]


def drop_required_argument(d):
    arguments = task(d, "outer", "pre")["arguments"]["parameters"]
    arguments[:] = [a for a in arguments if a["name"] != "source"]


def pass_undeclared_argument(d):
    task(d, "outer", "fetch")["arguments"]["parameters"].append({"name": "colour", "value": "red"})


def undeclared_workflow_parameter(d):
    argument(task(d, "outer", "fetch"), "slide")["value"] = "{{workflow.parameters.slides}}"


def missing_input_in_container(d):
    template(d, "pre-tile")["container"]["args"] = ["echo {{inputs.parameters.sise}}"]


def result_of_dag(d):
    argument(task(d, "outer", "report"), "pre-tiles")["value"] = "{{tasks.pre.outputs.result}}"


def dag_output_from_missing_output(d):
    template(d, "pre")["outputs"]["parameters"][0]["valueFrom"]["parameter"] = \
        "{{tasks.tile.outputs.parameters.total}}"


def dag_output_from_path(d):
    template(d, "pre")["outputs"]["parameters"][0]["valueFrom"] = {"path": "/tmp/tiles"}


def expression_reads_missing_output(d):
    argument(task(d, "outer", "report"), "pre-tiles")["value"] = \
        "{{=tasks['pre'].outputs.parameters['tile']}}"


def expression_reads_undeclared_parameter(d):
    task(d, "main", "each")["when"] = "{{=workflow.parameters['round']}} > 1"


def dag_output_expression_reads_missing_output(d):
    template(d, "pre")["outputs"]["parameters"][0]["valueFrom"] = {
        "expression": "tasks['tile'].outputs.parameters['cnt']"}


def item_outside_loop(d):
    argument(task(d, "loops", "sum"), "square-squared")["value"] = "{{item}}"


def aggregate_of_unlooped_task(d):
    argument(task(d, "loops", "square"), "loop-items")["value"] = \
        "{{tasks.list.outputs.parameters}}"


def missing_item_field(d):
    argument(task(d, "loops", "fields"), "item-os")["value"] = "{{item.arch}}"


def withparam_not_a_list(d):
    task(d, "square-loop", "square")["withParam"] = "1,2,3"


def sequence_with_count_and_end(d):
    task(d, "loops", "each").pop("withItems")
    task(d, "loops", "each")["withSequence"] = {"count": "3", "end": "5"}


def bad_retry_policy(d):
    template(d, "flaky")["retryStrategy"]["retryPolicy"] = "OnFailures"


def bad_backoff_duration(d):
    template(d, "flaky")["retryStrategy"]["backoff"]["duration"] = "10 seconds"


def bad_max_duration(d):
    template(d, "flaky")["retryStrategy"]["backoff"]["maxDuration"] = "5min"


def bad_retry_limit(d):
    template(d, "steady")["retryStrategy"]["limit"] = "three"


def bad_backoff_factor(d):
    template(d, "flaky")["retryStrategy"]["backoff"]["factor"] = "2.5"


def bad_active_deadline(d):
    template(d, "flaky")["activeDeadlineSeconds"] = "ten minutes"


def deadline_on_dag(d):
    template(d, "retries")["activeDeadlineSeconds"] = "60"


def timeout_without_unit(d):
    template(d, "steady")["timeout"] = "30"


def artifact_from_parameter(d):
    argument(task(d, "artifacts", "use"), "make-data", "artifacts")["from"] = \
        "{{tasks.make.outputs.parameters.data}}"


def parameter_holds_artifact(d):
    template(d, "use")["inputs"]["parameters"] = [{"name": "data"}]
    task(d, "artifacts", "use")["arguments"]["parameters"] = [
        {"name": "data", "value": "{{tasks.make.outputs.artifacts.data}}"}]


def drop_required_artifact(d):
    del task(d, "artifacts", "use")["arguments"]


def global_output_renamed(d):
    template(d, "train")["outputs"]["parameters"][0]["globalName"] = "score"


def exit_handler_without_command(d):
    template(d, "notify")["container"].pop("command")
    template(d, "notify")["container"].pop("args")


def task_on_exit_missing(d):
    task(d, "exit-handler", "train")["onExit"] = "cleanup"


def hook_without_expression(d):
    task(d, "exit-handler", "train")["hooks"] = {"running": {"template": "notify"}}


def failures_outside_exit_handler(d):
    template(d, "train")["container"]["args"] = ["echo {{workflow.failures}} > /tmp/outputs/score"]


def retries_without_strategy(d):
    template(d, "train")["container"]["args"] = ["echo {{retries}} > /tmp/outputs/score"]


def drop_container_command(d):
    template(d, "work")["container"].pop("command")


def script_without_command(d):
    template(d, "gen")["script"].pop("command")


def empty_step_group(d):
    template(d, "main")["steps"].append([])


def dag_without_tasks(d):
    template(d, "main")["dag"]["tasks"] = []


def same_group_step_output(d):
    template(d, "main")["steps"][0][1]["arguments"]["parameters"][0]["value"] = \
        "{{steps.hello.outputs.result}}"


def entrypoint_needs_argument(d):
    template(d, "main")["inputs"] = {"parameters": [{"name": "size"}]}


def workflow_argument_without_value(d):
    d["spec"]["arguments"]["parameters"][0].pop("value")


def leaf_parallelism(d):
    template(d, "work")["parallelism"] = 2


def scheduled_time_in_workflow(d):
    d["kind"] = "Workflow"
    d["metadata"] = {"generateName": "plain-"}
    d["spec"] = d["spec"]["workflowSpec"]


def template_reads_undeclared_parameter(d):
    template(d, "say")["container"]["command"] = ["echo", "{{workflow.parameters.whom}}"]


def pod_name_in_dag(d):
    task(d, "main", "gen")["arguments"] = {"parameters": [{"name": "x", "value": "{{pod.name}}"}]}
    template(d, "gen")["inputs"] = {"parameters": [{"name": "x"}]}


def hook_template_missing(d):
    task(d, "main", "sum")["hooks"]["exit"]["template"] = "reprot"


def status_of_non_ancestor(d):
    argument(task(d, "main", "sum"), "values")["value"] = "{{tasks.sum.status}}"


def input_artifact_read_as_parameter(d):
    template(d, "sum")["container"]["command"] = ["echo", "{{inputs.parameters.model}}"]


T = "$.spec.templates"
MUTATIONS = [
    ("rename a referenced task output", "sub-pipeline", rename_referenced_output,
     f"{T}[0].dag.tasks[1].arguments.parameters[0].value", "output-declared"),
    ("point a reference at a missing task", "sub-pipeline", reference_missing_task,
     f"{T}[0].dag.tasks[1].arguments.parameters[0].value", "variable-resolves"),
    ("read a parameter output as an artifact", "sub-pipeline", read_parameter_as_artifact,
     f"{T}[0].dag.tasks[2].arguments.parameters[0].value", "reference-kind"),
    ("read a task that is not an ancestor", "sub-pipeline", read_non_ancestor,
     f"{T}[0].dag.tasks[1].arguments.parameters[0].value", "ancestor-reference"),
    ("remove a required argument", "sub-pipeline", drop_required_argument,
     f"{T}[0].dag.tasks[1].arguments", "required-inputs"),
    ("pass an argument the template does not declare", "sub-pipeline", pass_undeclared_argument,
     f"{T}[0].dag.tasks[0].arguments.parameters[1].name", "argument-declared"),
    ("read an undeclared workflow parameter", "sub-pipeline", undeclared_workflow_parameter,
     f"{T}[0].dag.tasks[0].arguments.parameters[0].value", "variable-resolves"),
    ("read an undeclared input parameter", "sub-pipeline", missing_input_in_container,
     f"{T}[3].container.args[0]", "variable-resolves"),
    ("read outputs.result of a DAG", "sub-pipeline", result_of_dag,
     f"{T}[0].dag.tasks[2].arguments.parameters[0].value", "output-declared"),
    ("DAG output from a missing task output", "sub-pipeline", dag_output_from_missing_output,
     f"{T}[2].outputs.parameters[0].valueFrom.parameter", "output-declared"),
    ("DAG output parameter with valueFrom.path", "sub-pipeline", dag_output_from_path,
     f"{T}[2].outputs.parameters[0].valueFrom", "outputs"),
    ("expression tag reads a missing output", "sub-pipeline", expression_reads_missing_output,
     f"{T}[0].dag.tasks[2].arguments.parameters[0].value", "output-declared"),
    ("expression tag reads an undeclared workflow parameter", PIPELINE,
     expression_reads_undeclared_parameter, f"{T}[0].dag.tasks[1].when", "variable-resolves"),
    ("DAG output expression reads a missing output", "sub-pipeline",
     dag_output_expression_reads_missing_output,
     f"{T}[2].outputs.parameters[0].valueFrom.expression", "output-declared"),
    ("{{item}} outside a loop", "loops", item_outside_loop,
     f"{T}[0].dag.tasks[4].arguments.parameters[0].value", "item-in-loop"),
    ("all-iterations outputs of a task that does not loop", "loops", aggregate_of_unlooped_task,
     f"{T}[0].dag.tasks[3].arguments.parameters[0].value", "output-declared"),
    ("item field the withItems maps lack", "loops", missing_item_field,
     f"{T}[0].dag.tasks[1].arguments.parameters[0].value", "variable-resolves"),
    ("withParam that is neither {{...}} nor a JSON list", "loops", withparam_not_a_list,
     f"{T}[4].dag.tasks[0].withParam", "loops"),
    ("withSequence with count and end", "loops", sequence_with_count_and_end,
     f"{T}[0].dag.tasks[0].withSequence", "loops"),
    ("bad retryPolicy", "retries", bad_retry_policy,
     f"{T}[1].retryStrategy.retryPolicy", "retry-strategy"),
    ("bad backoff duration", "retries", bad_backoff_duration,
     f"{T}[1].retryStrategy.backoff.duration", "retry-strategy"),
    ("bad backoff maxDuration", "retries", bad_max_duration,
     f"{T}[1].retryStrategy.backoff.maxDuration", "retry-strategy"),
    ("retry limit that is not an integer", "retries", bad_retry_limit,
     f"{T}[2].retryStrategy.limit", "retry-strategy"),
    ("backoff factor that is not an integer", "retries", bad_backoff_factor,
     f"{T}[1].retryStrategy.backoff.factor", "retry-strategy"),
    ("activeDeadlineSeconds that is not an integer", "retries", bad_active_deadline,
     f"{T}[1].activeDeadlineSeconds", "timeouts"),
    ("activeDeadlineSeconds on a DAG", "retries", deadline_on_dag,
     f"{T}[0].activeDeadlineSeconds", "timeouts"),
    ("timeout without a unit", "retries", timeout_without_unit,
     f"{T}[2].timeout", "timeouts"),
    ("artifact argument from a parameter", "artifacts", artifact_from_parameter,
     f"{T}[0].dag.tasks[1].arguments.artifacts[0].from", "argument-kind"),
    ("parameter argument holding an artifact", "artifacts", parameter_holds_artifact,
     f"{T}[0].dag.tasks[1].arguments.parameters[0].value", "argument-kind"),
    ("required input artifact not passed", "artifacts", drop_required_artifact,
     f"{T}[0].dag.tasks[1].arguments", "required-inputs"),
    ("global output renamed", "exit-handler", global_output_renamed,
     f"{T}[2].inputs.parameters[1].value", "output-declared"),
    ("exit handler without command (sub-pipeline exit handler)", "exit-handler",
     exit_handler_without_command, f"{T}[2].container", "container-runs-something"),
    ("task onExit names a missing template", "exit-handler", task_on_exit_missing,
     f"{T}[0].dag.tasks[0].onExit", "exit-handler"),
    ("hook other than exit without expression", "exit-handler", hook_without_expression,
     f"{T}[0].dag.tasks[0].hooks.running", "exit-handler"),
    ("workflow.failures outside the exit handler", "exit-handler", failures_outside_exit_handler,
     f"{T}[1].container.args[0]", "variable-resolves"),
    ("retries without a retryStrategy", "exit-handler", retries_without_strategy,
     f"{T}[1].container.args[0]", "variable-resolves"),
    ("drop a container's command", PIPELINE, drop_container_command,
     f"{T}[2].container", "container-runs-something"),
    ("script without command", PIPELINE, script_without_command,
     f"{T}[1].script", "script-runs-something"),
    ("DAG without tasks", PIPELINE, dag_without_tasks, f"{T}[0].dag.tasks", "dag-has-tasks"),
    ("container template with parallelism", PIPELINE, leaf_parallelism,
     f"{T}[2].parallelism", "parallelism"),
    ("workflow argument without a value", PIPELINE, workflow_argument_without_value,
     "$.spec.arguments.parameters[0]", "argument-values"),
    ("entrypoint input that spec.arguments lacks", PIPELINE, entrypoint_needs_argument,
     "$.spec.entrypoint", "required-inputs"),
    ("pod.name in a DAG task", PIPELINE, pod_name_in_dag,
     f"{T}[0].dag.tasks[0].arguments.parameters[0].value", "variable-resolves"),
    ("hook names a missing template", PIPELINE, hook_template_missing,
     f"{T}[0].dag.tasks[2].hooks.exit.template", "exit-handler"),
    ("a task reads its own status outside its hooks", PIPELINE, status_of_non_ancestor,
     f"{T}[0].dag.tasks[2].arguments.parameters[0].value", "ancestor-reference"),
    ("input artifact read as a parameter", PIPELINE, input_artifact_read_as_parameter,
     f"{T}[3].container.command[1]", "reference-kind"),
    ("empty step group", STEPS, empty_step_group, f"{T}[0].steps[2]", "steps-not-empty"),
    ("read a step of the same group", STEPS, same_group_step_output,
     f"{T}[0].steps[0][1].arguments.parameters[0].value", "ancestor-reference"),
    ("WorkflowTemplate reads an undeclared parameter", STEPS, template_reads_undeclared_parameter,
     f"{T}[1].container.command[1]", "template-parameter-declared"),
    ("workflow.scheduledTime in a plain Workflow", CRON, scheduled_time_in_workflow,
     f"{T}[0].container.command[1]", "scheduled-time-in-cron"),
]


class ValidDocumentsPass(unittest.TestCase):
    """No false positives: upstream examples, ctp's goldens and the inline bases pass."""

    def test_upstream_examples(self):
        self.assertGreaterEqual(len(ARGO_EXAMPLES), 10)
        for path in ARGO_EXAMPLES:
            with self.subTest(example=os.path.basename(path)):
                self.assertEqual(validate_argo.file_errors(path, VALIDATORS, refs=True), [])

    def test_goldens(self):
        """Every golden passes the rules; those written for Argo 4's schema pass it too."""
        self.assertGreaterEqual(len(GOLDEN_FILES), 10)
        for path in GOLDEN_FILES:
            for index, document in enumerate(validate_argo.load_documents(path)):
                with self.subTest(golden=os.path.basename(path), doc=index):
                    self.assertEqual(validate_argo.reference_errors(document), [])
                    if not path.endswith("-cron3.argo.yaml"):  # Argo 3's `schedule`
                        self.assertEqual(errors_of(document), [])

    def test_inline_bases(self):
        for document in (PIPELINE, STEPS, CRON):
            with self.subTest(kind=document["kind"]):
                self.assertEqual(errors_of(document), [])


class MutationsAreReported(unittest.TestCase):
    """One test per entry of MUTATIONS (added below), named after its change."""

    def test_enough_mutations(self):
        self.assertGreaterEqual(len(MUTATIONS), 20)

    def check_mutation(self, base, change, path, rule):
        document = copy.deepcopy(golden(base) if isinstance(base, str) else base)
        change(document)
        errors = errors_of(document)
        expected = f"{path}: [{rule}] "
        if not any(error.startswith(expected) for error in errors):
            self.fail(f"no error starts with {expected!r}; errors: {errors}")


def add_mutation_tests():
    for description, base, change, path, rule in MUTATIONS:
        def test(self, base=base, change=change, path=path, rule=rule):
            self.check_mutation(base, change, path, rule)
        test.__doc__ = description
        setattr(MutationsAreReported, f"test_{change.__name__}", test)


add_mutation_tests()


class CommandLine(unittest.TestCase):
    def test_refs_reports_rules(self):
        document = copy.deepcopy(golden("sub-pipeline"))
        rename_referenced_output(document)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "renamed.yaml")
            with open(path, "w", encoding="utf-8") as stream:
                yaml.safe_dump(document, stream, sort_keys=False)
            process = subprocess.run([sys.executable, os.path.join(HERE, "validate_argo.py"),
                                      "--refs", path], capture_output=True, text=True,
                                     check=False)
            self.assertEqual(process.returncode, 1, process.stdout)
            self.assertIn("[output-declared]", process.stdout)
            process = subprocess.run([sys.executable, os.path.join(HERE, "validate_argo.py"),
                                      path], capture_output=True, text=True, check=False)
            self.assertEqual(process.returncode, 0, process.stdout)  # rules need --refs




if __name__ == "__main__":
    sys.exit(test_report.run_module(__name__))
