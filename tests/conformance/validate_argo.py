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
  * validateDAG: a DAG has tasks; `dependencies` and `depends` name tasks of
    the same DAG and are not mixed in one DAG; task names do not begin with a
    digit when dependencies are used; `.AnySucceeded` / `.AllFailed` only
    refer to looped tasks; no dependency cycles; `target` names tasks.
  * ValidateCronWorkflow: not both schedule and schedules; each schedule is
    a standard five-field cron expression or descriptor (robfig/cron
    ParseStandard); concurrencyPolicy is Allow, Forbid or Replace;
    startingDeadlineSeconds is not negative.

Argo stops at its first error; these checks report every one.  Names and
references holding `{{...}}` are left alone, and so are templateRef targets
and the resolution of `{{...}}` variables.
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
        return [f"{path}.tasks: a DAG must have at least one task"]
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
    return errors


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
                        help="also check names and references (Argo's validate.go rules)")
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
