#!/usr/bin/env python3
"""Strictly validate Kubeflow Pipelines v2 IR YAML with KFP's own protos and rules.

Usage:
    python3 validate_kfp.py FILE...

The protos come from PyPI (kfp-pipeline-spec, and kfp-kubernetes for the
Kubernetes platform config), the loader from the KFP SDK (kfp) and the CEL
parser from cel-python (celpy); see deps/python-test-requirements.txt.  When
`kfp.pipeline_spec` cannot be imported the script prints one line to stderr
and exits with status 3, so callers can report the check as skipped.  Without
the SDK or celpy the rules that need them (a, c) are skipped and a
`SKIPPED: ...` line says so before the summary.

Output: per file `OK   <file>  (N components, M root tasks, sdk V)`, or
`FAIL <file>` followed by one indented line per error; then any `SKIPPED`
lines; then `K/N valid`.  Exit status: 0 when every file is valid, 1 when any
is not, 2 on a usage error, 3 when the protos are missing.  Every error starts
with the path of the field at fault (`root.dag.tasks.train.inputs.parameters.
epochs.runtimeValue: ...`).

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
     component (of the same kind: an output artifact read as a parameter is
     named as such); componentInputParameter / componentInputArtifact name an
     input of the enclosing component; iterator items name one of the task's
     inputs; DAG outputs select declared outputs of tasks of that DAG; task
     dependencies have no cycle.

  KFP's own rules, what the SDK's compiler or the backend's driver refuses
  (kubeflow/pipelines: sdk/python/kfp, backend/src/v2; each function cites
  the code it mirrors):

  a. The SDK's loader reads the file as written:
     kfp.components.load_component_from_text (dsl/structures.py
     ComponentSpec.from_yaml_documents: one or two documents, pipelineInfo,
     known types, ...); its exception is the error.
  b. Each task's arguments fit its component's inputs (dsl/base_component.py
     BaseComponent.__call__, dsl/pipeline_task.py PipelineTask.__init__,
     dsl/types/type_utils.py verify_type_compatibility; driver/resolve.go
     resolveInputs):
       - every input parameter without defaultValue and not isOptional, and
         every input artifact not isOptional, has an argument (the iterator's
         itemInput is filled by the driver);
       - no argument names an input the component does not declare, nor an
         artifact input as a parameter or the reverse;
       - a runtimeValue.constant has the JSON type of the input's
         parameterType: STRING a string, NUMBER_INTEGER an integer,
         NUMBER_DOUBLE a number, BOOLEAN a bool, LIST a list, STRUCT an
         object (null fits none);
       - a taskOutputParameter reads an output parameter of the same
         parameterType (check_parameter_type_compatibility: equal names; no
         exception applies to task outputs; values passed through a
         parameterExpressionSelector are not compared);
       - a TASK_FINAL_STATUS input is filled by taskFinalStatus, and
         taskFinalStatus fills nothing else;
       - a taskOutputArtifact reads an output artifact of a compatible type
         (check_artifact_type_compatibility: lists only meet lists;
         system.Artifact meets any type; else the same schemaTitle and the
         same major schemaVersion);
       - every input parameter's defaultValue (of the root and of every
         component) has the JSON type of its parameterType, as a constant
         argument must.
  c. triggerPolicy.condition parses as CEL (cel-python); it uses no variable
     but the ExecutorInput's `inputs` and `outputs` (and those comprehension
     macros bind), only fields ExecutorInput has, not the deprecated
     inputs.parameters the driver never fills, and every
     inputs.parameter_values['X'] (or .X) and inputs.artifacts['X'] it reads
     is an input of the task's component (expression/expression.go
     Condition; compiler/pipeline_spec_builder.py).
  d. A parameterIterator's items come from an input the component declares
     LIST (dsl/for_loop.py from_pipeline_channel) or from items.raw, a
     non-empty JSON list (from_raw_items; driver/dag.go getItems) whose items
     fit itemInput's parameterType; an artifactIterator's items from an input
     declared isArtifactList.

Not compared: the types of componentInputParameter / componentInputArtifact
arguments (the SDK relaxes them for loop items, and a parameterExpressionSelector
changes them), DAG output types (a loop's outputs are collected into a LIST),
and constants against an input's `literals`.

Caveat: ParseDict accepts both lowerCamelCase JSON names and snake_case
proto names (`executor_label`), as the backend's protojson does; Struct and
Value fields (runtimeValue.constant, defaultValue) accept any JSON before
rule b looks at them.
"""

import argparse
import functools
import json
import sys
from typing import NamedTuple

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


def parse_documents(text):
    """The YAML documents of `text` as JSON values (empty documents dropped)."""
    documents = [d for d in yaml.load_all(text, Loader=_YamlLoader) if d is not None]
    return [json.loads(json.dumps(d, default=str)) for d in documents]


def load_documents(path):
    with open(path, encoding="utf-8") as stream:
        return parse_documents(stream.read())


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
        if component is not None and kind:
            self.check_output_declared(where, producer, component, kind, key)

    def check_output_declared(self, where, producer, component, kind, key):
        """`component` (of task `producer`) declares output `key` among its `kind`."""
        if key in getattr(component.output_definitions, kind):
            return
        other = "artifacts" if kind == "parameters" else "parameters"
        hint = (f" (it is an output {other[:-1]}: parameters and artifacts are wired apart)"
                if key in getattr(component.output_definitions, other) else "")
        self.errors.append(f"{where}: task {producer!r} has no output {kind[:-1]} {key!r}{hint}")

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
        if component is not None:
            self.check_output_declared(where, task_name, component, kind, key)

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


# ------------------------------------------------------------ KFP's own rules
#
# What the KFP SDK's compiler refuses to write and the KFP backend's driver
# refuses to run, beyond the protos and the references above.  Each rule family
# is one function over the parsed PipelineSpec that returns error strings; they
# walk the tasks of every DAG with walk_tasks().

class TaskSite(NamedTuple):
    """One task of one DAG, with what the rules look up around it."""
    where: str         # "root.dag.tasks.NAME" or "components.C.dag.tasks.NAME"
    task: object       # ml_pipelines.PipelineTaskSpec
    siblings: object   # the tasks of the same DAG, by name
    components: object  # PipelineSpec.components

    def component_of(self, task):
        """The ml_pipelines.ComponentSpec `task` runs, or None."""
        return self.components.get(task.component_ref.name)

    @property
    def component(self):
        return self.component_of(self.task)


def walk_tasks(spec):
    """Every task of the root DAG and of every DAG component, in a stable order."""
    dags = [("root", spec.root)] + [(f"components.{name}", component)
                                    for name, component in sorted(spec.components.items())]
    for where, component in dags:
        if component.WhichOneof("implementation") != "dag":
            continue
        tasks = component.dag.tasks
        for name, task in sorted(tasks.items()):
            yield TaskSite(f"{where}.dag.tasks.{name}", task, tasks, spec.components)


def parameter_type_name(parameter):
    """The parameterType of a component input or output parameter, as its enum name."""
    enum = parameter.DESCRIPTOR.fields_by_name["parameter_type"].enum_type
    return enum.values_by_number[parameter.parameter_type].name


# The JSON kinds of a runtimeValue.constant that each parameterType takes.  This
# is the SDK's rule (PipelineTask.__init__ runs type_utils.verify_type_compatibility,
# which compares the constant's Python type with the input's: a str for STRING,
# an int for NUMBER_INTEGER), except that NUMBER_DOUBLE takes any number, as the
# backend's driver does (resolve.go handleParamTypeValidationAndConversion) and
# as JSON cannot tell 1 from 1.0.  The driver is laxer for STRING (it writes any
# value as text).  null fits no type: the SDK takes no None constant
# (type_utils._get_type_string_from_component_argument) and the driver refuses
# null for the other types ("got null for input parameter").
CONSTANT_KINDS = {
    "STRING": {"string"},
    "NUMBER_INTEGER": {"integer"},
    "NUMBER_DOUBLE": {"integer", "number"},
    "BOOLEAN": {"bool"},
    "LIST": {"list"},
    "STRUCT": {"object"},
}


def value_kind(value):
    """The JSON kind of a google.protobuf.Value (string, integer, number, bool, list, ...)."""
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        # google.protobuf.Value holds numbers as doubles: 3 and 3.0 are one value.
        return "integer" if float(value.number_value).is_integer() else "number"
    return {"string_value": "string", "bool_value": "bool", "list_value": "list",
            "struct_value": "object"}.get(kind, "null")


def constant_kind(runtime_value):
    """The JSON kind of a ValueOrRuntimeParameter's constant, or None for a runtime parameter."""
    which = runtime_value.WhichOneof("value")
    if which == "constant":
        return value_kind(runtime_value.constant)
    if which == "constant_value":  # the deprecated ml_pipelines.Value
        return {"int_value": "integer", "double_value": "number",
                "string_value": "string"}.get(runtime_value.constant_value.WhichOneof("value"))
    return None


def json_text(message):
    """A protobuf message (a constant, a default) as JSON, shortened for a message."""
    from google.protobuf import json_format  # comes with kfp-pipeline-spec
    text = json.dumps(json_format.MessageToDict(message))
    return text if len(text) <= 60 else text[:57] + "..."


def artifact_types_compatible(given, expected):
    """type_utils.check_artifact_type_compatibility on IR artifact specs.

    Lists of artifacts only meet lists; system.Artifact on either side takes
    any artifact; otherwise the schema titles are equal and the schema
    versions share their major number.  Types given by schemaUri or
    instanceSchema (not written by the SDK) are not compared.
    """
    if given.is_artifact_list != expected.is_artifact_list:
        return False
    given_type, expected_type = given.artifact_type, expected.artifact_type
    if given_type.WhichOneof("kind") != "schema_title" or \
            expected_type.WhichOneof("kind") != "schema_title":
        return True
    if "system.Artifact" in (given_type.schema_title, expected_type.schema_title):
        return True
    return (given_type.schema_title == expected_type.schema_title and
            given_type.schema_version.split(".")[0] == expected_type.schema_version.split(".")[0])


def artifact_type_text(artifact):
    """An artifact input or output's type as the SDK writes it: `system.Model@0.0.1`."""
    schema = artifact.artifact_type
    text = f"{schema.schema_title}@{schema.schema_version}" if schema.schema_title else \
        schema.WhichOneof("kind") or "untyped"
    return f"List[{text}]" if artifact.is_artifact_list else text


def task_input_errors(spec):
    """Rule family b: each task's arguments against its component's inputs.

    Mirrors the SDK building a task (dsl/base_component.py BaseComponent.__call__:
    missing required arguments, unexpected keyword arguments;
    dsl/pipeline_task.py PipelineTask.__init__: type_utils.verify_type_compatibility
    on every argument) and the backend's driver resolving it
    (backend/src/v2/driver/resolve.go resolveInputs: "neither value nor default
    value provided for non-optional parameter", parameter type mismatches).
    """
    errors = default_value_errors(spec)
    for site in walk_tasks(spec):
        if site.component is None:
            continue  # componentRef is reported by the reference checks
        errors += required_input_errors(site)
        errors += undeclared_input_errors(site)
        errors += parameter_argument_errors(site)
        errors += artifact_argument_errors(site)
    return errors


def default_value_errors(spec):
    """Each input parameter's defaultValue has the JSON type of its parameterType.

    A DAG driver hands an optional input its defaultValue and type-checks it like
    any argument (resolve.go resolveInputs, isDagDriver); a root default is the
    run's value of that parameter, type-checked by every task it reaches.
    """
    errors = []
    components = [("root", spec.root)] + [(f"components.{name}", component)
                                          for name, component in sorted(spec.components.items())]
    for where, component in components:
        for name, parameter in sorted(component.input_definitions.parameters.items()):
            if not parameter.HasField("default_value"):
                continue
            expected = parameter_type_name(parameter)
            given = value_kind(parameter.default_value)
            if expected in CONSTANT_KINDS and given not in CONSTANT_KINDS[expected]:
                errors.append(f"{where}.inputDefinitions.parameters.{name}.defaultValue: "
                              f"{json_text(parameter.default_value)} is a JSON {given}; the input "
                              f"is {expected}")
    return errors


def required_input_errors(site):
    """Every input without defaultValue and not isOptional has an argument.

    The SDK counts a parameter with a defaultValue as optional even without
    isOptional (structures.InputSpec.from_ir_component_inputs_dict); the
    iterator's itemInput is filled by the backend, not by the task (resolve.go
    skips it for the iterator's own driver).
    """
    errors = []
    definitions = site.component.input_definitions
    item_inputs = {site.task.parameter_iterator.item_input, site.task.artifact_iterator.item_input}
    for name, parameter in sorted(definitions.parameters.items()):
        if parameter.is_optional or parameter.HasField("default_value") or name in item_inputs:
            continue
        if name not in site.task.inputs.parameters:
            errors.append(f"{site.where}.inputs.parameters: required input parameter {name!r} "
                          f"({parameter_type_name(parameter)}) of component "
                          f"{site.task.component_ref.name!r} has no argument (it has no "
                          "defaultValue and is not isOptional)")
    for name, artifact in sorted(definitions.artifacts.items()):
        if artifact.is_optional or name in item_inputs:
            continue
        if name not in site.task.inputs.artifacts:
            errors.append(f"{site.where}.inputs.artifacts: required input artifact {name!r} "
                          f"of component {site.task.component_ref.name!r} has no argument "
                          "(it is not isOptional)")
    return errors


def undeclared_input_errors(site):
    """No argument names an input the component does not declare, or declares as the other kind.

    BaseComponent.__call__ raises "got an unexpected keyword argument"; an
    artifact and a parameter never meet (verify_type_compatibility:
    given_is_param != expected_is_param).
    """
    errors = []
    definitions = site.component.input_definitions
    component = site.task.component_ref.name
    for kind, declared, other in (("parameters", definitions.parameters, definitions.artifacts),
                                  ("artifacts", definitions.artifacts, definitions.parameters)):
        for name in sorted(getattr(site.task.inputs, kind)):
            if name in declared:
                continue
            if name in other:
                errors.append(f"{site.where}.inputs.{kind}.{name}: {name!r} is an input "
                              f"{'artifact' if kind == 'parameters' else 'parameter'} of "
                              f"component {component!r}, given as {kind[:-1]}")
            else:
                errors.append(f"{site.where}.inputs.{kind}.{name}: component {component!r} "
                              f"declares no input {kind[:-1]} {name!r}")
    return errors


def parameter_argument_errors(site):
    """Each parameter argument has the type of the input it fills.

    A constant has the JSON type of the input's parameterType (CONSTANT_KINDS);
    a taskOutputParameter reads an output parameter of the same parameterType
    (type_utils.check_parameter_type_compatibility: the names are equal; the
    one relaxation, a loop item given as String, is a componentInputParameter,
    which is not compared here, nor is a value passed through a
    parameterExpressionSelector); a TASK_FINAL_STATUS input is filled by
    taskFinalStatus and taskFinalStatus fills nothing else
    (compiler/pipeline_spec_builder.py build_task_spec_for_exit_task).
    """
    errors = []
    declared = site.component.input_definitions.parameters
    for name, argument in sorted(site.task.inputs.parameters.items()):
        if name not in declared:
            continue
        at = f"{site.where}.inputs.parameters.{name}"
        expected = parameter_type_name(declared[name])
        kind = argument.WhichOneof("kind")
        if (expected == "TASK_FINAL_STATUS") != (kind == "task_final_status"):
            errors.append(f"{at}: input {name!r} is {expected}; "
                          + ("only taskFinalStatus fills it" if expected == "TASK_FINAL_STATUS"
                             else "taskFinalStatus fills only a TASK_FINAL_STATUS input"))
        elif kind == "runtime_value":
            given = constant_kind(argument.runtime_value)
            if given is not None and expected in CONSTANT_KINDS and \
                    given not in CONSTANT_KINDS[expected]:
                runtime_value = argument.runtime_value
                constant = getattr(runtime_value, runtime_value.WhichOneof("value"))
                errors.append(f"{at}.runtimeValue: constant {json_text(constant)} is a JSON "
                              f"{given}; input {name!r} is {expected}")
        elif kind == "task_output_parameter" and not argument.parameter_expression_selector:
            errors += producer_parameter_errors(f"{at}.taskOutputParameter", site,
                                                argument.task_output_parameter, expected)
    return errors


def producer_parameter_errors(where, site, output, expected):
    """The output parameter a taskOutputParameter reads has the input's parameterType."""
    producer = site.siblings.get(output.producer_task)
    component = site.component_of(producer) if producer is not None else None
    if component is None:
        return []  # an unknown producer or component is a reference error
    declared = component.output_definitions.parameters.get(output.output_parameter_key)
    if declared is None:
        return []  # an undeclared output is a reference error
    given = parameter_type_name(declared)
    if "PARAMETER_TYPE_ENUM_UNSPECIFIED" in (given, expected) or given == expected:
        return []
    return [f"{where}: output {output.output_parameter_key!r} of task {output.producer_task!r} "
            f"is {given}, the input is {expected} (KFP wants the same parameterType)"]


def artifact_argument_errors(site):
    """Each taskOutputArtifact reads an output artifact whose type the input takes."""
    errors = []
    declared = site.component.input_definitions.artifacts
    for name, argument in sorted(site.task.inputs.artifacts.items()):
        if name not in declared or argument.WhichOneof("kind") != "task_output_artifact":
            continue
        output = argument.task_output_artifact
        producer = site.siblings.get(output.producer_task)
        component = site.component_of(producer) if producer is not None else None
        given = None if component is None else \
            component.output_definitions.artifacts.get(output.output_artifact_key)
        if given is not None and not artifact_types_compatible(given, declared[name]):
            errors.append(f"{site.where}.inputs.artifacts.{name}.taskOutputArtifact: output "
                          f"{output.output_artifact_key!r} of task {output.producer_task!r} is "
                          f"{artifact_type_text(given)}, the input takes "
                          f"{artifact_type_text(declared[name])}")
    return errors


# CEL names a KFP condition may use besides the ExecutorInput's fields: type
# names (`type(x) == int`) and the variables comprehension macros bind.
CEL_TYPE_NAMES = {"bool", "bytes", "double", "dyn", "int", "list", "map", "null_type", "string",
                  "type", "uint"}
CEL_MACROS = {"all", "exists", "exists_one", "map", "filter"}


def condition_errors(spec, cel):
    """Rule family c: each triggerPolicy.condition is CEL over the task's own inputs.

    The backend's driver compiles the condition with cel-go in an environment
    whose variables are the fields of ml_pipelines.ExecutorInput
    (backend/src/v2/expression/expression.go New, Condition; called from
    driver/container.go and driver/dag.go) and evaluates it over the task's
    resolved inputs (driver/resolve.go resolveInputs, which fills
    inputs.parameter_values and inputs.artifacts, never the deprecated
    inputs.parameters).  The SDK writes `inputs.parameter_values['NAME']` for
    each operand, NAME an input of the task's component
    (compiler/pipeline_spec_builder.py _resolve_condition_operands).  The
    condition is parsed with cel-python; its variables and the keys it reads
    from inputs are checked against ExecutorInput and the component.
    """
    errors = []
    for site in walk_tasks(spec):
        condition = site.task.trigger_policy.condition
        if not condition:
            continue
        at = f"{site.where}.triggerPolicy.condition"
        try:
            tree = cel.Environment().compile(condition)
        except cel.CELParseError as error:
            position = f" at line {error.line}, column {error.column}" if error.line else ""
            errors.append(f"{at}: not a CEL expression (cel-python{position}): {condition!r}")
            continue
        errors += [f"{at}: {problem}" for problem in condition_read_problems(tree, site)]
    return errors


def cel_variable(member):
    """The variable a CEL `member` node is, when it is a bare identifier; else None."""
    if getattr(member, "data", None) != "member" or len(member.children) != 1:
        return None
    primary = member.children[0]
    if getattr(primary, "data", None) != "primary" or \
            getattr(primary.children[0], "data", None) != "ident":
        return None
    return str(primary.children[0].children[0])


def cel_inputs_field(member):
    """F when a CEL `member` node is `inputs.F`; else None."""
    if getattr(member, "data", None) != "member" or len(member.children) != 1:
        return None
    select = member.children[0]
    if getattr(select, "data", None) != "member_dot" or \
            cel_variable(select.children[0]) != "inputs":
        return None
    return str(select.children[1])


def cel_unwrap(expr, data):
    """The `data` node an expression is made of alone (expr > ... > member > ...), or None."""
    node = expr
    while getattr(node, "data", None) != data:
        if not hasattr(node, "children") or len(node.children) != 1:
            return None
        node = node.children[0]
    return node


def cel_string_literal(expr):
    """The value of a CEL expression that is one string literal; else None."""
    from celpy.evaluation import celstr
    literal = cel_unwrap(expr, "literal")
    if literal is None or literal.children[0].type not in ("STRING_LIT", "MLSTRING_LIT"):
        return None
    return str(celstr(literal.children[0]))


def executor_input_fields(message):
    """{"inputs": [its fields], "outputs": [...]}: the variables of a KFP condition."""
    executor_input = message.DESCRIPTOR.file.pool.FindMessageTypeByName(
        "ml_pipelines.ExecutorInput")
    return {name: sorted(f.name for f in field.message_type.fields)
            for name, field in executor_input.fields_by_name.items()}


def cel_macro_variables(tree):
    """The names comprehension macros bind: `x` in `list.exists(x, x > 0)`."""
    return {cel_variable(cel_unwrap(node.children[2].children[0], "member"))
            for node in tree.iter_subtrees()
            if node.data == "member_dot_arg" and str(node.children[1]) in CEL_MACROS
            and len(node.children) > 2}


def condition_read_problems(tree, site):
    """What a parsed condition reads that the task's ExecutorInput will not hold."""
    fields = executor_input_fields(site.task)
    bound = cel_macro_variables(tree)
    problems = []
    for node in tree.iter_subtrees_topdown():
        if node.data == "ident":
            problems += cel_variable_problems(str(node.children[0]), fields, bound)
        elif node.data == "member_dot":
            variable = cel_variable(node.children[0])
            if variable in fields and variable not in bound:
                problems += cel_field_problems(variable, str(node.children[1]), fields)
        if node.data in ("member_index", "member_dot") and site.component is not None:
            problems += cel_input_key_problems(node, site)
    return problems


def cel_variable_problems(name, fields, bound):
    """cel-go's checker: an identifier is a declared variable (inputs, outputs)."""
    if name in fields or name in bound or name in CEL_TYPE_NAMES:
        return []
    return [f"unknown variable {name!r} (a KFP condition sees the fields of ExecutorInput: "
            f"{', '.join(sorted(fields))})"]


def cel_field_problems(variable, field, fields):
    """cel-go's checker: `inputs.F` names a field of ExecutorInput.Inputs, one the driver fills."""
    if field not in fields[variable]:
        return [f"{variable}.{field}: ExecutorInput.{variable} has no field {field!r} "
                f"(it has {', '.join(fields[variable])})"]
    if variable == "inputs" and field == "parameters":
        return ["inputs.parameters is never filled by the KFP backend's driver "
                "(it fills inputs.parameter_values)"]
    return []


def cel_input_key_problems(node, site):
    """`inputs.parameter_values['X']` (or `.X`) reads an input the task's component declares."""
    field = cel_inputs_field(node.children[0])
    if field not in ("parameter_values", "parameters", "artifacts"):
        return []
    key = cel_string_literal(node.children[1]) if node.data == "member_index" \
        else str(node.children[1])
    kind = "artifact" if field == "artifacts" else "parameter"
    declared = getattr(site.component.input_definitions, kind + "s")
    if key is None or key in declared:
        return []  # a key computed at run time is not followed
    return [f"inputs.{field}[{key!r}]: component {site.task.component_ref.name!r} declares no "
            f"input {kind} {key!r}"]


def iterator_errors(spec):
    """Rule family d: a loop's items are a list.

    The backend's driver iterates a parameterIterator over
    inputs.parameter_values[items.inputParameter] or over json.Unmarshal of
    items.raw, and fails unless that is a list (backend/src/v2/driver/dag.go
    DAG, getItems); the SDK writes inputParameter for a LIST channel and raw for
    a non-empty Python list (dsl/for_loop.py LoopParameterArgument.from_raw_items
    refuses an empty one).  Each item then fills itemInput, whose parameterType
    it must fit as any argument does (resolve.go
    handleParamTypeValidationAndConversion; a STRING item input takes any item,
    the SDK's relaxation for loop items in type_utils.verify_type_compatibility).
    An artifactIterator's items are an input declared isArtifactList.
    """
    errors = []
    for site in walk_tasks(spec):
        if site.component is None:
            continue
        iterator = site.task.WhichOneof("iterator")
        if iterator == "parameter_iterator":
            errors += parameter_iterator_errors(site, site.task.parameter_iterator)
        elif iterator == "artifact_iterator":
            errors += artifact_iterator_errors(site, site.task.artifact_iterator)
    return errors


def json_kind(value):
    """The JSON kind of a decoded JSON value, named as constant_kind() names it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "integer" if float(value).is_integer() else "number"
    return {str: "string", list: "list", dict: "object"}.get(type(value), "null")


def parameter_iterator_errors(site, iterator):
    """Items from a LIST input, or a non-empty raw JSON list whose items fit itemInput."""
    at = f"{site.where}.parameterIterator"
    declared = site.component.input_definitions.parameters
    kind = iterator.items.WhichOneof("kind")
    if kind == "input_parameter":
        name = iterator.items.input_parameter
        argument = site.task.inputs.parameters.get(name)
        if argument is not None and argument.parameter_expression_selector:
            return []  # a field of a loop item, which the SDK lets a nested loop iterate
        if name in declared and parameter_type_name(declared[name]) != "LIST":
            return [f"{at}.items.inputParameter: input {name!r} of component "
                    f"{site.task.component_ref.name!r} is {parameter_type_name(declared[name])},"
                    " not LIST"]
        return []
    if kind != "raw":
        return [f"{at}.items: neither inputParameter nor raw"]
    try:
        items = json.loads(iterator.items.raw)
    except ValueError as error:
        return [f"{at}.items.raw: not JSON ({error}): {iterator.items.raw!r}"]
    if not isinstance(items, list):
        return [f"{at}.items.raw: a JSON {json_kind(items)}, not a list"]
    if not items:
        return [f"{at}.items.raw: an empty list (the SDK refuses to loop over no items)"]
    item_input = declared.get(iterator.item_input)
    expected = parameter_type_name(item_input) if item_input is not None else "STRING"
    wrong = sorted({json_kind(item) for item in items} - CONSTANT_KINDS.get(expected, set()))
    if expected != "STRING" and expected in CONSTANT_KINDS and wrong:
        return [f"{at}.items.raw: items of JSON kind {', '.join(wrong)} do not fit itemInput "
                f"{iterator.item_input!r}, which is {expected}"]
    return []


def artifact_iterator_errors(site, iterator):
    """Items from an input declared isArtifactList."""
    name = iterator.items.input_artifact
    declared = site.component.input_definitions.artifacts.get(name)
    if declared is not None and not declared.is_artifact_list:
        return [f"{site.where}.artifactIterator.items.inputArtifact: input {name!r} of component "
                f"{site.task.component_ref.name!r} is not isArtifactList"]
    return []


def sdk_loader_errors(text, load_component_from_text):
    """Rule family a: the KFP SDK's own loader reads the file.

    kfp.components.load_component_from_text (components/load_yaml_utilities.py)
    builds a ComponentSpec from the PipelineSpec and PlatformSpec documents
    (dsl/structures.py ComponentSpec.from_yaml_documents, from_ir_dicts): at
    most two documents, pipelineInfo.name, known parameterTypes, artifact
    types with a schemaVersion, the executor or graph of the pipeline.
    """
    try:
        load_component_from_text(text)
    except Exception as error:  # pylint: disable=broad-except  (whatever the SDK raises)
        message = " ".join(str(error).split()) or repr(error)
        return [f"KFP SDK loader (kfp.components.load_component_from_text): "
                f"{type(error).__name__}: {message}"]
    return []


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


@functools.lru_cache(maxsize=None)
def import_sdk_loader():
    """(kfp.components.load_component_from_text, None), or (None, why it cannot be imported)."""
    try:
        from kfp.components import load_component_from_text
    except Exception as error:  # pylint: disable=broad-except  (ImportError, or a broken install)
        return None, f"kfp.components is not importable: {' '.join(str(error).split())}"
    return load_component_from_text, None


@functools.lru_cache(maxsize=None)
def import_cel():
    """(the celpy module, None), or (None, why it cannot be imported)."""
    try:
        import celpy
    except Exception as error:  # pylint: disable=broad-except
        return None, f"celpy (cel-python) is not importable: {' '.join(str(error).split())}"
    return celpy, None


def skipped_checks():
    """One line per rule family that cannot run on this machine."""
    lines = []
    if import_sdk_loader()[1]:
        lines.append(f"SKIPPED: the KFP SDK loader check ({import_sdk_loader()[1]}; "
                     "pip install -r deps/python-test-requirements.txt)")
    if import_cel()[1]:
        lines.append(f"SKIPPED: the triggerPolicy.condition CEL checks ({import_cel()[1]}; "
                     "pip install -r deps/python-test-requirements.txt)")
    return lines


def kfp_rule_errors(spec, text):
    """The rule families a-d (KFP's own rules) for one parsed pipeline."""
    load_component_from_text, _ = import_sdk_loader()
    cel, _ = import_cel()
    errors = sdk_loader_errors(text, load_component_from_text) if load_component_from_text else []
    errors += task_input_errors(spec)
    if cel is not None:
        errors += condition_errors(spec, cel)
    errors += iterator_errors(spec)
    return errors


def validate_documents(documents, protos, text=None):
    """Returns (errors, parsed PipelineSpec or None) for the documents of one file.

    `text` is the file as written, for the SDK's loader; by default the
    documents are written out again.
    """
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
    if spec is not None:
        if text is None:
            text = yaml.safe_dump_all(documents, sort_keys=False)
        errors += kfp_rule_errors(spec, text)
    return errors, spec


def validate_file(path, protos):
    """Returns (errors, parsed PipelineSpec or None) for one file."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
        documents = parse_documents(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return ["cannot read or parse: " + " ".join(str(error).split())], None
    return validate_documents(documents, protos, text)


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
    for line in skipped_checks():
        print(line)
    print(f"{len(args.files) - invalid}/{len(args.files)} valid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
