#!/usr/bin/env python3
"""The engines' expression evaluators (tests/conformance/engines/), and the goldens through them.

Run as `python3 tests/conformance/engines_test.py`. First, known cases: each evaluator behaves as
the engine's library does (govaluate for Argo `when`, expr for Argo `depends` and {{=...}} tags,
CEL as the KFP driver evaluates `triggerPolicy.condition`), including the surprising parts. Then
every `when`, `depends` and KFP condition in tests/emit/golden/*.yaml is evaluated with sample
values of the declared parameter types (types from the KFP golden of the same pipeline, STRING
where none is known) and must evaluate without error.

The Go evaluators are built once into $CTP_ENGINES_CACHE (ctest sets it under the build tree).
The CEL cases are skipped, and reported as skipped, when cel-python is not installed. The last line
printed is `N passed, M failed`; the exit status is non-zero when any test fails.
"""

import glob
import itertools
import os
import re
import sys
import unittest

import test_report  # noqa: E402 (same folder)

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "engines"))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import engines  # noqa: E402
from engines import EngineError  # noqa: E402

GOLDEN = os.path.join(HERE, "..", "emit", "golden")
try:
    import celpy  # noqa: F401

    HAVE_CEL = True
except ImportError:
    HAVE_CEL = False
NO_CEL = "cel-python is not importable (pip install -r deps/python-test-requirements.txt)"

PHASES = ["Succeeded", "Failed", "Error", "Skipped", "Omitted"]  # the fulfilled phases


def is_error(value):
    return isinstance(value, EngineError)


# ------------------------------------------------------------------ govaluate (Argo `when`)

class ArgoWhen(unittest.TestCase):
    CASES = [
        ("'10' >= '2'", False),  # two strings: compared as text
        ("'10' > '9'", False),
        ("10 >= 2", True),
        ("'a' == 'a'", True),
        ("true && false", False),
        ("!(1 == 2) || false", True),
        ("'10' == 10", False),  # a string never equals a number; no error
        ("heads == 'heads'", True),  # Argo turns an unquoted word into the string of its name
        ("'heads' in ('heads', 'tails')", True),
        ("7 in (1, 7)", True),
        ("'7' in (1, 7)", False),
        ("1.50 == 1.5", True),
        ("", True),  # no condition
    ]
    ERRORS = [
        ("'10' > 2", "it is not a number"),  # ordering a string against a number
        ("heads", "Expected boolean evaluation"),  # a non-boolean result
        ("1 + 2", "Expected boolean evaluation"),
        ("flip-side == 'flip-side'", "cannot be used with the modifier '-'"),  # `-`: subtraction
        ("'it's' == 'x'", "Invalid 'when' expression"),  # a quote in a substituted value
        ("'[\"a\"]' == 'x'", "Cannot transition token types"),  # " also ends a '...' string
        ("two words > 3", ""),
        ("a &&", "Unexpected end of expression"),
        ("@ == 1", "hint: try wrapping"),
    ]

    def test_values(self):
        results = engines.argo_when([e for e, _ in self.CASES])
        for (expr, want), got in zip(self.CASES, results):
            with self.subTest(expr=expr):
                self.assertEqual(got, want)

    def test_errors(self):
        results = engines.argo_when([e for e, _ in self.ERRORS])
        for (expr, message), got in zip(self.ERRORS, results):
            with self.subTest(expr=expr):
                self.assertTrue(is_error(got), got)
                self.assertIn(message, got)

    def test_batch_keeps_order(self):
        exprs = [f"{i} == {i % 3}" for i in range(300)]
        self.assertEqual(engines.argo_when(exprs), [i == i % 3 for i in range(300)])


class ArgoSubstitution(unittest.TestCase):
    WHEN = ("({{workflow.parameters.threshold}} > 3 && '{{tasks.flip.outputs.parameters.side}}' "
            "in ('heads', 'tails')) || !('{{tasks.flip.outputs.parameters.side}}' == 'edge')")

    def test_plain_text_replacement(self):
        values = {"workflow.parameters.threshold": "5",
                  "tasks.flip.outputs.parameters.side": "edge"}
        [text] = engines.argo_substitute([(self.WHEN, values)])
        self.assertEqual(text, "(5 > 3 && 'edge' in ('heads', 'tails')) || !('edge' == 'edge')")
        self.assertEqual(engines.argo_when([text]), [False])

    def test_special_characters_pass_unchanged(self):
        values = {"tasks.a.outputs.parameters.x": 'say "hi" & <go>\n'}
        [text] = engines.argo_substitute([("'{{tasks.a.outputs.parameters.x}}' == 'y'", values)])
        self.assertEqual(text, "'say \"hi\" & <go>\n' == 'y'")

    def test_missing_values(self):
        rows = [("'{{tasks.a.outputs.parameters.nope}}' == 'y'", {}),  # tasks.*: must resolve
                ("'{{workflow.parameters.nope}}' == 'y'", {}),  # others stay as they are
                ("{{workflow.parameters.n}} > 1", {"workflow.parameters.n": 2})]  # not a string
        missing, kept, number = engines.argo_substitute(rows)
        self.assertTrue(is_error(missing) and "failed to resolve" in missing, missing)
        self.assertEqual(kept, "'{{workflow.parameters.nope}}' == 'y'")
        self.assertTrue(is_error(number) and "to string" in number, number)

    def test_run_time_membership_tag(self):
        # The form emit/argo_values.cc RunTimeMembership writes for `x in <list value>`.
        when = ("{{=string(workflow.parameters['x']) in "
                "map(jsonpath(tasks['gen'].outputs.parameters['items'], '$'), {string(#)})}} "
                "&& '{{workflow.parameters.x}}' != ''")
        rows = [(when, {"workflow.parameters.x": x, "tasks.gen.outputs.parameters.items": items})
                for x, items in [("2", "[1, 2, 3]"), ("4", "[1, 2, 3]"), ("b", '["a", "b"]')]]
        texts = engines.argo_substitute(rows)
        self.assertEqual(texts[0], "true && '2' != ''")
        self.assertEqual(engines.argo_when(texts), [True, False, True])


# ------------------------------------------------------------------ expr (Argo `depends`, tags)

class ArgoDepends(unittest.TestCase):
    def test_bare_task_name(self):
        # `depends: flip` is (flip.Succeeded || flip.Skipped || flip.Daemoned).
        rows = [("flip", {"flip": phase}) for phase in PHASES]
        self.assertEqual(engines.argo_depends(rows), [True, False, False, True, False])

    def test_continue_on(self):
        task = {"phase": "Failed", "continueOn": {"failed": True}}
        rows = [("flip", {"flip": task}), ("flip", {"flip": dict(task, phase="Error")}),
                ("flip", {"flip": dict(task, continueOn={"error": True}, phase="Error")})]
        self.assertEqual(engines.argo_depends(rows), [True, False, True])

    def test_results_and_dashes(self):
        tasks = {"flip-a": "Failed", "b": "Succeeded", "c-d": "Error"}
        rows = [("flip-a.Failed && b.Succeeded", tasks), ("flip-a.Succeeded || c-d.Errored", tasks),
                ("!flip-a.Succeeded", tasks), ("(flip-a || b) && !c-d.Skipped", tasks)]
        self.assertEqual(engines.argo_depends(rows), [True, True, True, True])

    def test_task_groups(self):
        group = {"phase": "Failed", "children": ["Failed", "Succeeded"]}
        rows = [("g.AnySucceeded", {"g": group}), ("g.AllFailed", {"g": group}),
                ("g.AllFailed", {"g": dict(group, children=["Failed", "Failed"])}),
                ("g.AllFailed", {"g": dict(group, children=[])})]
        self.assertEqual(engines.argo_depends(rows), [True, False, True, False])

    def test_errors(self):
        rows = [("a.Bogus", {"a": "Succeeded"}), ("a.Succeeded", {}),
                ("a && b", {"a": "Succeeded", "b": "Running"}),
                ("a.Succeeded +", {"a": "Succeeded"}),
                # expr's word operators: task names to Argo's rewrite (its GetTask panics)
                ("a.Succeeded and not b.Succeeded", {"a": "Succeeded", "b": "Failed"})]
        bogus, missing, running, syntax, words = engines.argo_depends(rows)
        self.assertIn("does not exist", words)
        self.assertIn("has no field Bogus", bogus)
        self.assertIn("target a does not exist", missing)
        self.assertIn("not fulfilled", running)
        self.assertTrue(is_error(syntax), syntax)


class ArgoExpressionTag(unittest.TestCase):
    MEMBERSHIP = ("string(workflow.parameters['x']) in "
                  "map(jsonpath(tasks['gen'].outputs.parameters['items'], '$'), {string(#)})")

    def membership(self, x, items):
        env = {"workflow.parameters.x": x, "tasks.gen.outputs.parameters.items": items}
        return engines.argo_expression_tag([(self.MEMBERSHIP, env)])[0]

    def test_membership(self):
        self.assertEqual(self.membership("2", "[1, 2, 3]"), "true")
        self.assertEqual(self.membership("a", '["a", "b"]'), "true")
        self.assertEqual(self.membership("true", '[true]'), "true")
        self.assertEqual(self.membership("4", "[1, 2, 3]"), "false")
        # Items compare as text: a JSON number is printed by Go's %v, so 2.0 is "2".
        self.assertEqual(self.membership("2.0", "[1, 2.0, 3]"), "false")
        self.assertEqual(self.membership("2", "[1, 2.0, 3]"), "true")
        self.assertEqual(self.membership("1e+21", "[1e21]"), "true")

    def test_membership_errors(self):
        self.assertIn("invalid character", self.membership("a", "a, b"))  # not JSON
        [missing] = engines.argo_expression_tag([(self.MEMBERSHIP, {"workflow.parameters.x": "1"})])
        self.assertIn("tasks.gen.outputs.parameters.items is missing", missing)

    def test_functions(self):
        rows = [("asInt(workflow.parameters.n) + 1", {"workflow.parameters.n": "41"}),
                ("asFloat(workflow.parameters.n) * 2", {"workflow.parameters.n": "1.25"}),
                ("int(2.7)", {}), ("float('1e3')", {}), ("string(true) + string(1.5)", {}),
                ("map([1, 2], {# * 2})", {}), ("jsonpath('{\"a\": [1]}', '$')", {}),
                ("{{='x' + workflow.name}}", {"workflow.name": "wf-1"})]
        self.assertEqual(engines.argo_expression_tag(rows),
                         ["42", "2.5", "2", "1000", "true1.5", "[2,4]", '{"a":[1]}', "xwf-1"])

    def test_function_errors(self):
        rows = [("int('abc')", {}), ("asFloat('x')", {}), ("jsonpath('{}', '$.a')", {})]
        for got in engines.argo_expression_tag(rows):
            self.assertTrue(is_error(got), got)

    def test_unresolved_stays(self):
        [kept] = engines.argo_expression_tag([("workflow.parameters.nope == 'x'", {})])
        self.assertEqual(kept, "{{=workflow.parameters.nope == 'x'}}")


# ------------------------------------------------------------------ CEL (KFP trigger conditions)

@unittest.skipUnless(HAVE_CEL, NO_CEL)
class KfpCondition(unittest.TestCase):
    PARAMS = {"s": ("STRING", "12"), "side": ("STRING", "heads"), "n": ("NUMBER_INTEGER", 5),
              "d": ("NUMBER_DOUBLE", 2.5), "b": ("BOOLEAN", True), "l": ("LIST", ["a", 1]),
              "m": ("STRUCT", {"k": "v"})}
    CASES = [
        ("int(inputs.parameter_values['s']) >= 10", True),
        ("double(inputs.parameter_values['s']) < 12.5", True),
        ("inputs.parameter_values['s'] == '12'", True),
        # cel-go's heterogeneous equality: a string never equals a number, without an error
        ("inputs.parameter_values['s'] == 12", False),
        # numbers are doubles; they compare with ints across types
        ("inputs.parameter_values['n'] == 5", True),
        ("inputs.parameter_values['n'] > 3", True),
        ("inputs.parameter_values['d'] < 3", True),
        ("double(inputs.parameter_values['d']) >= 2.5", True),
        ("int(inputs.parameter_values['n']) == 5", True),
        ("int(inputs.parameter_values['d']) == 2", True),
        ("inputs.parameter_values['side'] in ['heads', 'tails']", True),
        ("inputs.parameter_values['n'] in [1, 5]", True),
        ("'a' in inputs.parameter_values['l']", True),
        ("1 in inputs.parameter_values['l']", True),
        ("inputs.parameter_values['m']['k'] == 'v'", True),
        ("inputs.parameter_values['b'] && !(inputs.parameter_values['side'] == 'edge')", True),
        ("true || inputs.parameter_values['s'] > 3", True),  # an error on one side of a true ||
    ]
    ERRORS = [
        ("inputs.parameter_values['s'] > 3", "no matching overload"),  # a STRING against a number
        ("double(inputs.parameter_values['n']) > 3", "'_>_' applied to '(double, int)'"),  # checker
        ("'a' == 1", "'_==_' applied to '(string, int)'"),
        ("1 in ['a']", "'@in'"),
        ("int(inputs.parameter_values['side']) > 1", "evaluation error"),
        ("inputs.parameter_values['nope'] == 'x'", "evaluation error"),
        ("inputs.parameter_values['s']", "not bool"),
        ("params['s'] == 'x'", "undeclared reference"),
        ("inputs.parameter_values['s'] ==", "syntax error"),
    ]

    def test_values(self):
        for condition, want in self.CASES:
            with self.subTest(condition=condition):
                self.assertIs(engines.kfp_condition(condition, self.PARAMS), want)

    def test_errors(self):
        for condition, message in self.ERRORS:
            with self.subTest(condition=condition):
                got = engines.kfp_condition(condition, self.PARAMS)
                self.assertTrue(is_error(got), got)
                self.assertIn(message, got)

    def test_binding_checks_types(self):
        got = engines.kfp_condition("inputs.parameter_values['n'] > 1",
                                    {"n": ("NUMBER_INTEGER", "5")})
        self.assertIn("is not a NUMBER_INTEGER value", got)


# ------------------------------------------------------------------ the goldens

# Sample values by parameterType: as Argo substitutes them (text) and as KFP binds them (typed).
ARGO_SAMPLE = {"STRING": "7", "NUMBER_INTEGER": "7", "NUMBER_DOUBLE": "7.5", "BOOLEAN": "true",
               "LIST": '["7", 7]', "STRUCT": '{"k": "7"}'}
KFP_SAMPLE = {"STRING": "7", "NUMBER_INTEGER": 7, "NUMBER_DOUBLE": 7.5, "BOOLEAN": True,
              "LIST": ["7", 7], "STRUCT": {"k": "7"}}
SIMPLE_TAG = re.compile(r"\{\{\s*([A-Za-z][\w.-]*)\s*\}\}")
TAG_VARIABLES = [  # the variables an expression tag names, as Argo's flat names
    (re.compile(r"(workflow|inputs)\.parameters\['([^']+)'\]"), "{0}.parameters.{1}"),
    (re.compile(r"tasks\['([^']+)'\]\.outputs\.parameters\['([^']+)'\]"),
     "tasks.{0}.outputs.parameters.{1}"),
    (re.compile(r"(tasks)\['([^']+)'\]\.outputs\.result\b"), "{0}.{1}.outputs.result"),
]


def documents(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def kfp_dags(spec):
    yield spec.get("root", {}).get("dag", {})
    for component in spec.get("components", {}).values():
        yield component.get("dag", {})


def kfp_types(argo_path):
    """Argo variable name -> parameterType, from the KFP golden of the same pipeline."""
    kfp_path = argo_path.replace(".argo.yaml", ".kfp.yaml")
    types = {}
    if not os.path.exists(kfp_path):
        return types
    for spec in documents(kfp_path):
        components = spec.get("components", {})
        root = spec.get("root", {})
        for name, p in root.get("inputDefinitions", {}).get("parameters", {}).items():
            types[f"workflow.parameters.{name}"] = p.get("parameterType")
        for component in components.values():
            for name, p in component.get("inputDefinitions", {}).get("parameters", {}).items():
                types.setdefault(f"inputs.parameters.{name}", p.get("parameterType"))
        for dag in kfp_dags(spec):
            for task_name, task in dag.get("tasks", {}).items():
                component = components.get(task.get("componentRef", {}).get("name"), {})
                for name, p in component.get("outputDefinitions", {}).get("parameters", {}).items():
                    types[f"tasks.{task_name}.outputs.parameters.{name}"] = p.get("parameterType")
    return types


def argo_templates(doc):
    spec = doc.get("spec", {})
    return spec.get("templates") or spec.get("workflowSpec", {}).get("templates") or []


def argo_rows(path):
    """(where, when, values) and (where, depends, dag tasks) of one Argo golden."""
    types = kfp_types(path)
    whens, depends = [], []
    for doc in documents(path):
        for template in argo_templates(doc):
            tasks = template.get("dag", {}).get("tasks", [])
            steps = [step for group in template.get("steps", []) for step in group]
            for task in tasks + steps:
                where = f"{os.path.basename(path)}: {template['name']}/{task['name']}"
                if task.get("when"):
                    when = task["when"]
                    names = set(SIMPLE_TAG.findall(when))
                    for pattern, form in TAG_VARIABLES:
                        names |= {form.format(*m) for m in pattern.findall(when)}
                    values = {n: ARGO_SAMPLE[types.get(n) or "STRING"] for n in names}
                    whens.append((where, when, values))
                if task.get("depends"):
                    depends.append((where, task["depends"], {t["name"]: t for t in tasks}))
    return whens, depends


def kfp_rows(path):
    """(where, condition, {name: (parameterType, sample)}) of one KFP golden."""
    rows = []
    for spec in documents(path):
        components = spec.get("components", {})
        for dag in kfp_dags(spec):
            for name, task in dag.get("tasks", {}).items():
                condition = task.get("triggerPolicy", {}).get("condition")
                if not condition:
                    continue
                component = components.get(task.get("componentRef", {}).get("name"), {})
                params = component.get("inputDefinitions", {}).get("parameters", {})
                typed = {p: (d["parameterType"], KFP_SAMPLE[d["parameterType"]])
                         for p, d in params.items()}
                rows.append((f"{os.path.basename(path)}: {name}", condition, typed))
    return rows


class Goldens(unittest.TestCase):
    ARGO = sorted(glob.glob(os.path.join(GOLDEN, "*.argo.yaml")))
    KFP = sorted(glob.glob(os.path.join(GOLDEN, "*.kfp.yaml")))

    def test_found_goldens(self):
        self.assertTrue(self.ARGO and self.KFP, GOLDEN)

    def test_argo_whens(self):
        rows = [row for path in self.ARGO for row in argo_rows(path)[0]]
        self.assertTrue(rows, "no `when` in the Argo goldens")
        texts = engines.argo_substitute([(when, values) for _, when, values in rows])
        results = engines.argo_when([t for t in texts if not is_error(t)])
        results = iter(results)
        for (where, when, values), text in zip(rows, texts):
            with self.subTest(where=where, when=when):
                self.assertFalse(is_error(text), text)
                self.assertNotIn("{{", text)
                result = next(results)
                self.assertFalse(is_error(result), f"{text!r}: {result}")

    def test_argo_depends(self):
        rows = []
        for path in self.ARGO:
            for where, logic, dag in argo_rows(path)[1]:
                names = sorted(n for n in dag
                               if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", logic))
                self.assertTrue(names, f"{where}: depends '{logic}' names no task of its DAG")
                for phases in itertools.product(PHASES, repeat=len(names)):
                    tasks = {n: {"phase": p, "continueOn": dag[n].get("continueOn")}
                             for n, p in zip(names, phases)}
                    rows.append((where, logic, tasks))
        self.assertTrue(rows, "no `depends` in the Argo goldens")
        results = engines.argo_depends([(logic, tasks) for _, logic, tasks in rows])
        for (where, logic, tasks), result in zip(rows, results):
            with self.subTest(where=where, depends=logic, tasks=tasks):
                self.assertFalse(is_error(result), result)
                if len(tasks) == 1 and logic in tasks:  # a bare name: done, or failed + continueOn
                    [task] = tasks.values()
                    continue_on = task["continueOn"] or {}
                    ok = {"Succeeded", "Skipped"}
                    ok |= {"Failed"} if continue_on.get("failed") else set()
                    ok |= {"Error"} if continue_on.get("error") else set()
                    self.assertEqual(result, task["phase"] in ok)

    @unittest.skipUnless(HAVE_CEL, NO_CEL)
    def test_kfp_conditions(self):
        rows = [row for path in self.KFP for row in kfp_rows(path)]
        self.assertTrue(rows, "no triggerPolicy.condition in the KFP goldens")
        for where, condition, typed in rows:
            with self.subTest(where=where, condition=condition):
                result = engines.kfp_condition(condition, typed)
                self.assertFalse(is_error(result), result)




if __name__ == "__main__":
    sys.exit(test_report.run_module(__name__))
