#!/usr/bin/env python3
"""Validate Argo Workflows YAML against Argo's published JSON schema.

Usage:
    python3 validate_argo.py [--schema PATH] [--loose] [--refs]
                             [--ignore-other-kinds] [--max-errors N] FILE...

Every YAML document in every FILE is checked against the schema definition
named by its `kind`: Workflow, WorkflowTemplate, ClusterWorkflowTemplate,
CronWorkflow or WorkflowEventBinding.  One line is printed per file,
`OK <file>` or `FAIL <file>: <error> | <error> ...`; each error starts with
a JSON path (`$.spec.templates[0].name`) and, in a file with several
documents, a `docN ` prefix.  Exit status: 0 when every file passes, 1 when
any fails, 2 on a usage error or an unreadable schema.

The schema (data/argo/schema.json, Argo's api/jsonschema/schema.json; see
data/argo/SOURCES.md) is generated from swagger and differs from what Argo's
Go types accept, so it is patched before use:

  * IntOrString (k8s.io/apimachinery util/intstr) is `integer | string`;
    the raw schema says string, but `retryStrategy.limit: 3` is valid.
  * Quantity (k8s.io/apimachinery api/resource) is a number or a string in
    Kubernetes' quantity syntax (`1`, `500m`, `2Gi`); `2GB` is rejected.
  * Argo's AnyString fields (Parameter value/default/description/enum[],
    ValueFrom default) take any scalar, as Go's unmarshalling does.
  * Strict by default: an object schema with `properties` and no
    `additionalProperties` is closed, so misspelled or unknown fields are
    errors (the raw schema never sets additionalProperties: false).  With
    --loose the schema is used as published, plus the type patches.

Known gaps left as published: the schema requires container.image even
where spec.templateDefaults supplies one, and rejects `null` timestamps
(e.g. status.startedAt) that Go accepts.

With --refs, documents that pass the schema are also checked against rules
of Argo's workflow/validate/validate.go that a JSON schema cannot express:

  * ValidateWorkflow: metadata.name has at most 63 characters (52 for a
    CronWorkflow); a Workflow or CronWorkflow needs spec.entrypoint unless it
    uses workflowTemplateRef (which then forbids inline templates);
    entrypoint and onExit name a template of the document.
  * validateWorkflowFieldNames: template, step and task names are present,
    unique in their list, match [a-zA-Z0-9][-a-zA-Z0-9]* and have at most
    128 characters; parameter and artifact names (spec.arguments, template
    inputs and outputs) match [-a-zA-Z0-9_]+ and are unique.
  * validateTemplateType: each template has exactly one type (container,
    containerSet, steps, script, resource, dag, suspend, data, http, plugin).
  * validateTemplateHolder: a step or task `template` names a template of the
    document and is not combined with templateRef.
  * validateSteps / addItemsToScope: at most one of withItems, withParam,
    withSequence per step or task.
  * validateDAG: a DAG has tasks ([dag-has-tasks]); `dependencies` and
    `depends` name tasks of the same DAG and are not mixed in one DAG; task
    names do not begin with a digit when dependencies are used; `.AnySucceeded` / `.AllFailed` only
    refer to looped tasks; no dependency cycles; `target` names tasks.
  * ValidateCronWorkflow: not both schedule and schedules; each schedule is
    a standard five-field cron expression or descriptor (robfig/cron
    ParseStandard); concurrencyPolicy is Allow, Forbid or Replace;
    startingDeadlineSeconds is not negative.

Also under --refs, the semantic rules below.  Their messages read
`PATH: [rule] message`; `ctp` marks a rule that is stricter than Argo's
validator, either because the mistake passes validate.go and then fails or
misbehaves in the controller, or because ctp never relies on what Argo allows.

  1. Variables resolve in their scope (validateTemplate's scope building,
     resolveAllVariables, validateLeaf, validateSteps, validateDAG,
     validateOutputs, addOutputsToScope, addItemsToScope, validateInputs):
     * [variable-resolves] every {{...}} tag Argo checks (prefixes item.,
       steps., inputs., outputs., pod., workflow., tasks.) resolves where it
       is written, plus (ctp) `retries`, `lastRetry.*` (only in a template
       with a retryStrategy) and `node.*` (only node.name), which Argo leaves
       unresolved.  A leaf template reads its own inputs
       (inputs.parameters[.X], inputs.artifacts.X[.path]), pod.name (pod
       templates), the globals and, in its outputs and metrics, its own
       declared outputs (ctp: Argo lets any outputs.* through).  Globals:
       workflow.name/namespace/uid/status/mainEntrypoint/serviceAccountName,
       workflow.parameters[.X|.json] for declared spec.arguments parameters,
       workflow.labels.K / annotations.K for keys of metadata and
       spec.workflowMetadata (what ConvertCronWorkflowToWorkflow sets for a
       CronWorkflow), workflow.priority with spec.priority,
       workflow.creationTimestamp.*, workflow.duration, workflow.failures in
       the exit handler's templates, and workflow.outputs.parameters.X /
       artifacts.X where an output declares globalName X.  A DAG task reads
       tasks.T.* and a step steps.S.*: id, startedAt, finishedAt,
       hostNodeName, status, ip (daemons), exitCode and outputs.result
       (container, script, data, http, plugin or containerSet with a main
       container; a looped script), outputs.parameters (a task looping with
       withItems/withParam), outputs.parameters.X and outputs.artifacts.X.
       A '{{' without '}}' is an error (fasttemplate).
     * [output-declared] the output a reference names is declared by the
       template of the task or step (a DAG's outputs come from
       valueFrom.parameter / from), or by a globalName.
     * [reference-kind] (rule 2) a parameter is not read as an artifact and
       an artifact not as a parameter (inputs, task and step outputs, global
       outputs).
     * [ancestor-reference] (ctp; the controller's dag.go
       buildLocalScopeFromTask and steps.go) a task reads only its ancestors
       (validateDAGTaskArgumentDependency checks arguments that start with
       {{tasks.), a step only the steps of earlier groups, and a task or step
       its own status and outputs only in its hooks; a DAG's target and
       outputs read every task.
     * [item-in-loop] `item` and `item.KEY` only inside a task or step with
       withItems, withParam or withSequence (ctp for bare `item`, which Argo
       leaves unresolved); item.KEY must be a key of the withItems maps.
     * [template-parameter-declared] (ctp) a WorkflowTemplate reads only the
       workflow.parameters it declares (Argo accepts any in a template
       because a Workflow that references it may add them).
     * [scheduled-time-in-cron] (ctp) workflow.scheduledTime only in a
       CronWorkflow or a (Cluster)WorkflowTemplate (a plain Workflow keeps
       the literal tag).
     * Expression tags {{=...}}, and the expressions of fromExpression, an
       output's valueFrom.expression and a hook's expression, which Argo's
       validator skips (util/template Validate), are held to the same rules
       for the names they read: tasks['t'].outputs.parameters['p'],
       inputs.parameters.p, workflow.parameters['p'], item, ...
  2. Kinds (the controller's wfScope.resolveArtifact):
     * [argument-kind] an artifact argument's or DAG output artifact's
       `from` is one reference to an artifact; a parameter argument's value
       and a DAG output parameter's valueFrom.parameter hold no artifact
       reference.
  3. Templates can run:
     * [container-runs-something] (ctp) a container template has a command
       or args: ctp never relies on an image's entrypoint (Argo only needs
       an image, validateLeaf).
     * [script-runs-something] (ctp) a script template has source and
       command.
     * [steps-not-empty] (ctp) a steps template has steps and no empty group.
     * [resource-runs] validateLeaf: a resource action is get, create, apply,
       delete, replace or patch; other actions have manifest or manifestFrom.
     * [parallelism] validateLeaf: parallelism only on steps and dag
       templates.
  4. Arguments:
     * [required-inputs] common.ProcessArgs (validateTemplateHolder with the
       holder's arguments): a task, step or hook passes every input
       parameter that has no value, default or valueFrom, and every input
       artifact that is not optional and has no location or key.  The
       entrypoint of a Workflow or CronWorkflow (Workflow()), spec.onExit,
       a task's onExit and an exit hook without arguments get spec.arguments
       (DAGTask.GetExitHook); a WorkflowTemplate's entrypoint is not checked
       (FakeArguments).
     * [argument-declared] (ctp) an argument names an input the template
       declares: ProcessArgs only looks up declared inputs, so Argo drops
       the value silently.
     * [argument-values] validateArgumentsValues: a parameter argument has a
       value or a valueFrom limited to configMapKeyRef, event and supplied;
       an enum holds the value; an artifact argument has from, a location or
       a key, not both from and fromExpression.  spec.arguments parameters
       need a value in a Workflow and CronWorkflow, not in a template.
     * [inputs] validateInputs: no `from` in inputs; an input artifact's
       path only in leaf templates.
     * [outputs] validateOutputs / validateOutputParameter: an output
       parameter has value or valueFrom, not both, and exactly one valueFrom
       source; container and script templates use valueFrom.path, resource
       templates jqFilter or jsonPath, dag and steps templates parameter or
       expression; an output artifact's path only in leaf templates, and
       (ctp) a dag or steps output artifact has from or fromExpression;
       globalName is a valid parameter name.
  5. Exit handlers, retries, timeouts, loops:
     * [exit-handler] a task's or step's onExit and every hook name a
       template (they run through validateTemplateHolder at run time);
       hooks other than exit have an expression (validateHooks).
     * [retry-strategy] retryPolicy is Always, OnFailure, OnError or
       OnTransientError (validateTemplateHolder); limit and backoff.factor
       are integers, integer strings or {{...}} (intstr.Int32); backoff has
       a duration, and duration, maxDuration and cap are integer seconds or
       Go durations (ParseStringToDuration; the controller's
       processNodeRetries fails otherwise).
     * [timeouts] activeDeadlineSeconds only on leaf templates
       (validateNonLeaf) and a non-negative integer or {{...}}
       (validateLeaf, intstr.IsValidIntOrArgoVariable); timeout and
       pendingTimeout only on leaf templates (validateTemplate), timeout not
       a bare number, both Go durations (getTimeoutAsDeadline).
     * [loops] addItemsToScope: not both count and end in withSequence, and
       count/start/end are integers or {{...}}; withItems is a list without
       null items; withParam holds a {{...}} expression or a JSON list (the
       controller expands it as a JSON list).

Argo stops at its first error; these checks report every one.  Names and
references holding `{{...}}` are left alone, and so are templateRef targets
(their templates, inputs and outputs are unknown here) and inline templates.
"""

import argparse
import copy
import difflib
import json
import os
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"validate_argo: missing {error.name} "
             "(apt-get install python3-jsonschema python3-yaml)")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "data", "argo", "schema.json")

ARGO = "io.argoproj.workflow.v1alpha1."
KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate",
         "CronWorkflow", "WorkflowEventBinding")

# Kubernetes' quantity syntax (the pattern its CRD schemas use).
QUANTITY_PATTERN = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$")
QUANTITY_SCHEMA = {"anyOf": [{"type": "number"},
                             {"type": "string", "pattern": QUANTITY_PATTERN}]}
INT_OR_STRING_SCHEMA = {"type": ["integer", "string"]}
ANY_SCALAR_SCHEMA = {"type": ["string", "number", "boolean"]}

# workflow/validate/validate.go and util.go
FIELD_NAME_RE = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]*$")
FIELD_NAME_MAX = 128
PARAM_NAME_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
OBJECT_NAME_MAX = 63
CRON_WORKFLOW_NAME_MAX = 52
TEMPLATE_TYPES = ("container", "containerSet", "steps", "script", "resource",
                  "dag", "suspend", "data", "http", "plugin")
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")
# workflow/common/ancestry.go: a task name, optionally with `.Result`.
DEPENDS_TOKEN_RE = re.compile(
    r"([a-zA-Z0-9][-a-zA-Z0-9]*?)\.([A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)")
ITEM_RESULTS = ("AnySucceeded", "AllFailed")
LOOP_FIELDS = ("withItems", "withParam", "withSequence")


# ---------------------------------------------------------------- YAML input

class _YamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings, as Go's YAML to JSON does."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers
            if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_documents(path):
    """Returns the non-empty YAML documents of `path` as plain JSON values."""
    with open(path, encoding="utf-8") as stream:
        documents = [d for d in yaml.load_all(stream, Loader=_YamlLoader) if d is not None]
    # A JSON round trip turns non-string keys into strings, as Kubernetes does.
    return [json.loads(json.dumps(d, default=str)) for d in documents]


# -------------------------------------------------------------------- schema

def child_schemas(schema):
    """Yields the sub-schemas of a schema object (its applicator keywords)."""
    for keyword in ("properties", "definitions", "$defs", "patternProperties"):
        yield from (schema.get(keyword) or {}).values()
    for keyword in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(keyword), dict):
            yield schema[keyword]
    for keyword in ("allOf", "anyOf", "oneOf"):
        yield from schema.get(keyword) or []


def close_objects(schema):
    """Forbids unknown fields in every object schema that lists its properties."""
    if "properties" in schema and "additionalProperties" not in schema \
            and "patternProperties" not in schema:
        schema["additionalProperties"] = False
    for child in child_schemas(schema):
        close_objects(child)


def patch_definitions(definitions):
    """Applies the type patches listed in the module docstring, in place."""
    definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = dict(INT_OR_STRING_SCHEMA)
    definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = copy.deepcopy(QUANTITY_SCHEMA)
    parameter = definitions[ARGO + "Parameter"]["properties"]
    for field in ("value", "default", "description"):
        parameter[field] = dict(ANY_SCALAR_SCHEMA)
    parameter["enum"] = {"type": "array", "items": dict(ANY_SCALAR_SCHEMA)}
    definitions[ARGO + "ValueFrom"]["properties"]["default"] = dict(ANY_SCALAR_SCHEMA)


def build_validators(schema_path, strict=True):
    """Returns {kind: jsonschema validator} for the kinds the schema defines."""
    with open(schema_path, encoding="utf-8") as stream:
        definitions = json.load(stream)["definitions"]
    patch_definitions(definitions)
    if strict:
        for definition in definitions.values():
            close_objects(definition)
    validators = {}
    for kind in KINDS:
        if ARGO + kind in definitions:
            root = {"$ref": "#/definitions/" + ARGO + kind, "definitions": definitions}
            validators[kind] = jsonschema.Draft202012Validator(root)
    return validators


def json_path(parts):
    """Formats path parts as `$.spec.templates[0].name`."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def shorten(text, limit=160):
    return text if len(text) <= limit else text[:limit - 3] + "..."


def unknown_field_messages(error):
    """One message per field that a closed object schema does not allow."""
    known = sorted((error.schema.get("properties") or {}).keys())
    messages = []
    for field in sorted(set(error.instance) - set(known)):
        hint = difflib.get_close_matches(field, known, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        messages.append(f"{json_path(list(error.absolute_path) + [field])}: "
                        f"unknown field {field!r}{suggestion}")
    return messages


def schema_error_messages(error):
    if error.validator == "additionalProperties" and error.validator_value is False:
        return unknown_field_messages(error)
    if error.validator == "anyOf" and error.schema == QUANTITY_SCHEMA:
        message = f"{error.instance!r} is not a Kubernetes quantity (e.g. 1, 500m, 2Gi)"
    else:
        message = shorten(error.message)
    return [f"{json_path(error.absolute_path)}: {message}"]


def schema_errors(validator, document):
    errors = sorted(validator.iter_errors(document),
                    key=lambda e: (json_path(e.absolute_path), e.message))
    return [m for error in errors for m in schema_error_messages(error)]


# ---------------------------------------------------------- reference checks

def is_expression(value):
    return isinstance(value, str) and "{{" in value


def field_name_problem(name):
    """Why `name` is not a valid template/step/task name (validate.go), or None."""
    if len(name) > FIELD_NAME_MAX:
        return f"must be no more than {FIELD_NAME_MAX} characters"
    if not FIELD_NAME_RE.match(name):
        return ("must consist of alpha-numeric characters or '-', "
                "and must start with an alpha-numeric character")
    return None


def param_name_problem(name):
    """Why `name` is not a valid parameter/artifact name (validate.go), or None."""
    if not PARAM_NAME_RE.match(name):
        return "must consist of alpha-numeric characters, '_' or '-'"
    return None


def name_list_errors(items, path, problem=field_name_problem):
    """validateWorkflowFieldNames: names present, valid and unique in the list."""
    errors, seen = [], set()
    for index, item in enumerate(items or []):
        name = item.get("name")
        where = f"{path}[{index}].name"
        if not name:
            errors.append(f"{where}: name is required")
        elif is_expression(name):
            continue
        elif problem(name):
            errors.append(f"{where}: {name!r} is invalid: {problem(name)}")
        elif name in seen:
            errors.append(f"{where}: {name!r} is not unique")
        seen.add(name)
    return errors


def io_name_errors(io, path):
    """Parameter and artifact names of an arguments/inputs/outputs block."""
    io = io or {}
    return (name_list_errors(io.get("parameters"), f"{path}.parameters", param_name_problem)
            + name_list_errors(io.get("artifacts"), f"{path}.artifacts", param_name_problem))


def loops(holder):
    """Whether a step or task loops (withItems, withParam or withSequence)."""
    return any(holder.get(field) for field in LOOP_FIELDS)


def holder_errors(holder, path, templates):
    """validateTemplateHolder and addItemsToScope for one step or DAG task."""
    errors = []
    name = holder.get("template")
    if name and holder.get("templateRef"):
        errors.append(f"{path}: template name cannot be specified with templateRef")
    elif name and not is_expression(name) and name not in templates:
        errors.append(f"{path}.template: template {name!r} not defined")
    if sum(1 for field in LOOP_FIELDS if holder.get(field)) > 1:
        errors.append(f"{path}: only one of withItems, withParam, withSequence can be specified")
    return errors


def steps_errors(template, path, templates):
    """validateSteps: step names valid and unique in the template; templates exist."""
    errors, seen = [], set()
    for group_index, group in enumerate(template.get("steps") or []):
        for step_index, step in enumerate(group or []):
            where = f"{path}.steps[{group_index}][{step_index}]"
            name = step.get("name")
            if not name:
                errors.append(f"{where}.name: name is required")
            elif name in seen:
                errors.append(f"{where}.name: {name!r} is not unique")
            elif not is_expression(name) and field_name_problem(name):
                errors.append(f"{where}.name: {name!r} is invalid: {field_name_problem(name)}")
            seen.add(name)
            errors += holder_errors(step, where, templates)
    return errors


def task_dependencies(task):
    """{task name: result} for a DAG task's `depends` expression or `dependencies` list."""
    if task.get("depends"):
        found = {}
        for match in DEPENDS_TOKEN_RE.finditer(task["depends"]):
            name, result = match.group(1) or match.group(3), match.group(2)
            if result in ITEM_RESULTS or name not in found:
                found[name] = result  # an item result takes precedence, as in Argo
        return found
    return {name: None for name in task.get("dependencies") or []}


def dependency_errors(tasks, path):
    """validateDAG: dependencies name tasks of the DAG; item results need a loop."""
    by_name = {t.get("name"): t for t in tasks}
    using_depends = any(t.get("depends") for t in tasks)
    errors = []
    for index, task in enumerate(tasks):
        where = f"{path}.tasks[{index}]"
        name = task.get("name") or ""
        if using_depends and task.get("dependencies"):
            errors.append(f"{where}: cannot use both 'depends' and 'dependencies' in the same DAG")
        if (using_depends or task.get("dependencies")) and name[:1].isdigit():
            errors.append(f"{where}.name: {name!r} cannot begin with a digit "
                          "when using 'depends' or 'dependencies'")
        field = "depends" if task.get("depends") else "dependencies"
        for dependency, result in task_dependencies(task).items():
            if dependency not in by_name:
                errors.append(f"{where}.{field}: task {dependency!r} not defined in this DAG")
            elif result in ITEM_RESULTS and not loops(by_name[dependency]):
                errors.append(f"{where}.{field}: {dependency}.{result} needs {dependency!r} "
                              "to loop (withItems, withParam or withSequence)")
    return errors


def find_cycle(graph):
    """A dependency cycle of `graph` ({task: [tasks it depends on]}) as a list, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for dependency in graph.get(node, ()):
            if state.get(dependency) == "open":
                return trail[trail.index(dependency):] + [dependency]
            if dependency in graph and dependency not in state:
                cycle = visit(dependency, trail + [dependency])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in graph:
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


def dag_errors(template, path, templates):
    """validateDAG: tasks, their names, templates, dependencies, cycles and targets."""
    dag = template.get("dag") or {}
    tasks = dag.get("tasks") or []
    path = f"{path}.dag"
    if not tasks:
        return [f"{path}.tasks: [dag-has-tasks] a DAG must have at least one task"]
    errors = name_list_errors(tasks, f"{path}.tasks")
    for index, task in enumerate(tasks):
        errors += holder_errors(task, f"{path}.tasks[{index}]", templates)
    errors += dependency_errors(tasks, path)
    cycle = find_cycle({t.get("name"): list(task_dependencies(t)) for t in tasks})
    if cycle:
        errors.append(f"{path}.tasks: dependency cycle detected: {'->'.join(cycle)}")
    names = {t.get("name") for t in tasks}
    for target in (dag.get("target") or "").split():
        if not is_expression(target) and target not in names:
            errors.append(f"{path}.target: target {target!r} is not defined")
    return errors


def template_errors(template, path, templates):
    """validateTemplate: one template type, I/O names, then steps or DAG rules."""
    types = [t for t in TEMPLATE_TYPES if template.get(t) is not None]
    errors = []
    if len(types) != 1:
        found = ", ".join(types) if types else "none"
        errors.append(f"{path}: a template needs exactly one of {', '.join(TEMPLATE_TYPES)} "
                      f"(found {found})")
    errors += io_name_errors(template.get("inputs"), f"{path}.inputs")
    errors += io_name_errors(template.get("outputs"), f"{path}.outputs")
    if "steps" in types:
        errors += steps_errors(template, path, templates)
    if "dag" in types:
        errors += dag_errors(template, path, templates)
    return errors


def spec_errors(spec, path, needs_entrypoint):
    """ValidateWorkflow over a WorkflowSpec."""
    templates_list = spec.get("templates") or []
    templates = {t.get("name") for t in templates_list}
    errors = name_list_errors(templates_list, f"{path}.templates")
    errors += io_name_errors(spec.get("arguments"), f"{path}.arguments")
    if spec.get("workflowTemplateRef"):
        if templates_list:
            errors.append(f"{path}.templates: not allowed with workflowTemplateRef")
    else:
        if needs_entrypoint and not spec.get("entrypoint"):
            errors.append(f"{path}.entrypoint: entrypoint is required")
        for field in ("entrypoint", "onExit"):
            name = spec.get(field)
            if name and not is_expression(name) and name not in templates:
                errors.append(f"{path}.{field}: template {name!r} not defined")
    for index, template in enumerate(templates_list):
        errors += template_errors(template, f"{path}.templates[{index}]", templates)
    return errors


# robfig/cron v3 ParseStandard: minute, hour, day of month, month, day of week.
MONTH_NAMES = {m: i + 1 for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split())}
DAY_NAMES = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
CRON_FIELDS = (("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}),
               ("month", 1, 12, MONTH_NAMES), ("day of week", 0, 6, DAY_NAMES))
CRON_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily",
                    "@midnight", "@hourly")
GO_DURATION_RE = re.compile(r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)"
                            r"(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))*$")


def cron_range_problem(text, low, high, names):
    """Why one comma-separated part of a cron field is malformed, or None."""
    def number(word):
        word = word.lower()
        if word in names:
            return names[word]
        return int(word) if word.isdigit() else None

    span, _, step_text = text.partition("/")
    if "/" in step_text:
        return "too many slashes"
    if span in ("*", "?"):
        start, end = low, high
    else:
        bounds = span.split("-")
        if len(bounds) > 2:
            return "too many hyphens"
        values = [number(b) for b in bounds]
        if None in values:
            return f"{span!r} is not a number"
        start, end = values[0], values[-1]
        if step_text and len(bounds) == 1:
            end = high
    if step_text and (not step_text.isdigit() or int(step_text) == 0):
        return f"step {step_text!r} must be a positive number"
    if start < low or end > high:
        return f"values must lie in [{low}, {high}]"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end})"
    return None


def cron_problem(expression):
    """Why `expression` is not a standard cron schedule, or None."""
    spec = expression.strip()
    if spec.startswith(("TZ=", "CRON_TZ=")):
        spec = spec.partition(" ")[2].strip()
    if spec.startswith("@every "):
        duration = spec[len("@every "):].strip()
        return None if GO_DURATION_RE.match(duration) else f"bad duration {duration!r}"
    if spec.startswith("@"):
        return None if spec in CRON_DESCRIPTORS else f"unrecognized descriptor {spec!r}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}"
    for text, (field, low, high, names) in zip(fields, CRON_FIELDS):
        for part in text.split(","):
            problem = cron_range_problem(part, low, high, names)
            if problem:
                return f"{field} field {text!r}: {problem}"
    return None


def cron_errors(spec):
    """ValidateCronWorkflow: schedules, concurrency policy, starting deadline."""
    errors = []
    schedules = list(spec.get("schedules") or [])
    if spec.get("schedule"):
        if schedules:
            errors.append("$.spec: cannot set both schedule and schedules")
        schedules.append(spec["schedule"])
    for index, schedule in enumerate(schedules):
        problem = cron_problem(schedule)
        if problem:
            errors.append(f"$.spec.schedules[{index}]: cron schedule {schedule!r} "
                          f"is malformed: {problem}")
    policy = spec.get("concurrencyPolicy")
    if policy and policy not in CONCURRENCY_POLICIES:
        errors.append(f"$.spec.concurrencyPolicy: {policy!r} is not one of "
                      f"{', '.join(CONCURRENCY_POLICIES)}")
    if (spec.get("startingDeadlineSeconds") or 0) < 0:
        errors.append("$.spec.startingDeadlineSeconds: must not be negative")
    return errors


def reference_errors(document):
    """The --refs checks for one document that already passed the schema."""
    kind = document.get("kind")
    if kind == "WorkflowEventBinding":
        return []
    spec = document.get("spec") or {}
    errors = []
    name = (document.get("metadata") or {}).get("name") or ""
    limit = CRON_WORKFLOW_NAME_MAX if kind == "CronWorkflow" else OBJECT_NAME_MAX
    if len(name) > limit:
        errors.append(f"$.metadata.name: {name!r} must not be more than {limit} characters")
    if kind == "CronWorkflow":
        errors += cron_errors(spec)
        errors += spec_errors(spec.get("workflowSpec") or {}, "$.spec.workflowSpec", True)
    else:
        errors += spec_errors(spec, "$.spec", kind == "Workflow")
    return errors + rule_errors(document)


# ------------------------------------------------------------ semantic rules
#
# Each check below names its rule in the message (`path: [rule] message`) and
# cites, in its docstring, the function of Argo's workflow/validate/validate.go
# (or of the controller, where validate.go lets a mistake through that fails at
# run time) that it mirrors.  Rules marked "ctp" in the module docstring are
# stricter than Argo on purpose.

# template.go (fasttemplate) delimiters and util/template/kind.go's expression prefix.
TAG_OPEN, TAG_CLOSE, EXPRESSION_PREFIX = "{{", "}}", "="
# common.GlobalVarValidWorkflowVariablePrefix: the only tags resolveAllVariables checks.
CHECKED_PREFIXES = ("item.", "steps.", "inputs.", "outputs.", "pod.", "workflow.", "tasks.")
# Tags Argo leaves unchecked (and then leaves unresolved at run time) that ctp checks too.
CTP_CHECKED_TAGS = ("item", "retries")
CTP_CHECKED_PREFIXES = ("lastRetry.", "node.")
LEAF_TYPES = ("container", "containerSet", "script", "resource", "data", "http", "plugin")
POD_TYPES = ("container", "containerSet", "script", "resource", "data")
# newTemplateValidationCtx and Workflow(): globals every workflow has.
BASE_GLOBALS = ("workflow.name", "workflow.namespace", "workflow.mainEntrypoint",
                "workflow.serviceAccountName", "workflow.uid", "workflow.status",
                "workflow.labels", "workflow.labels.json",
                "workflow.annotations", "workflow.annotations.json")
NODE_FIELDS_ALWAYS = ("id", "startedAt", "finishedAt", "hostNodeName")
LAST_RETRY_FIELDS = ("exitCode", "status", "duration", "message")
RETRY_POLICIES = ("Always", "OnFailure", "OnError", "OnTransientError")
RESOURCE_ACTIONS = ("get", "create", "apply", "delete", "replace", "patch")
ARTIFACT_LOCATIONS = ("artifactory", "azure", "gcs", "git", "hdfs", "http", "oss", "raw",
                      "s3", "plugin")
OUTPUT_VALUE_SOURCES = ("path", "jqFilter", "jsonPath", "parameter", "expression", "supplied")
ARGUMENT_VALUE_SOURCES = ("configMapKeyRef", "event", "supplied")
# validate.go paramRegex: a whole-name parameter such as a globalName of `{{...}}`.
PARAMETER_TAG_RE = re.compile(r"{{[-a-zA-Z0-9]+(\.[-a-zA-Z0-9_]+)*}}")
ARTIFACT_TAG_RE = re.compile(r"^((tasks|steps)\.[^.]+\.outputs\.artifacts\.[^.]+"
                             r"|inputs\.artifacts\.[^.]+|workflow\.outputs\.artifacts\.[^.]+)$")
SINGLE_TAG_RE = re.compile(r"^{{([^{}]*)}}$")
# CronWorkflow: what ConvertCronWorkflowToWorkflow puts on the workflow it starts.
CRON_WORKFLOW_LABEL = "workflows.argoproj.io/cron-workflow"
CONTROLLER_INSTANCE_LABEL = "workflows.argoproj.io/controller-instanceid"
SCHEDULED_TIME_ANNOTATION = "workflows.argoproj.io/scheduled-time"


def issue(path, rule, message):
    return f"{path}: [{rule}] {message}"


def as_dict(value):
    return value if isinstance(value, dict) else {}


def as_list(value):
    return value if isinstance(value, list) else []


def declared(io, kind):
    """{name: item} of an inputs/outputs/arguments block's `parameters` or `artifacts`."""
    return {item["name"]: item for item in as_list(as_dict(io).get(kind))
            if isinstance(item, dict) and isinstance(item.get("name"), str)}


def a(noun):
    """`noun` with its indefinite article: a parameter, an artifact."""
    noun = noun or "template without a type"
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def name_list(names):
    return ", ".join(sorted(names)) if names else "none"


def template_type(template):
    return next((t for t in TEMPLATE_TYPES if template.get(t) is not None), None)


def is_leaf(template):
    return template_type(template) in LEAF_TYPES


def has_output(template):
    """Template.HasOutput: the template has a main container whose stdout is its result."""
    containers = as_list(as_dict(template.get("containerSet")).get("containers"))
    return (any(template.get(t) is not None for t in ("container", "script", "data", "http",
                                                      "plugin"))
            or any(as_dict(c).get("name") == "main" for c in containers))


def has_location(artifact):
    """Artifact.HasLocationOrKey, approximately: a location or key is written."""
    return any(artifact.get(field) not in (None, {}, "") for field in ARTIFACT_LOCATIONS)


def is_whole_number(text):
    """strconv.Atoi accepts `text`."""
    return isinstance(text, str) and re.fullmatch(r"[+-]?[0-9]+", text) is not None


def is_argo_variable(text):
    """intstr.IsValidIntOrArgoVariable's string form: `{{...}}`."""
    return isinstance(text, str) and text.startswith(TAG_OPEN) and text.endswith(TAG_CLOSE)


def go_duration_ok(text):
    """time.ParseDuration accepts `text`: an optional sign, then 0 or numbers with units."""
    body = text[1:] if text[:1] in "+-" else text
    return body == "0" or GO_DURATION_RE.match(body) is not None


def argo_duration_ok(text):
    """v1alpha1.ParseStringToDuration: integer seconds or a Go duration."""
    return is_whole_number(text) or go_duration_ok(text)


def int_or_variable_ok(value):
    """intstr.Int on an IntOrString after substitution: an int, an int string or `{{...}}`."""
    return isinstance(value, int) or is_whole_number(value) or is_argo_variable(value)


def template_tags(text):
    """The tags of `text` as fasttemplate splits them; None for an unterminated `{{`."""
    start = 0
    while True:
        begin = text.find(TAG_OPEN, start)
        if begin < 0:
            return
        end = text.find(TAG_CLOSE, begin + len(TAG_OPEN))
        if end < 0:
            yield None
            return
        yield text[begin + len(TAG_OPEN):end]
        start = end + len(TAG_CLOSE)


def strings_in(value, parts):
    """(path parts, text) for every string of a JSON value, map keys included."""
    if isinstance(value, str):
        yield parts, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and TAG_OPEN in key:
                yield parts + [key], key
            yield from strings_in(item, parts + [key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, parts + [index])


# expr-lang tokens: strings, names, member access, brackets.
EXPR_TOKEN_RE = re.compile(r"""
    (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<dot>\?\.|\.)
  | (?P<other>\S)
""", re.VERBOSE)
EXPRESSION_ROOTS = ("inputs", "outputs", "tasks", "steps", "workflow", "item", "pod", "node",
                    "retries", "lastRetry")


def expression_tokens(text):
    tokens = []
    for match in EXPR_TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "string":
            value = value[1:-1]
        tokens.append((kind, value))
    return tokens


def expression_names(text):
    """The variable names an expr-lang expression reads, as dotted paths.

    `tasks['a-b'].outputs.parameters["x"]` reads `tasks.a-b.outputs.parameters.x`;
    the path stops at the first index that is not a string literal.
    """
    tokens = expression_tokens(text)
    names = []
    index = 0
    while index < len(tokens):
        kind, value = tokens[index]
        after_dot = index > 0 and tokens[index - 1][0] == "dot"
        if kind != "name" or after_dot or value not in EXPRESSION_ROOTS:
            index += 1
            continue
        parts = [value]
        index += 1
        while index < len(tokens):
            kind, value = tokens[index]
            if kind == "dot" and index + 1 < len(tokens) and tokens[index + 1][0] == "name":
                parts.append(tokens[index + 1][1])
                index += 2
            elif (kind == "other" and value == "[" and index + 2 < len(tokens)
                  and tokens[index + 1][0] == "string" and tokens[index + 2] == ("other", "]")):
                parts.append(tokens[index + 1][1])
                index += 3
            elif (kind == "dot" and value == "?." and index + 3 < len(tokens)
                  and tokens[index + 1] == ("other", "[") and tokens[index + 2][0] == "string"
                  and tokens[index + 3] == ("other", "]")):
                parts.append(tokens[index + 2][1])
                index += 4
            else:
                break
        followed_by = tokens[index] if index < len(tokens) else None
        if followed_by in (("other", "("), ("other", ":")) and len(parts) == 1:
            continue  # a function call or an object key, not a variable
        names.append(parts)
    return names


def expression_name_as_tag(parts):
    """The tag an expression's name is checked as, or None for a map it may read whole.

    Expressions see the flat tag names as nested maps, so `tasks.a.outputs` or
    `workflow.parameters` is a map; only the node (tasks.a) must be readable then.
    Names past a tag's last segment index into its value and are dropped.
    """
    root, rest = parts[0], parts[1:]
    if root in ("tasks", "steps"):
        if not rest:
            return None
        node, field = f"{root}.{rest[0]}", rest[1:]
        if field[:2] == ["outputs", "result"]:
            return f"{node}.outputs.result"
        if field[:1] == ["outputs"]:
            return ".".join([node] + field[:3]) if len(field) >= 3 else f"{node}.id"
        return f"{node}.{field[0]}" if field else f"{node}.id"
    if root == "workflow":
        if rest[:1] in (["labels"], ["annotations"]) and len(rest) > 1:
            return "workflow." + ".".join(rest)  # label keys may hold dots
        if rest[:1] == ["outputs"]:
            return ".".join(parts[:4]) if len(rest) >= 3 else None
        maps = ("parameters", "labels", "annotations", "creationTimestamp")
        return None if not rest or (len(rest) == 1 and rest[0] in maps) else ".".join(parts[:3])
    if root in ("inputs", "outputs"):
        if len(rest) < 2:
            return None
        return ".".join(parts[:4] if rest[0] == "artifacts" and rest[2:3] == ["path"]
                        else parts[:3])
    if root == "lastRetry" and not rest:
        return None
    return ".".join(parts)


class NodeRef:
    """A task or step that a tag may read: its template and what of it is readable."""

    def __init__(self, template, name, loops_with=None, status=False):
        self.template = template          # None when unknown (templateRef, inline, missing)
        self.template_name = name
        self.aggregate = loops_with in ("withItems", "withParam")
        self.status = status


def loop_of(holder):
    """addItemsToScope: ('withItems', item keys) / ('withParam', None) / ('withSequence', None)."""
    if as_list(holder.get("withItems")):
        keys = set()
        for item in holder["withItems"]:
            if isinstance(item, dict):
                keys.update(item)
            elif isinstance(item, list):
                keys.update(f"[{i}]" for i in range(len(item)))
        return "withItems", keys
    if holder.get("withParam"):
        return "withParam", None
    if holder.get("withSequence") is not None:
        return "withSequence", None
    return None


class WorkflowModel:
    """What the semantic rules need to know about one Workflow, (Cluster)WorkflowTemplate or
    CronWorkflow: its WorkflowSpec, templates by name and the global variables it defines."""

    def __init__(self, document):
        self.kind = document.get("kind")
        metadata = as_dict(document.get("metadata"))
        spec = as_dict(document.get("spec"))
        if self.kind == "CronWorkflow":
            self.spec, self.path = as_dict(spec.get("workflowSpec")), "$.spec.workflowSpec"
        else:
            self.spec, self.path = spec, "$.spec"
        self.templates = {}
        for index, template in enumerate(as_list(self.spec.get("templates"))):
            name = as_dict(template).get("name")
            if isinstance(name, str) and name not in self.templates:
                self.templates[name] = (f"{self.path}.templates[{index}]", template)
        self.arguments = as_dict(self.spec.get("arguments"))
        self.parameters = declared(self.arguments, "parameters")
        self.globals = set(BASE_GLOBALS)
        if self.parameters:
            self.globals.update(("workflow.parameters", "workflow.parameters.json"))
            self.globals.update(f"workflow.parameters.{name}" for name in self.parameters)
        if self.spec.get("priority") is not None:
            self.globals.add("workflow.priority")
        labels, annotations = self.metadata_keys(metadata, spec)
        self.globals.update(f"workflow.labels.{key}" for key in labels)
        self.globals.update(f"workflow.annotations.{key}" for key in annotations)
        self.global_outputs = {"parameters": set(), "artifacts": set()}
        self.any_global_output = {"parameters": False, "artifacts": False}
        for _, template in self.templates.values():
            for kind in ("parameters", "artifacts"):
                for item in declared(template.get("outputs"), kind).values():
                    global_name = item.get("globalName")
                    if isinstance(global_name, str) and global_name:
                        if PARAMETER_TAG_RE.search(global_name):
                            self.any_global_output[kind] = True
                        else:
                            self.global_outputs[kind].add(global_name)
        self.exit_reachable = self.reachable([self.spec.get("onExit")])
        self.entry_reachable = self.reachable([self.spec.get("entrypoint")])

    def metadata_keys(self, metadata, spec):
        """Workflow(): label and annotation keys of the workflow, its workflowMetadata and, for a
        CronWorkflow, what ConvertCronWorkflowToWorkflow sets."""
        labels, annotations = set(), set()
        if self.kind == "CronWorkflow":
            labels.add(CRON_WORKFLOW_LABEL)
            if CONTROLLER_INSTANCE_LABEL in as_dict(metadata.get("labels")):
                labels.add(CONTROLLER_INSTANCE_LABEL)
            annotations.add(SCHEDULED_TIME_ANNOTATION)
            cron_metadata = as_dict(spec.get("workflowMetadata"))
            labels.update(as_dict(cron_metadata.get("labels")))
            annotations.update(as_dict(cron_metadata.get("annotations")))
        else:
            labels.update(as_dict(metadata.get("labels")))
            annotations.update(as_dict(metadata.get("annotations")))
        workflow_metadata = as_dict(self.spec.get("workflowMetadata"))
        labels.update(as_dict(workflow_metadata.get("labels")))
        labels.update(as_dict(workflow_metadata.get("labelsFrom")))
        annotations.update(as_dict(workflow_metadata.get("annotations")))
        return labels, annotations

    def template(self, name):
        found = self.templates.get(name) if isinstance(name, str) else None
        return found[1] if found else None

    def callees(self, template):
        """Names of the templates a template's tasks, steps and their hooks run."""
        holders = list(as_list(as_dict(template.get("dag")).get("tasks")))
        for group in as_list(template.get("steps")):
            holders += as_list(group)
        for holder in holders:
            holder = as_dict(holder)
            yield holder.get("template")
            yield holder.get("onExit")
            for hook in as_dict(holder.get("hooks")).values():
                yield as_dict(hook).get("template")

    def reachable(self, roots):
        seen, pending = set(), [r for r in roots if r in self.templates]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending += [c for c in self.callees(self.template(name)) if c in self.templates]
        return seen

    def failures_readable(self, name):
        """workflow.failures is set for the exit handler (Workflow() adds it before validating
        spec.onExit; templates no entrypoint reaches are validated after that)."""
        return bool(self.spec.get("onExit")) and (
            name in self.exit_reachable or name not in self.entry_reachable)


class Scope:
    """The variables one part of a template may read (validateTemplate's scope)."""

    def __init__(self, model, name, template, node_kind=None, known=(), nodes=None,
                 current=None, loop=None):
        self.model = model
        self.name = name
        self.template = template
        self.type = template_type(template)
        self.node_kind = node_kind      # "tasks" or "steps": which node references may appear
        self.known = set(known)         # every task/step of the template
        self.nodes = nodes or {}        # name -> NodeRef, those readable here
        self.current = current          # (noun, name) of the task or step being checked
        self.loop = loop                # loop_of() of the task or step being checked

    def with_nodes(self, nodes, current=None, loop=None):
        return Scope(self.model, self.name, self.template, self.node_kind, self.known, nodes,
                     current, loop)

    # The result of each *_problem method: None, or (rule, message).

    def tag_problem(self, tag):
        root, _, rest = tag.partition(".")
        if not tag.startswith(CHECKED_PREFIXES + CTP_CHECKED_PREFIXES) \
                and tag not in CTP_CHECKED_TAGS:
            return None
        checks = {"inputs": self.inputs_problem, "outputs": self.own_outputs_problem,
                  "tasks": self.node_problem, "steps": self.node_problem,
                  "workflow": self.workflow_problem, "item": self.item_problem,
                  "pod": self.pod_problem, "node": self.node_name_problem,
                  "retries": self.retry_problem, "lastRetry": self.retry_problem}
        return checks[root](root, rest)

    def inputs_problem(self, _, rest):
        """validateInputs: inputs.parameters[.X], inputs.artifacts.X[.path] (leaf only)."""
        inputs = self.template.get("inputs")
        kind, _, name = rest.partition(".")
        parameters, artifacts = declared(inputs, "parameters"), declared(inputs, "artifacts")
        if kind == "parameters":
            if not name:
                return None if parameters else (
                    "variable-resolves", f"template {self.name!r} declares no input parameters")
            if name in parameters:
                return None
            if name in artifacts:
                return ("reference-kind", f"{name!r} is an input artifact of template "
                        f"{self.name!r}, not a parameter (inputs.artifacts.{name})")
            return ("variable-resolves", f"template {self.name!r} has no input parameter "
                    f"{name!r} (declared: {name_list(parameters)})")
        if kind == "artifacts":
            artifact, _, field = name.partition(".")
            if artifact in artifacts:
                if not field:
                    return None
                if field == "path":
                    return None if is_leaf(self.template) else (
                        "variable-resolves", f"inputs.artifacts.{artifact}.path only resolves "
                        f"in a container or script template; {self.name!r} is {a(self.type)}")
            elif artifact in parameters:
                return ("reference-kind", f"{artifact!r} is an input parameter of template "
                        f"{self.name!r}, not an artifact (inputs.parameters.{artifact})")
            else:
                return ("variable-resolves", f"template {self.name!r} has no input artifact "
                        f"{artifact!r} (declared: {name_list(artifacts)})")
        return ("variable-resolves", "not an input variable (inputs.parameters.NAME, "
                "inputs.artifacts.NAME)")

    def own_outputs_problem(self, _, rest):
        """Self references (Argo lets any outputs.* through for metrics): declared outputs."""
        kind, _, name = rest.partition(".")
        if kind in ("result", "exitCode") and not name:
            return None
        if kind not in ("parameters", "artifacts"):
            return ("variable-resolves", "not an output variable")
        output, _, field = name.partition(".")
        outputs = self.template.get("outputs")
        other = "artifacts" if kind == "parameters" else "parameters"
        if not output or (output in declared(outputs, kind) and field in ("", "path")):
            return None
        if output in declared(outputs, other):
            return ("reference-kind", f"{output!r} is an output {other[:-1]} of template "
                    f"{self.name!r}, not {a(kind[:-1])}")
        return ("output-declared", f"template {self.name!r} declares no output {kind[:-1]} "
                f"{output!r} (declared: {name_list(declared(outputs, kind))})")

    def node_problem(self, root, rest):
        """addOutputsToScope / validateDAG / validateSteps: tasks.T.* and steps.S.*."""
        if rest == "name":
            return None  # the current task or step (Argo accepts the prefix anywhere)
        noun = "task" if root == "tasks" else "step"
        if self.node_kind != root:
            holder = "a DAG's tasks" if root == "tasks" else "a steps template's steps"
            return ("variable-resolves", f"{root}.* only resolves in {holder} (and its outputs); "
                    f"template {self.name!r} is {a(self.type)}")
        name, _, field = rest.partition(".")
        if name not in self.known:
            return ("variable-resolves", f"no {noun} {name!r} in template {self.name!r}")
        ref = self.nodes.get(name)
        if ref is None and self.current == (noun, name):
            return ("ancestor-reference", f"a {noun} cannot read its own outputs or status "
                    "(only its hooks can)")
        if ref is None:
            return ("ancestor-reference", self.not_upstream_message(noun, name))
        return self.node_field_problem(root, noun, name, field, ref)

    def not_upstream_message(self, noun, name):
        current = f"{self.current[0]} {self.current[1]!r}" if self.current else "this " + noun
        if noun == "task":
            return (f"task {name!r} is not an ancestor of {current}; the controller resolves "
                    f"only ancestors' outputs (add {name!r} to depends/dependencies)")
        return (f"step {name!r} does not run in an earlier step group than {current}; its "
                "outputs are not there yet")

    def node_field_problem(self, root, noun, name, field, ref):
        if field in NODE_FIELDS_ALWAYS:
            return None
        if field == "status":
            return None if ref.status else (
                "ancestor-reference", f"{root}.{name}.status only resolves in {noun}s that "
                f"depend on {name!r} (and in {name!r}'s own hooks)")
        template = ref.template
        if template is None:
            return None  # templateRef or undefined template: its outputs are unknown here
        type_name = template_type(template)
        if field == "ip":
            return None if template.get("daemon") else (
                "variable-resolves", f"{root}.{name}.ip needs a daemon template")
        if field in ("exitCode", "outputs.result"):
            if has_output(template) or (ref.aggregate and type_name in ("script", "containerSet")):
                return None
            return ("output-declared", f"{root}.{name}.{field} needs a container or script "
                    f"template; {noun} {name!r} runs {ref.template_name!r} (a {type_name})")
        if field == "outputs.parameters":
            return None if ref.aggregate else (
                "output-declared", f"{root}.{name}.outputs.parameters (every iteration's outputs "
                f"as JSON) needs {noun} {name!r} to loop with withItems or withParam")
        match = re.fullmatch(r"outputs\.(parameters|artifacts)\.([^.]+)", field)
        if not match:
            return ("variable-resolves", f"{field!r} is not a {noun} variable (id, status, "
                    "startedAt, finishedAt, exitCode, outputs.result, outputs.parameters.NAME, "
                    "outputs.artifacts.NAME)")
        kind, output = match.groups()
        other = "artifacts" if kind == "parameters" else "parameters"
        outputs = template.get("outputs")
        if output in declared(outputs, kind):
            return None
        if output in declared(outputs, other):
            return ("reference-kind", f"{output!r} is an output {other[:-1]} of template "
                    f"{ref.template_name!r}, not {a(kind[:-1])}; read it as "
                    f"{root}.{name}.outputs.{other}.{output}")
        return ("output-declared", f"template {ref.template_name!r} of {noun} {name!r} declares "
                f"no output {kind[:-1]} {output!r} (declared: "
                f"{name_list(declared(outputs, kind))})")

    def workflow_problem(self, _, rest):
        """Workflow() globals, addOutputsToScope's global outputs and resolveAllVariables'
        prefix exceptions."""
        model = self.model
        if f"workflow.{rest}" in model.globals:
            return None
        head, _, name = rest.partition(".")
        if head in ("creationTimestamp", "duration"):
            return None
        if head == "scheduledTime":
            return None if model.kind != "Workflow" else (
                "scheduled-time-in-cron", "workflow.scheduledTime is only set on workflows a "
                "CronWorkflow starts (a plain Workflow keeps the literal tag)")
        if head == "failures" and not name:
            return None if model.failures_readable(self.name) else (
                "variable-resolves", "workflow.failures only resolves in the exit handler "
                "(spec.onExit) and the templates it runs")
        if head == "parameters" and name:
            # Argo lets a WorkflowTemplate read any workflow.parameters.X (a Workflow that
            # references it may add X); ctp's templates declare every parameter they read.
            rule = "variable-resolves" if model.kind in ("Workflow", "CronWorkflow") \
                else "template-parameter-declared"
            return (rule, f"workflow parameter {name!r} is not declared in "
                    f"{model.path}.arguments.parameters (declared: {name_list(model.parameters)})")
        if head == "outputs":
            return self.global_output_problem(name)
        if head in ("labels", "annotations") and name:
            return ("variable-resolves", f"the workflow has no {head[:-1]} {name!r} "
                    "(metadata or spec.workflowMetadata)")
        if head == "priority":
            return ("variable-resolves", "workflow.priority needs spec.priority")
        return ("variable-resolves", f"workflow.{rest} is not a workflow variable")

    def global_output_problem(self, rest):
        kind, _, name = rest.partition(".")
        if kind not in ("parameters", "artifacts") or not name:
            return ("variable-resolves", "not a global output (workflow.outputs.parameters.NAME "
                    "or workflow.outputs.artifacts.NAME)")
        model = self.model
        if name in model.global_outputs[kind] or model.any_global_output[kind]:
            return None
        other = "artifacts" if kind == "parameters" else "parameters"
        if name in model.global_outputs[other]:
            return ("reference-kind", f"global output {name!r} is an artifact, not a parameter"
                    if kind == "parameters" else
                    f"global output {name!r} is a parameter, not an artifact")
        return ("output-declared", f"no template output declares globalName {name!r} "
                f"(global {kind}: {name_list(model.global_outputs[kind])})")

    def item_problem(self, _, rest):
        """addItemsToScope: item and item.KEY inside a loop only."""
        if self.loop is None:
            where = f"{self.current[0]} {self.current[1]!r}" if self.current \
                else f"template {self.name!r}"
            return ("item-in-loop", f"item only resolves in a task or step with withItems, "
                    f"withParam or withSequence, and {where} has none")
        field, keys = self.loop
        if not rest or field == "withParam":
            return None
        if field == "withItems" and rest in keys:
            return None
        return ("variable-resolves", f"item.{rest}: the {field} items have no key {rest!r} "
                f"(keys: {name_list(keys or ())})")

    def pod_problem(self, _, rest):
        """validateTemplate: pod.name in templates that run a pod (IsPodType)."""
        if rest != "name":
            return ("variable-resolves", "pod.name is the only pod variable")
        return None if self.type in POD_TYPES else (
            "variable-resolves", f"pod.name only resolves in a template that runs a pod; "
            f"{self.name!r} is {a(self.type)}")

    def node_name_problem(self, _, rest):
        """ctp: node.name is the only node variable (Argo leaves node.* unchecked)."""
        return None if rest == "name" else ("variable-resolves", "node.name is the only node "
                                            "variable")

    def retry_problem(self, root, rest):
        """validateTemplate's localParams: retries and lastRetry.* need a retryStrategy."""
        if root == "lastRetry" and rest not in LAST_RETRY_FIELDS:
            return ("variable-resolves", f"lastRetry.{rest} is not a retry variable")
        if self.template.get("retryStrategy") is None:
            return ("variable-resolves", f"{root} only resolves in a template with a "
                    f"retryStrategy; {self.name!r} has none")
        return None

    def expression_problem(self, parts):
        """The names an expression tag reads resolve as the same tags would."""
        if parts[0] == "item" and len(parts) > 1 and self.loop and self.loop[0] == "withItems":
            parts = parts[:2]
        tag = expression_name_as_tag(parts)
        return self.tag_problem(tag) if tag else None


def is_raw_expression(where, base):
    """Fields that hold an expr-lang expression without {{=...}}: fromExpression, an output's
    valueFrom.expression and a hook's expression."""
    if not where or where[-1] not in ("fromExpression", "expression"):
        return False
    return (where[-1] == "fromExpression" or where[-2:-1] == ["valueFrom"]
            or (base.endswith(".hooks") and len(where) == 2))


def variable_problems(value, base, scope):
    """resolveAllVariables over every string of `value` (found at JSON path `base`):
    (path, rule, message) per problem.  Expression tags ({{=...}}), which Argo does not
    check, are held to the same scope."""
    for where, text in strings_in(value, []):
        path = base + json_path(where)[1:]
        if is_raw_expression(where, base):
            for names in expression_names(text):
                problem = scope.expression_problem(names)
                if problem:
                    yield path, problem[0], f"expression reads {'.'.join(names)}: {problem[1]}"
            continue
        for tag in template_tags(text):
            if tag is None:
                yield path, "variable-resolves", f"{text!r}: '{{{{' without a closing '}}}}'"
                continue
            if tag.startswith(EXPRESSION_PREFIX):
                for names in expression_names(tag[len(EXPRESSION_PREFIX):]):
                    problem = scope.expression_problem(names)
                    if problem:
                        yield path, problem[0], (f"{{{{{tag}}}}} reads {'.'.join(names)}: "
                                                 f"{problem[1]}")
                continue
            problem = scope.tag_problem(tag.strip())
            if problem:
                yield path, problem[0], f"{{{{{tag}}}}}: {problem[1]}"


def without(mapping, *keys):
    return {k: v for k, v in mapping.items() if k not in keys}


def holder_template(model, holder):
    """The template a task, step or hook runs, or None (templateRef, inline or undefined)."""
    return model.template(holder.get("template")) if not holder.get("templateRef") else None


def node_ref(model, holder, status):
    """addOutputsToScope's view of a task or step: aggregate outputs when it loops."""
    return NodeRef(holder_template(model, holder), holder.get("template"),
                   (loop_of(holder) or (None,))[0], status)


def dag_variable_problems(model, name, template, path):
    """validateDAG's scopes: a task reads its ancestors (dag.go buildLocalScopeFromTask), its
    hooks read the task itself, the DAG's target and outputs read every task."""
    tasks = [as_dict(t) for t in as_list(as_dict(template.get("dag")).get("tasks"))]
    by_name = {t.get("name"): t for t in tasks}
    base = Scope(model, name, template, "tasks", by_name)
    graph = {t.get("name"): [d for d in task_dependencies(t) if d in by_name] for t in tasks}
    for index, task in enumerate(tasks):
        task_name = task.get("name")
        nodes = {ancestor: node_ref(model, by_name[ancestor], True)
                 for ancestor in ancestry(graph, task_name)}
        scope = base.with_nodes(nodes, ("task", task_name), loop_of(task))
        where = f"{path}.dag.tasks[{index}]"
        yield from variable_problems(without(task, "hooks", "inline"), where, scope)
        hook_nodes = {**nodes, task_name: node_ref(model, task, True)}
        yield from variable_problems(task.get("hooks"), f"{where}.hooks",
                                     base.with_nodes(hook_nodes, ("task", task_name)))
    every = {t.get("name"): node_ref(model, t, bool(t.get("hooks"))) for t in tasks}
    yield from variable_problems(as_dict(template.get("dag")).get("target"),
                                 f"{path}.dag.target", base.with_nodes(every))
    yield from variable_problems(template.get("outputs"), f"{path}.outputs",
                                 base.with_nodes(every))


def ancestry(graph, name):
    """common.GetTaskAncestry: every task `name` depends on, directly or not."""
    seen, pending = set(), list(graph.get(name, ()))
    while pending:
        task = pending.pop()
        if task not in seen and task != name:
            seen.add(task)
            pending += graph.get(task, ())
    return seen


def steps_variable_problems(model, name, template, path):
    """validateSteps' scope: a step reads the steps of earlier groups (steps.go runs a group
    after the one before it ends), its own hooks read itself, the outputs read every step."""
    groups = [[as_dict(s) for s in as_list(g)] for g in as_list(template.get("steps"))]
    known = {s.get("name") for group in groups for s in group}
    base = Scope(model, name, template, "steps", known)
    earlier = {}
    for group_index, group in enumerate(groups):
        for step_index, step in enumerate(group):
            step_name = step.get("name")
            where = f"{path}.steps[{group_index}][{step_index}]"
            scope = base.with_nodes(earlier, ("step", step_name), loop_of(step))
            yield from variable_problems(without(step, "hooks", "inline"), where, scope)
            hook_nodes = {**earlier, step_name: node_ref(model, step, True)}
            yield from variable_problems(step.get("hooks"), f"{where}.hooks",
                                         base.with_nodes(hook_nodes, ("step", step_name)))
        for step in group:
            earlier[step.get("name")] = node_ref(model, step, True)
    yield from variable_problems(template.get("outputs"), f"{path}.outputs",
                                 base.with_nodes(earlier))


def variable_errors(model):
    """Rule family 1: every {{...}} resolves in its scope (resolveAllVariables, validateLeaf,
    validateSteps, validateDAG, addOutputsToScope, addItemsToScope, validateOutputs)."""
    errors = []
    for name, (path, template) in model.templates.items():
        kind = template_type(template)
        if kind == "dag":
            problems = dag_variable_problems(model, name, template, path)
        elif kind == "steps":
            problems = steps_variable_problems(model, name, template, path)
        else:
            problems = variable_problems(template, path, Scope(model, name, template))
        errors += [issue(where, rule, message) for where, rule, message in problems]
    return errors


# ---------------------------------------------------------------- holders

class Holder:
    """Something that runs a template with arguments: a DAG task, a step, a hook, the
    entrypoint or an exit handler.  `explicit` is False where the holder writes no arguments
    of its own: the entrypoint, onExit handlers and an exit hook without arguments get the
    workflow's spec.arguments (Workflow(), DAGTask.GetExitHook), other hooks get none."""

    def __init__(self, path, label, fields, arguments, explicit):
        self.path = path
        self.label = label
        self.fields = fields
        self.arguments = as_dict(arguments)
        self.explicit = explicit


def hook_holders(model, hooks, path, label):
    """The hooks of a task, step or workflow (LifecycleHook.WithArgs)."""
    for hook_name, hook in as_dict(hooks).items():
        hook = as_dict(hook)
        arguments = hook.get("arguments")
        explicit = bool(as_dict(arguments).get("parameters") or as_dict(arguments).get("artifacts"))
        if hook_name != "exit" or explicit:
            yield Holder(f"{path}.hooks.{hook_name}", f"{label}'s {hook_name} hook", hook,
                         arguments, explicit)
        else:
            yield Holder(f"{path}.hooks.{hook_name}", f"{label}'s exit hook (it gets "
                         "spec.arguments)", hook, model.arguments, False)


def holders(model):
    """Every holder of the document, in document order."""
    spec_path = model.path
    if model.kind in ("Workflow", "CronWorkflow") and model.spec.get("entrypoint"):
        yield Holder(f"{spec_path}.entrypoint", "the entrypoint (it gets spec.arguments)",
                     {"template": model.spec["entrypoint"]}, model.arguments, False)
    if model.spec.get("onExit"):
        yield Holder(f"{spec_path}.onExit", "the exit handler (it gets spec.arguments)",
                     {"template": model.spec["onExit"]}, model.arguments, False)
    yield from hook_holders(model, model.spec.get("hooks"), spec_path, "the workflow")
    for _, (path, template) in model.templates.items():
        tasks = as_list(as_dict(template.get("dag")).get("tasks"))
        located = [(f"{path}.dag.tasks[{i}]", "task", t) for i, t in enumerate(tasks)]
        for group_index, group in enumerate(as_list(template.get("steps"))):
            located += [(f"{path}.steps[{group_index}][{i}]", "step", s)
                        for i, s in enumerate(as_list(group))]
        for where, noun, holder in located:
            holder = as_dict(holder)
            label = f"{noun} {holder.get('name')!r}"
            yield Holder(where, label, holder, holder.get("arguments"), True)
            if holder.get("onExit"):
                yield Holder(f"{where}.onExit", f"{label}'s onExit handler (it gets "
                             "spec.arguments)", {"template": holder["onExit"]},
                             model.arguments, False)
            yield from hook_holders(model, holder.get("hooks"), where, label)


# ---------------------------------------------------------------- arguments

def argument_value_errors(arguments, path, allow_empty=False):
    """validateArgumentsValues: a parameter has a value or a valueFrom that only uses
    configMapKeyRef, event or supplied (with default); an enum holds the value; an artifact
    has `from`, a location or a key, and not both from and fromExpression."""
    errors = []
    for index, parameter in enumerate(as_list(arguments.get("parameters"))):
        where = f"{path}.parameters[{index}]"
        value_from = parameter.get("valueFrom")
        if value_from is None and parameter.get("value") is None and not allow_empty:
            errors.append(issue(where, "argument-values",
                                f"parameter {parameter.get('name')!r} needs a value or valueFrom"))
        if value_from is not None:
            value_from = as_dict(value_from)
            if not any(value_from.get(k) for k in ARGUMENT_VALUE_SOURCES) or any(
                    value_from.get(k) for k in ("path", "jsonPath", "parameter", "expression")):
                errors.append(issue(f"{where}.valueFrom", "argument-values",
                                    "an argument's valueFrom only allows default, "
                                    "configMapKeyRef, event and supplied"))
        enum = parameter.get("enum")
        if enum is not None:
            if not enum:
                errors.append(issue(f"{where}.enum", "argument-values",
                                    "enum needs at least one value"))
            elif parameter.get("value") is not None and \
                    str(parameter["value"]) not in [str(v) for v in enum]:
                errors.append(issue(f"{where}.value", "argument-values",
                                    f"{parameter['value']!r} is not in enum {enum}"))
    for index, artifact in enumerate(as_list(arguments.get("artifacts"))):
        where = f"{path}.artifacts[{index}]"
        if not artifact.get("from") and not has_location(artifact):
            errors.append(issue(where, "argument-values", f"artifact {artifact.get('name')!r} "
                                "needs from, an artifact location or a key"))
        if artifact.get("from") and artifact.get("fromExpression"):
            errors.append(issue(where, "argument-values", f"artifact {artifact.get('name')!r} "
                                "has both from and fromExpression"))
    return errors


def artifact_tags(text):
    return [t.strip() for t in template_tags(text) if t and ARTIFACT_TAG_RE.match(t.strip())]


def argument_kind_errors(arguments, path):
    """Rule 2: an artifact argument's `from` is one reference to an artifact (the controller's
    wfScope.resolveArtifact fails with "is not an artifact" otherwise); a parameter's value
    holds no artifact reference (artifacts are not parameter values)."""
    errors = []
    for index, artifact in enumerate(as_list(arguments.get("artifacts"))):
        source = artifact.get("from")
        if not isinstance(source, str) or not source:
            continue
        match = SINGLE_TAG_RE.match(source)
        if not match or not ARTIFACT_TAG_RE.match(match.group(1).strip()):
            errors.append(issue(f"{path}.artifacts[{index}].from", "argument-kind",
                                f"{source!r} is not an artifact reference ({{{{tasks.T.outputs."
                                "artifacts.X}}, {{steps.S.outputs.artifacts.X}}, "
                                "{{inputs.artifacts.X}} or {{workflow.outputs.artifacts.X}})"))
    for index, parameter in enumerate(as_list(arguments.get("parameters"))):
        value = parameter.get("value")
        for tag in artifact_tags(value) if isinstance(value, str) else []:
            errors.append(issue(f"{path}.parameters[{index}].value", "argument-kind",
                                f"{{{{{tag}}}}} reads an artifact; a parameter's value cannot "
                                "hold one (pass it in arguments.artifacts with from)"))
    return errors


def required_input_errors(holder, template, template_name):
    """common.ProcessArgs (validateTemplateHolder with the holder's arguments): every input
    parameter without value, default or valueFrom, and every input artifact that is not
    optional and has no location or key, is passed."""
    errors = []
    given = declared(holder.arguments, "parameters")
    given_artifacts = declared(holder.arguments, "artifacts")
    where = f"{holder.path}.arguments" if holder.explicit else holder.path
    inputs = template.get("inputs")
    for name, parameter in declared(inputs, "parameters").items():
        if any(parameter.get(k) is not None for k in ("value", "default", "valueFrom")):
            continue
        argument = given.get(name)
        if argument is None or (argument.get("value") is None
                                and argument.get("valueFrom") is None):
            errors.append(issue(where, "required-inputs", f"template {template_name!r} needs "
                                f"input parameter {name!r} (no value or default), and "
                                f"{holder.label} does not pass it"))
    for name, artifact in declared(inputs, "artifacts").items():
        if artifact.get("optional") or has_location(artifact) or name in given_artifacts:
            continue
        errors.append(issue(where, "required-inputs", f"template {template_name!r} needs input "
                            f"artifact {name!r} (not optional, no location), and "
                            f"{holder.label} does not pass it"))
    return errors


def undeclared_argument_errors(holder, template, template_name):
    """ctp: an argument names an input of the template; common.ProcessArgs only looks up
    the template's declared inputs, so Argo drops any other argument silently."""
    errors = []
    inputs = template.get("inputs")
    for kind in ("parameters", "artifacts"):
        names = declared(inputs, kind)
        for index, argument in enumerate(as_list(holder.arguments.get(kind))):
            name = as_dict(argument).get("name")
            if isinstance(name, str) and name not in names:
                errors.append(issue(f"{holder.path}.arguments.{kind}[{index}].name",
                                    "argument-declared", f"template {template_name!r} has no input "
                                    f"{kind[:-1]} {name!r} (declared: {name_list(names)}); "
                                    "Argo would drop the value"))
    return errors


def argument_errors(model):
    """Rule families 2 and 4: argument values and kinds (validateArgumentsValues,
    wfScope.resolveArtifact) and what each holder passes (common.ProcessArgs)."""
    allow_empty = model.kind in ("WorkflowTemplate", "ClusterWorkflowTemplate")
    errors = argument_value_errors(model.arguments, f"{model.path}.arguments", allow_empty)
    for holder in holders(model):
        if holder.explicit:
            errors += argument_value_errors(holder.arguments, f"{holder.path}.arguments")
            errors += argument_kind_errors(holder.arguments, f"{holder.path}.arguments")
        template = holder_template(model, holder.fields)
        if template is None:
            continue
        template_name = holder.fields.get("template")
        errors += required_input_errors(holder, template, template_name)
        if holder.explicit:
            errors += undeclared_argument_errors(holder, template, template_name)
    return errors


# ----------------------------------------------------------- templates run

def runnable_errors(model):
    """Rule family 3: a template can run (validateLeaf for resources and parallelism; ctp for
    commands, scripts and steps)."""
    errors = []
    for name, (path, template) in model.templates.items():
        container = template.get("container")
        if isinstance(container, dict) and not container.get("command") \
                and not container.get("args"):
            errors.append(issue(f"{path}.container", "container-runs-something",
                                f"template {name!r} has no command or args, so it would run "
                                "whatever the image's entrypoint does"))
        script = template.get("script")
        if isinstance(script, dict):
            for field in ("source", "command"):
                if not script.get(field):
                    errors.append(issue(f"{path}.script", "script-runs-something",
                                        f"template {name!r} has no {field}"))
        steps = template.get("steps")
        if isinstance(steps, list):
            if not steps:
                errors.append(issue(f"{path}.steps", "steps-not-empty",
                                    f"template {name!r} has no steps"))
            for index, group in enumerate(steps):
                if not group:
                    errors.append(issue(f"{path}.steps[{index}]", "steps-not-empty",
                                        "an empty step group"))
        if template.get("parallelism") is not None and template_type(template) not in ("dag",
                                                                                     "steps"):
            errors.append(issue(f"{path}.parallelism", "parallelism",
                                "parallelism is only valid for steps and dag templates"))
        errors += resource_errors(template, path)
    return errors


def resource_errors(template, path):
    """validateLeaf: a resource template's action, and its manifest unless it gets or deletes."""
    resource = template.get("resource")
    if not isinstance(resource, dict):
        return []
    errors = []
    action = resource.get("action")
    if not is_expression(action) and action not in RESOURCE_ACTIONS:
        errors.append(issue(f"{path}.resource.action", "resource-runs",
                            f"{action!r} is not one of {', '.join(RESOURCE_ACTIONS)}"))
    if action not in ("get", "delete"):
        has_manifest, has_from = bool(resource.get("manifest")), resource.get("manifestFrom")
        if has_manifest == bool(has_from):
            errors.append(issue(f"{path}.resource", "resource-runs",
                                "needs exactly one of manifest and manifestFrom"))
    return errors


# ----------------------------------------------------------------- inputs/outputs

def io_declaration_errors(model):
    """validateInputs and validateOutputs / validateOutputParameter."""
    errors = []
    for name, (path, template) in model.templates.items():
        leaf, kind = is_leaf(template), template_type(template)
        for index, artifact in enumerate(as_list(as_dict(template.get("inputs")).get("artifacts"))):
            where = f"{path}.inputs.artifacts[{index}]"
            if artifact.get("from"):
                errors.append(issue(f"{where}.from", "inputs", "from is not valid in inputs"))
            if artifact.get("path") and not leaf:
                errors.append(issue(f"{where}.path", "inputs", "path is only valid in container "
                                    f"and script templates; {name!r} is {a(kind)}"))
        outputs = as_dict(template.get("outputs"))
        for index, artifact in enumerate(as_list(outputs.get("artifacts"))):
            errors += output_artifact_errors(artifact, f"{path}.outputs.artifacts[{index}]",
                                             name, kind, leaf)
        for index, parameter in enumerate(as_list(outputs.get("parameters"))):
            errors += output_parameter_errors(parameter, f"{path}.outputs.parameters[{index}]",
                                              kind)
    return errors


def output_artifact_errors(artifact, where, name, kind, leaf):
    """validateOutputs on an output artifact: path only in leaf templates, globalName; (ctp) a
    dag or steps template's artifact comes from somewhere (wfScope.resolveArtifact)."""
    errors = []
    if artifact.get("path") and not leaf:
        errors.append(issue(f"{where}.path", "outputs", "path is only valid in container and "
                            f"script templates; {name!r} is {a(kind)}"))
    if kind in ("dag", "steps") and not artifact.get("from") and not artifact.get("fromExpression"):
        errors.append(issue(where, "outputs", f"a {kind} template's output artifact needs from "
                            "or fromExpression"))
    source = artifact.get("from")
    if isinstance(source, str) and source:
        match = SINGLE_TAG_RE.match(source)
        if not match or not ARTIFACT_TAG_RE.match(match.group(1).strip()):
            errors.append(issue(f"{where}.from", "argument-kind",
                                f"{source!r} is not an artifact reference"))
    errors += global_name_errors(artifact, where)
    return errors


def output_parameter_errors(parameter, where, kind):
    """validateOutputParameter and the per-type valueFrom rules of validateOutputs."""
    value_from = parameter.get("valueFrom")
    if value_from is not None and parameter.get("value") is not None:
        return [issue(where, "outputs", "has both value and valueFrom")]
    errors = global_name_errors(parameter, where)
    if parameter.get("value") is not None:
        return errors
    if value_from is None:
        return errors + [issue(where, "outputs", "needs value or valueFrom")]
    value_from = as_dict(value_from)
    sources = [s for s in OUTPUT_VALUE_SOURCES if value_from.get(s) not in (None, "")]
    if len(sources) != 1:
        errors.append(issue(f"{where}.valueFrom", "outputs", "needs exactly one of "
                            f"{', '.join(OUTPUT_VALUE_SOURCES)} (found {name_list(sources)})"))
    needed = {"container": ("path",), "containerSet": ("path",), "script": ("path",),
              "resource": ("jqFilter", "jsonPath"), "dag": ("parameter", "expression"),
              "steps": ("parameter", "expression")}.get(kind)
    if needed and not any(value_from.get(s) for s in needed):
        errors.append(issue(f"{where}.valueFrom", "outputs", f"a {kind} template's output "
                            f"parameter needs valueFrom.{' or '.join(needed)}"))
    source = value_from.get("parameter")
    for tag in artifact_tags(source) if isinstance(source, str) else []:
        errors.append(issue(f"{where}.valueFrom.parameter", "argument-kind",
                            f"{{{{{tag}}}}} is an artifact; an output parameter cannot hold it "
                            "(declare an output artifact with from)"))
    return errors


def global_name_errors(output, where):
    """validateOutputs: a globalName that is not itself {{...}} is a parameter name."""
    global_name = output.get("globalName")
    if isinstance(global_name, str) and global_name and not PARAMETER_TAG_RE.search(global_name) \
            and param_name_problem(global_name):
        return [issue(f"{where}.globalName", "outputs",
                      f"{global_name!r} is invalid: {param_name_problem(global_name)}")]
    return []


# ------------------------------------------------------------- exit handlers

def exit_handler_errors(model):
    """Rule family 5a: onExit and hooks name templates (validateTemplateHolder at run time);
    hooks other than exit have an expression (validateHooks)."""
    errors = []
    for holder in holders(model):
        field = holder.path.rsplit(".", 1)[-1]
        is_hook = ".hooks." in holder.path
        if not (is_hook or field == "onExit") or holder.path == f"{model.path}.onExit":
            continue
        template_name = holder.fields.get("template")
        if is_hook and not template_name and not holder.fields.get("templateRef"):
            errors.append(issue(holder.path, "exit-handler", "a hook needs template or "
                                "templateRef"))
        elif isinstance(template_name, str) and not is_expression(template_name) \
                and template_name not in model.templates:
            suffix = ".template" if is_hook else ""
            errors.append(issue(holder.path + suffix, "exit-handler",
                                f"template {template_name!r} not defined"))
        if is_hook and field != "exit" and not holder.fields.get("expression"):
            errors.append(issue(holder.path, "exit-handler", f"hook {field!r} needs an "
                                "expression (only the exit hook runs without one)"))
    return errors


# ------------------------------------------------------------------- retries

def retry_strategy_errors(strategy, path):
    """validateTemplateHolder (retryPolicy) and the controller's use of the rest
    (operator.go processNodeRetries: intstr.Int32 and ParseStringToDuration)."""
    strategy = as_dict(strategy)
    errors = []
    limit = strategy.get("limit")
    if limit is not None and not int_or_variable_ok(limit):
        errors.append(issue(f"{path}.limit", "retry-strategy",
                            f"{limit!r} is not an integer or a {{{{...}}}} expression"))
    policy = strategy.get("retryPolicy")
    if policy and policy not in RETRY_POLICIES:
        errors.append(issue(f"{path}.retryPolicy", "retry-strategy",
                            f"{policy!r} is not a valid RetryPolicy "
                            f"({', '.join(RETRY_POLICIES)})"))
    backoff = strategy.get("backoff")
    if backoff is not None:
        backoff = as_dict(backoff)
        for field in ("duration", "maxDuration", "cap"):
            value = backoff.get(field)
            if value is not None and not (isinstance(value, int) or is_expression(value)
                                          or argo_duration_ok(str(value))):
                errors.append(issue(f"{path}.backoff.{field}", "retry-strategy",
                                    f"{value!r} is not a duration (integer seconds or a Go "
                                    "duration such as 30s, 1m30s)"))
        if not backoff.get("duration"):
            errors.append(issue(f"{path}.backoff", "retry-strategy", "backoff needs duration "
                                "(the controller fails: no base duration specified)"))
        factor = backoff.get("factor")
        if factor is not None and not int_or_variable_ok(factor):
            errors.append(issue(f"{path}.backoff.factor", "retry-strategy",
                                f"{factor!r} is not an integer or a {{{{...}}}} expression"))
    return errors


def retry_errors(model):
    """Rule family 5b: every retryStrategy (templates and spec)."""
    errors = []
    if model.spec.get("retryStrategy") is not None:
        errors += retry_strategy_errors(model.spec["retryStrategy"], f"{model.path}.retryStrategy")
    for _, (path, template) in model.templates.items():
        if template.get("retryStrategy") is not None:
            errors += retry_strategy_errors(template["retryStrategy"], f"{path}.retryStrategy")
    return errors


# ------------------------------------------------------------------ timeouts

def timeout_errors(model):
    """Rule family 5c: validateNonLeaf, validateLeaf and validateTemplate on
    activeDeadlineSeconds, timeout and pendingTimeout."""
    errors = []
    for name, (path, template) in model.templates.items():
        kind, leaf = template_type(template), is_leaf(template)
        deadline = template.get("activeDeadlineSeconds")
        if deadline is not None:
            if kind in ("dag", "steps"):
                errors.append(issue(f"{path}.activeDeadlineSeconds", "timeouts",
                                    f"only valid for leaf templates; {name!r} is {a(kind)}"))
            elif not int_or_variable_ok(deadline) or (
                    not is_argo_variable(deadline) and int(deadline) < 0):
                errors.append(issue(f"{path}.activeDeadlineSeconds", "timeouts",
                                    f"{deadline!r} must be a positive integer or an argo "
                                    "variable"))
        for field in ("timeout", "pendingTimeout"):
            value = template.get(field)
            if value in (None, ""):
                continue
            if not leaf:
                errors.append(issue(f"{path}.{field}", "timeouts",
                                    f"a {kind} template does not support {field}"))
            elif is_expression(value):
                continue
            elif field == "timeout" and is_whole_number(str(value)):
                errors.append(issue(f"{path}.{field}", "timeouts", f"{value!r} needs a unit "
                                    "(a Go duration such as 30s or 5m)"))
            elif not argo_duration_ok(str(value)):
                errors.append(issue(f"{path}.{field}", "timeouts",
                                    f"{value!r} is not a Go duration (30s, 5m, 1h30m)"))
    return errors


# --------------------------------------------------------------------- loops

def loop_errors(model):
    """Rule family 5d: addItemsToScope, and what the controller expands (withParam must
    become a JSON list, withSequence needs integers)."""
    errors = []
    for holder in holders(model):
        if not holder.explicit or holder.path.rsplit(".", 2)[-2] == "hooks":
            continue
        fields, path = holder.fields, holder.path
        param = fields.get("withParam")
        if param not in (None, "") and not (isinstance(param, str) and TAG_OPEN in param) \
                and not json_list(param):
            errors.append(issue(f"{path}.withParam", "loops", f"{param!r} is neither a "
                                "{{...}} expression nor a JSON list"))
        items = fields.get("withItems")
        if items is not None and not isinstance(items, list):
            errors.append(issue(f"{path}.withItems", "loops", "withItems must be a list"))
        for index, item in enumerate(as_list(items)):
            if item is None:
                errors.append(issue(f"{path}.withItems[{index}]", "loops",
                                    "unsupported withItems type: null"))
        sequence = fields.get("withSequence")
        if sequence is not None:
            sequence = as_dict(sequence)
            if sequence.get("count") is not None and sequence.get("end") is not None:
                errors.append(issue(f"{path}.withSequence", "loops",
                                    "only one of count or end can be defined in withSequence"))
            for field in ("count", "start", "end"):
                value = sequence.get(field)
                if value is not None and not int_or_variable_ok(value) \
                        and not is_expression(value):
                    errors.append(issue(f"{path}.withSequence.{field}", "loops",
                                        f"{value!r} is not an integer or {{{{...}}}}"))
    return errors


def json_list(text):
    try:
        return isinstance(json.loads(text), list)
    except (TypeError, ValueError):
        return False


def rule_errors(document):
    """The semantic rules (rule families 1-5) for one Workflow, WorkflowTemplate,
    ClusterWorkflowTemplate or CronWorkflow."""
    model = WorkflowModel(document)
    return (variable_errors(model) + argument_errors(model) + runnable_errors(model)
            + io_declaration_errors(model) + exit_handler_errors(model) + retry_errors(model)
            + timeout_errors(model) + loop_errors(model))


# ------------------------------------------------------------------- driver

def document_errors(document, validators, refs=False, ignore_other_kinds=False):
    """All error messages for one parsed document."""
    if not isinstance(document, dict):
        return ["$: document is not a mapping"]
    kind = document.get("kind")
    validator = validators.get(kind) if isinstance(kind, str) else None
    if validator is None:
        if ignore_other_kinds and kind:
            return []
        return [f"$.kind: unsupported kind {kind!r} (expected one of {', '.join(validators)})"]
    errors = schema_errors(validator, document)
    if refs and not errors:
        errors = reference_errors(document)
    return errors


def file_errors(path, validators, refs=False, ignore_other_kinds=False, max_errors=3):
    """All error messages for one file, at most `max_errors` per document."""
    try:
        documents = load_documents(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return ["cannot read or parse: " + " ".join(str(error).split())]
    if not documents:
        return ["no YAML documents"]
    problems = []
    for index, document in enumerate(documents):
        prefix = f"doc{index} " if len(documents) > 1 else ""
        errors = document_errors(document, validators, refs, ignore_other_kinds)
        problems += [prefix + e for e in errors[:max_errors]]
        if len(errors) > max_errors:
            problems.append(f"{prefix}(+{len(errors) - max_errors} more)")
    return problems


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Validate Argo Workflows YAML against Argo's JSON schema.")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA,
                        help="Argo's schema.json (default: %(default)s)")
    parser.add_argument("--loose", action="store_true",
                        help="accept unknown fields (the schema as published)")
    parser.add_argument("--refs", action="store_true",
                        help="also check names, references and the semantic rules of "
                             "Argo's validate.go (see the module docstring)")
    parser.add_argument("--ignore-other-kinds", action="store_true",
                        help="skip documents of non-Argo kinds instead of failing them")
    parser.add_argument("--max-errors", type=int, default=3, metavar="N",
                        help="errors shown per document (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        validators = build_validators(args.schema, strict=not args.loose)
    except (OSError, ValueError, KeyError) as error:
        print(f"validate_argo: cannot load schema {args.schema}: {error}", file=sys.stderr)
        return 2
    failed = 0
    for path in args.files:
        problems = file_errors(path, validators, args.refs, args.ignore_other_kinds,
                               max(args.max_errors, 1))
        if problems:
            failed += 1
            print(f"FAIL {path}: {' | '.join(problems)}")
        else:
            print(f"OK {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
