#!/usr/bin/env python3
"""Strictly validate Kubeflow Pipelines v2 IR YAML with KFP's own protos.

Usage:
    python3 validate_kfp.py FILE...

The protos come from PyPI (kfp-pipeline-spec, and kfp-kubernetes for the
Kubernetes platform config; see deps/python-test-requirements.txt).  When
`kfp.pipeline_spec` cannot be imported the script prints one line to stderr
and exits with status 3, so callers can report the check as skipped.

Output: per file `OK   <file>  (N components, M root tasks, sdk V)`, or
`FAIL <file>` followed by one indented line per error; then `K/N valid`.
Exit status: 0 when every file is valid, 1 when any is not, 2 on a usage
error, 3 when the protos are missing.

What is checked, per file:

  1. Document 0 is parsed as ml_pipelines.PipelineSpec with
     json_format.ParseDict(..., ignore_unknown_fields=False): unknown fields,
     wrong types, bad enum names and two members of one oneof are errors.
  2. Its deploymentSpec is a google.protobuf.Struct in PipelineSpec, so it is
     parsed again, just as strictly, as ml_pipelines.PipelineDeploymentConfig
     (what the KFP backend's compiler does with it).
  3. schemaVersion is 2.1.0, the version the KFP v2 SDK writes.
  4. Any further document is a ml_pipelines.PlatformSpec (strict); its
     executors must be executors of deploymentSpec, and the `kubernetes`
     platform's executor configs (Structs in the proto) are parsed strictly
     as kfp_kubernetes.KubernetesExecutorConfig (skipped without
     kfp-kubernetes).
  5. References that the proto cannot express, as the KFP backend resolves
     them: the root is a DAG; componentRef names a component;
     executorLabel names a deploymentSpec executor; dependentTasks,
     taskOutputParameter/Artifact.producerTask and taskFinalStatus name a task
     of the same DAG, and the output key is declared by the producer's
     component; componentInputParameter / componentInputArtifact name an
     input of the enclosing component; iterator items name one of the task's
     inputs; DAG outputs select declared outputs of tasks of that DAG; task
     dependencies have no cycle.

Caveat: ParseDict accepts both lowerCamelCase JSON names and snake_case
proto names (`executor_label`), as the backend's protojson does; Struct and
Value fields (runtimeValue.constant, defaultValue) accept any JSON.
"""

import argparse
import json
import sys

import yaml

SCHEMA_VERSION = "2.1.0"
MISSING_PROTOS = 3


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings, as the Go backend does."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers
            if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def import_protos():
    """Returns (pipeline_spec_pb2, kubernetes_executor_config_pb2 or None); None, None if absent."""
    try:
        from kfp.pipeline_spec import pipeline_spec_pb2
    except ImportError:
        return None, None
    try:
        from kfp.kubernetes import kubernetes_executor_config_pb2
    except ImportError:
        kubernetes_executor_config_pb2 = None
    return pipeline_spec_pb2, kubernetes_executor_config_pb2


def load_documents(path):
    with open(path, encoding="utf-8") as stream:
        documents = [d for d in yaml.load_all(stream, Loader=_YamlLoader) if d is not None]
    return [json.loads(json.dumps(d, default=str)) for d in documents]


def parse_strictly(value, message, where, errors):
    """Fills `message` from a JSON value; returns it, or None after recording an error."""
    from google.protobuf import json_format  # comes with kfp-pipeline-spec
    if not isinstance(value, dict):
        errors.append(f"{where}: expected an object, found {type(value).__name__}")
        return None
    try:
        json_format.ParseDict(value, message, ignore_unknown_fields=False)
    except (json_format.ParseError, TypeError, ValueError) as error:
        errors.append(f"{where}: {error}")
        return None
    return message


# ---------------------------------------------------------- reference checks

def find_cycle(graph):
    """A cycle of `graph` ({task: [tasks it waits for]}) as a list of names, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for before in graph.get(node, ()):
            if state.get(before) == "open":
                return trail[trail.index(before):] + [before]
            if before in graph and before not in state:
                cycle = visit(before, trail + [before])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


class ReferenceChecker:
    """Cross-reference checks over a parsed PipelineSpec and its executors."""

    def __init__(self, spec, executors):
        self.spec = spec
        self.executors = executors
        self.errors = []

    def check(self):
        for name, component in sorted(self.spec.components.items()):
            self.check_component(f"components.{name}", component)
        if self.spec.root.WhichOneof("implementation") != "dag":
            self.errors.append("root.dag: the pipeline root must be a DAG")
        else:
            self.check_dag("root", self.spec.root)
        return self.errors

    def component_of(self, task):
        return self.spec.components.get(task.component_ref.name)

    def check_component(self, where, component):
        kind = component.WhichOneof("implementation")
        if kind == "executor_label" and component.executor_label not in self.executors:
            self.errors.append(f"{where}.executorLabel: {component.executor_label!r} "
                               "not in deploymentSpec.executors")
        elif kind == "dag":
            self.check_dag(where, component)

    def check_dag(self, where, component):
        tasks = component.dag.tasks
        for name, task in sorted(tasks.items()):
            self.check_task(f"{where}.dag.tasks.{name}", task, tasks, component)
        self.check_dag_outputs(f"{where}.dag.outputs", component.dag.outputs, tasks)
        cycle = find_cycle({name: self.upstream(task) for name, task in tasks.items()})
        if cycle:
            self.errors.append(f"{where}.dag.tasks: dependency cycle {' -> '.join(cycle)}")

    @staticmethod
    def upstream(task):
        """Tasks this task waits for: dependentTasks and producers of its inputs."""
        names = set(task.dependent_tasks)
        for spec in task.inputs.parameters.values():
            names.add(spec.task_output_parameter.producer_task)
            names.add(spec.task_final_status.producer_task)
        for spec in task.inputs.artifacts.values():
            names.add(spec.task_output_artifact.producer_task)
        names.discard("")
        return sorted(names)

    def check_task(self, where, task, siblings, enclosing):
        if self.component_of(task) is None:
            self.errors.append(f"{where}.componentRef.name: {task.component_ref.name!r} "
                               "not in components")
        for name in task.dependent_tasks:
            if name not in siblings:
                self.errors.append(f"{where}.dependentTasks: {name!r} is not a task of this DAG")
        self.check_task_parameters(where, task, siblings, enclosing)
        self.check_task_artifacts(where, task, siblings, enclosing)
        self.check_iterator(where, task)

    def check_producer(self, where, producer, siblings, kind=None, key=None):
        """`producer` is a sibling task whose component declares output `key` of `kind`."""
        if producer not in siblings:
            self.errors.append(f"{where}.producerTask: {producer!r} is not a task of this DAG")
            return
        component = self.component_of(siblings[producer])
        outputs = getattr(component.output_definitions, kind) if component and kind else None
        if outputs is not None and key not in outputs:
            self.errors.append(f"{where}: task {producer!r} has no output {kind[:-1]} {key!r}")

    def check_task_parameters(self, where, task, siblings, enclosing):
        declared = enclosing.input_definitions.parameters
        for name, spec in sorted(task.inputs.parameters.items()):
            at = f"{where}.inputs.parameters.{name}"
            kind = spec.WhichOneof("kind")
            if kind == "task_output_parameter":
                out = spec.task_output_parameter
                self.check_producer(f"{at}.taskOutputParameter", out.producer_task, siblings,
                                    "parameters", out.output_parameter_key)
            elif kind == "task_final_status":
                self.check_producer(f"{at}.taskFinalStatus", spec.task_final_status.producer_task,
                                    siblings)
            elif kind == "component_input_parameter" and \
                    spec.component_input_parameter not in declared:
                self.errors.append(f"{at}.componentInputParameter: "
                                   f"{spec.component_input_parameter!r} is not an input "
                                   "parameter of the enclosing component")

    def check_task_artifacts(self, where, task, siblings, enclosing):
        declared = enclosing.input_definitions.artifacts
        for name, spec in sorted(task.inputs.artifacts.items()):
            at = f"{where}.inputs.artifacts.{name}"
            kind = spec.WhichOneof("kind")
            if kind == "task_output_artifact":
                out = spec.task_output_artifact
                self.check_producer(f"{at}.taskOutputArtifact", out.producer_task, siblings,
                                    "artifacts", out.output_artifact_key)
            elif kind == "component_input_artifact" and \
                    spec.component_input_artifact not in declared:
                self.errors.append(f"{at}.componentInputArtifact: "
                                   f"{spec.component_input_artifact!r} is not an input "
                                   "artifact of the enclosing component")

    def check_iterator(self, where, task):
        iterator = task.WhichOneof("iterator")
        if iterator == "parameter_iterator":
            items = task.parameter_iterator.items
            if items.WhichOneof("kind") == "input_parameter" and \
                    items.input_parameter not in task.inputs.parameters:
                self.errors.append(f"{where}.parameterIterator.items.inputParameter: "
                                   f"{items.input_parameter!r} is not an input of the task")
        elif iterator == "artifact_iterator":
            name = task.artifact_iterator.items.input_artifact
            if name not in task.inputs.artifacts:
                self.errors.append(f"{where}.artifactIterator.items.inputArtifact: "
                                   f"{name!r} is not an input of the task")

    def check_selector(self, where, task_name, kind, key, tasks):
        if task_name not in tasks:
            self.errors.append(f"{where}.producerSubtask: {task_name!r} is not a task of this DAG")
            return
        component = self.component_of(tasks[task_name])
        if component is not None and key not in getattr(component.output_definitions, kind):
            self.errors.append(f"{where}: task {task_name!r} has no output {kind[:-1]} {key!r}")

    def check_dag_outputs(self, where, outputs, tasks):
        for name, spec in sorted(outputs.parameters.items()):
            at = f"{where}.parameters.{name}"
            if spec.WhichOneof("kind") == "value_from_parameter":
                selectors = [spec.value_from_parameter]
            else:
                selectors = list(spec.value_from_oneof.parameter_selectors)
            for selector in selectors:
                self.check_selector(at, selector.producer_subtask, "parameters",
                                    selector.output_parameter_key, tasks)
        for name, spec in sorted(outputs.artifacts.items()):
            for selector in spec.artifact_selectors:
                self.check_selector(f"{where}.artifacts.{name}", selector.producer_subtask,
                                    "artifacts", selector.output_artifact_key, tasks)


# ------------------------------------------------------------------ per file

def platform_errors(index, document, executors, protos):
    """Checks one platform-spec document (document `index` of the file)."""
    pipeline_spec_pb2, kubernetes_pb2 = protos
    errors = []
    where = f"doc{index}"
    if parse_strictly(document, pipeline_spec_pb2.PlatformSpec(),
                      f"{where}.PlatformSpec", errors) is None:
        return errors
    for platform, config in sorted((document.get("platforms") or {}).items()):
        platform_executors = ((config or {}).get("deploymentSpec") or {}).get("executors") or {}
        for name, executor in sorted(platform_executors.items()):
            at = f"{where}.platforms.{platform}.deploymentSpec.executors.{name}"
            if name not in executors:
                errors.append(f"{at}: not an executor of deploymentSpec")
            if platform == "kubernetes" and kubernetes_pb2 is not None:
                parse_strictly(executor, kubernetes_pb2.KubernetesExecutorConfig(), at, errors)
    return errors


def validate_documents(documents, protos):
    """Returns (errors, parsed PipelineSpec or None) for the documents of one file."""
    pipeline_spec_pb2 = protos[0]
    if not documents:
        return ["no YAML documents"], None
    if not all(isinstance(d, dict) for d in documents):
        return ["every document must be a mapping"], None
    pipeline, errors = documents[0], []
    spec = parse_strictly(pipeline, pipeline_spec_pb2.PipelineSpec(), "PipelineSpec", errors)
    deployment = parse_strictly(pipeline.get("deploymentSpec") or {},
                                pipeline_spec_pb2.PipelineDeploymentConfig(),
                                "deploymentSpec", errors)
    if pipeline.get("schemaVersion") != SCHEMA_VERSION:
        errors.append(f"schemaVersion: {pipeline.get('schemaVersion')!r}, "
                      f"expected {SCHEMA_VERSION!r}")
    executors = set(deployment.executors) if deployment is not None else set()
    if spec is not None and deployment is not None:
        errors += ReferenceChecker(spec, executors).check()
    for index, document in enumerate(documents[1:], start=1):
        errors += platform_errors(index, document, executors, protos)
    return errors, spec


def validate_file(path, protos):
    """Returns (errors, parsed PipelineSpec or None) for one file."""
    try:
        documents = load_documents(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return ["cannot read or parse: " + " ".join(str(error).split())], None
    return validate_documents(documents, protos)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Strictly validate KFP v2 pipeline YAML with KFP's protos.")
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)
    protos = import_protos()
    if protos[0] is None:
        print("validate_kfp: kfp.pipeline_spec is not importable "
              "(pip install -r deps/python-test-requirements.txt)", file=sys.stderr)
        return MISSING_PROTOS
    invalid = 0
    for path in args.files:
        errors, spec = validate_file(path, protos)
        if errors:
            invalid += 1
            print(f"FAIL {path}")
            for error in errors:
                print(f"     {error}")
        else:
            print(f"OK   {path}  ({len(spec.components)} components, "
                  f"{len(spec.root.dag.tasks)} root tasks, sdk {spec.sdk_version})")
    print(f"{len(args.files) - invalid}/{len(args.files)} valid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
