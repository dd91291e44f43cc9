#!/usr/bin/env python3
"""Self-test of validate_kfp.py's KFP rules (the SDK loader, task inputs, conditions, loops).

Run as `python3 tests/conformance/kfp_rules_test.py`.  Valid documents (the
KFP-compiled pipelines under data/kfp/ and ctp's goldens under
tests/emit/golden/) are mutated one way each; every mutation must be reported
with a message that names the field at fault.  Every upstream document and
every golden must pass as it is (no false positives), except the goldens of
KNOWN_CTP_FINDINGS, which must report exactly the findings listed there.

The whole file is skipped, and says so, when `kfp.pipeline_spec` cannot be
imported; the SDK loader and CEL cases are skipped, and say so, without
`kfp.components` or `celpy`.  The last line printed is `N passed, M failed`;
the exit status is non-zero when any test fails.
"""

import copy
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

import test_report  # noqa: E402 (same folder)

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import validate_kfp  # noqa: E402

KFP_DATA = os.path.join(HERE, "data", "kfp")
GOLDEN = os.path.join(HERE, "..", "emit", "golden")
UPSTREAM_FILES = sorted(glob.glob(os.path.join(KFP_DATA, "**", "*.yaml"), recursive=True))
GOLDEN_FILES = sorted(glob.glob(os.path.join(GOLDEN, "*.kfp.yaml")))
PROTOS = validate_kfp.import_protos()
HAVE_PROTOS = PROTOS[0] is not None
HAVE_SDK = validate_kfp.import_sdk_loader()[0] is not None
HAVE_CEL = validate_kfp.import_cel()[0] is not None
INSTALL = "pip install -r deps/python-test-requirements.txt"

# Goldens that break a KFP rule because ctp writes them so (a ctp finding, not a
# false positive of the rule).  Each must report exactly these errors: when ctp
# is fixed, or the rule changes, the entry has to go.
# Goldens with findings ctp accepts (none today), name -> the exact findings.
KNOWN_CTP_FINDINGS = {}


def load(path):
    return validate_kfp.load_documents(path)


def upstream(name):
    """The PipelineSpec document of data/kfp/v2/NAME."""
    return load(os.path.join(KFP_DATA, "v2", name))[0]


def golden(name):
    """The PipelineSpec document of tests/emit/golden/NAME."""
    return load(os.path.join(GOLDEN, name))[0]


def mutated(document, change):
    """A deep copy of `document` after `change(copy)`."""
    copied = copy.deepcopy(document)
    change(copied)
    return copied


def root_task(document, name):
    return document["root"]["dag"]["tasks"][name]


def component(document, name):
    return document["components"][name]


def run_validator(*args, env=None):
    process = subprocess.run([sys.executable, os.path.join(HERE, "validate_kfp.py"), *args],
                             capture_output=True, text=True, env=env, check=False)
    return process.returncode, process.stdout.splitlines()


@unittest.skipUnless(HAVE_PROTOS, f"kfp.pipeline_spec is not importable ({INSTALL})")
class KfpRulesTestCase(unittest.TestCase):
    def errors(self, *documents):
        return validate_kfp.validate_documents(list(documents), PROTOS)[0]

    def assertReported(self, document, *fragments):
        """Some error about `document` contains every one of `fragments`."""
        errors = self.errors(document)
        if not any(all(f in error for f in fragments) for error in errors):
            self.fail(f"no error mentions {fragments}; errors: {errors}")

    def assertValid(self, document):
        self.assertEqual(self.errors(document), [])


class NoFalsePositives(KfpRulesTestCase):
    def test_upstream_documents_pass(self):
        self.assertTrue(UPSTREAM_FILES)
        for path in UPSTREAM_FILES:
            with self.subTest(file=os.path.relpath(path, HERE)):
                self.assertEqual(validate_kfp.validate_file(path, PROTOS)[0], [])

    def test_goldens_pass(self):
        self.assertTrue(GOLDEN_FILES)
        for path in GOLDEN_FILES:
            with self.subTest(golden=os.path.basename(path)):
                self.assertEqual(validate_kfp.validate_file(path, PROTOS)[0],
                                 KNOWN_CTP_FINDINGS.get(os.path.basename(path), []))

    def test_known_findings_name_goldens(self):
        for name in KNOWN_CTP_FINDINGS:
            self.assertTrue(os.path.exists(os.path.join(GOLDEN, name)), name)


class TaskInputs(KfpRulesTestCase):
    """Rule family b: a task's arguments against its component's inputs."""

    def test_required_parameter_missing(self):
        document = mutated(upstream("pipeline_with_after.yaml"),
                           lambda d: root_task(d, "print-text")["inputs"]["parameters"].pop("text"))
        self.assertReported(document, "root.dag.tasks.print-text.inputs.parameters",
                            "required input parameter 'text'")

    def test_parameter_with_default_or_optional_may_be_left_out(self):
        def give_default(d):
            component(d, "comp-print-text")["inputDefinitions"]["parameters"]["text"][
                "defaultValue"] = "x"
            root_task(d, "print-text")["inputs"]["parameters"].pop("text")
            component(d, "comp-print-text-2")["inputDefinitions"]["parameters"]["text"][
                "isOptional"] = True
            root_task(d, "print-text-2")["inputs"]["parameters"].pop("text")
        self.assertValid(mutated(upstream("pipeline_with_after.yaml"), give_default))

    def test_required_artifact_missing(self):
        document = mutated(golden("artifacts.kfp.yaml"),
                           lambda d: root_task(d, "use").pop("inputs"))
        self.assertReported(document, "root.dag.tasks.use.inputs.artifacts",
                            "required input artifact 'make-data'")

    def test_sub_pipeline_input_missing(self):
        document = mutated(golden("sub-pipeline.kfp.yaml"),
                           lambda d: root_task(d, "pre")["inputs"]["parameters"].pop("source"))
        self.assertReported(document, "root.dag.tasks.pre.inputs.parameters",
                            "required input parameter 'source'", "'comp-pre'")

    def test_undeclared_argument(self):
        document = mutated(upstream("pipeline_with_after.yaml"),
                           lambda d: root_task(d, "print-text")["inputs"]["parameters"].update(
                               extra={"runtimeValue": {"constant": "x"}}))
        self.assertReported(document, "root.dag.tasks.print-text.inputs.parameters.extra",
                            "declares no input parameter 'extra'")

    def test_integer_input_given_a_string(self):
        document = mutated(golden("sub-pipeline.kfp.yaml"),
                           lambda d: root_task(d, "pre")["inputs"]["parameters"]["size"].update(
                               runtimeValue={"constant": "512"}))
        self.assertReported(document, "root.dag.tasks.pre.inputs.parameters.size.runtimeValue",
                            '"512"', "JSON string", "NUMBER_INTEGER")

    def test_integer_input_given_a_fraction(self):
        document = mutated(golden("sub-pipeline.kfp.yaml"),
                           lambda d: root_task(d, "pre")["inputs"]["parameters"]["size"].update(
                               runtimeValue={"constant": 2.5}))
        self.assertReported(document, "pre.inputs.parameters.size.runtimeValue", "JSON number",
                            "NUMBER_INTEGER")

    def test_constant_kinds(self):
        """Each parameterType against a constant of each JSON kind."""
        constants = {"string": "x", "integer": 3, "number": 0.5, "bool": True,
                     "list": [1], "object": {"a": 1}, "null": None}
        accepted = {"STRING": {"string"}, "NUMBER_INTEGER": {"integer"},
                    "NUMBER_DOUBLE": {"integer", "number"}, "BOOLEAN": {"bool"},
                    "LIST": {"list"}, "STRUCT": {"object"}}
        base = upstream("pipeline_with_after.yaml")
        for parameter_type, kinds in accepted.items():
            for kind, value in constants.items():
                def change(d, parameter_type=parameter_type, value=value):
                    component(d, "comp-print-text")["inputDefinitions"]["parameters"]["text"][
                        "parameterType"] = parameter_type
                    root_task(d, "print-text")["inputs"]["parameters"]["text"] = {
                        "runtimeValue": {"constant": value}}
                with self.subTest(parameter_type=parameter_type, constant=kind):
                    document = mutated(base, change)
                    if kind in kinds:
                        self.assertValid(document)
                    else:
                        self.assertReported(document, "print-text.inputs.parameters.text."
                                            "runtimeValue", f"JSON {kind}", parameter_type)

    def test_default_of_another_type(self):
        document = mutated(golden("sub-pipeline.kfp.yaml"),
                           lambda d: component(d, "comp-pre")["inputDefinitions"]["parameters"][
                               "size"].update(defaultValue="256"))
        self.assertReported(document, "components.comp-pre.inputDefinitions.parameters.size."
                            "defaultValue", '"256" is a JSON string', "NUMBER_INTEGER")
        document = mutated(upstream("pipeline_with_loops.yaml"),
                           lambda d: d["root"]["inputDefinitions"]["parameters"][
                               "loop_parameter"].update(defaultValue="a,b"))
        self.assertReported(document, "root.inputDefinitions.parameters.loop_parameter."
                            "defaultValue", "JSON string", "LIST")

    def test_missing_producer_output(self):
        document = mutated(upstream("pipeline_with_condition.yaml"),
                           lambda d: root_task(d, "print-op")["inputs"]["parameters"]["msg"][
                               "taskOutputParameter"].update(outputParameterKey="Missing"))
        self.assertReported(document, "root.dag.tasks.print-op.inputs.parameters.msg."
                            "taskOutputParameter", "'flip-coin-op' has no output parameter "
                            "'Missing'")

    def test_producer_output_of_another_type(self):
        document = mutated(upstream("pipeline_with_condition.yaml"),
                           lambda d: component(d, "comp-flip-coin-op")["outputDefinitions"][
                               "parameters"]["Output"].update(parameterType="NUMBER_INTEGER"))
        self.assertReported(document, "root.dag.tasks.print-op.inputs.parameters.msg."
                            "taskOutputParameter", "'Output' of task 'flip-coin-op' is "
                            "NUMBER_INTEGER, the input is STRING")

    def test_sub_pipeline_output_of_another_type(self):
        document = mutated(golden("sub-pipeline.kfp.yaml"),
                           lambda d: component(d, "comp-report")["inputDefinitions"][
                               "parameters"]["pre-tiles"].update(parameterType="LIST"))
        self.assertReported(document, "root.dag.tasks.report.inputs.parameters.pre-tiles."
                            "taskOutputParameter", "'tiles' of task 'pre' is STRING, the input "
                            "is LIST")

    def test_artifact_given_as_parameter(self):
        def as_parameter(d):
            use = root_task(d, "use")
            use["inputs"] = {"parameters": {"make-data": {"taskOutputParameter": {
                "producerTask": "make", "outputParameterKey": "data"}}}}
        document = mutated(golden("artifacts.kfp.yaml"), as_parameter)
        self.assertReported(document, "root.dag.tasks.use.inputs.parameters.make-data",
                            "'make-data' is an input artifact of component 'comp-use', given as "
                            "parameter")
        self.assertReported(document, "use.inputs.parameters.make-data.taskOutputParameter",
                            "no output parameter 'data' (it is an output artifact")

    def test_parameter_given_as_artifact(self):
        def as_artifact(d):
            report = root_task(d, "report")
            report["inputs"] = {"artifacts": {"pre-tiles": {"taskOutputArtifact": {
                "producerTask": "pre", "outputArtifactKey": "tiles"}}}}
        document = mutated(golden("sub-pipeline.kfp.yaml"), as_artifact)
        self.assertReported(document, "root.dag.tasks.report.inputs.artifacts.pre-tiles",
                            "is an input parameter of component 'comp-report', given as artifact")
        self.assertReported(document, "report.inputs.artifacts.pre-tiles.taskOutputArtifact",
                            "no output artifact 'tiles' (it is an output parameter")

    def test_artifact_of_an_incompatible_type(self):
        def retype(d):
            component(d, "comp-make")["outputDefinitions"]["artifacts"]["data"][
                "artifactType"]["schemaTitle"] = "system.Dataset"
            component(d, "comp-use")["inputDefinitions"]["artifacts"]["make-data"][
                "artifactType"]["schemaTitle"] = "system.Model"
        self.assertReported(mutated(golden("artifacts.kfp.yaml"), retype),
                            "root.dag.tasks.use.inputs.artifacts.make-data.taskOutputArtifact",
                            "system.Dataset@0.0.1, the input takes system.Model@0.0.1")

    def test_artifact_types_the_sdk_accepts(self):
        """system.Artifact on either side, and another minor schema version, are compatible."""
        def retype(output_title, input_title, input_version="0.0.1"):
            def change(d):
                output = component(d, "comp-make")["outputDefinitions"]["artifacts"]["data"]
                output["artifactType"]["schemaTitle"] = output_title
                declared = component(d, "comp-use")["inputDefinitions"]["artifacts"]["make-data"]
                declared["artifactType"].update(schemaTitle=input_title,
                                                schemaVersion=input_version)
            return change
        base = golden("artifacts.kfp.yaml")
        self.assertValid(mutated(base, retype("system.Model", "system.Artifact")))
        self.assertValid(mutated(base, retype("system.Artifact", "system.Model")))
        self.assertValid(mutated(base, retype("system.Model", "system.Model", "0.1.0")))
        self.assertReported(mutated(base, retype("system.Model", "system.Model", "1.0.0")),
                            "system.Model@0.0.1, the input takes system.Model@1.0.0")

    def test_artifact_list_into_a_single_artifact(self):
        document = mutated(golden("artifacts.kfp.yaml"),
                           lambda d: component(d, "comp-make")["outputDefinitions"]["artifacts"][
                               "data"].update(isArtifactList=True))
        self.assertReported(document, "use.inputs.artifacts.make-data.taskOutputArtifact",
                            "List[system.Artifact@0.0.1], the input takes system.Artifact@0.0.1")

    def test_final_status_only_into_a_final_status_input(self):
        base = upstream("pipeline_with_task_final_status.yaml")
        exit_task = next(name for name, task in base["root"]["dag"]["tasks"].items()
                         if "taskFinalStatus" in json.dumps(task))
        status_input = next(name for name, value in
                            root_task(base, exit_task)["inputs"]["parameters"].items()
                            if "taskFinalStatus" in value)
        component_name = root_task(base, exit_task)["componentRef"]["name"]

        def constant_status(d):
            root_task(d, exit_task)["inputs"]["parameters"][status_input] = {
                "runtimeValue": {"constant": {"state": "SUCCEEDED"}}}
        self.assertReported(mutated(base, constant_status),
                            f"root.dag.tasks.{exit_task}.inputs.parameters.{status_input}",
                            "is TASK_FINAL_STATUS; only taskFinalStatus fills it")

        def status_into_string(d):
            component(d, component_name)["inputDefinitions"]["parameters"][status_input][
                "parameterType"] = "STRING"
        self.assertReported(mutated(base, status_into_string),
                            f"root.dag.tasks.{exit_task}.inputs.parameters.{status_input}",
                            "taskFinalStatus fills only a TASK_FINAL_STATUS input")


@unittest.skipUnless(HAVE_CEL, f"celpy (cel-python) is not importable ({INSTALL})")
class Conditions(KfpRulesTestCase):
    """Rule family c: triggerPolicy.condition is CEL over the task's inputs."""

    def with_condition(self, condition, document=None, task="condition-1"):
        base = document or upstream("pipeline_with_condition.yaml")
        return mutated(base, lambda d: root_task(d, task)["triggerPolicy"].update(
            condition=condition))

    def test_not_cel(self):
        document = self.with_condition("inputs.parameter_values['pipelinechannel--text'] ==")
        self.assertReported(document, "root.dag.tasks.condition-1.triggerPolicy.condition",
                            "not a CEL expression", "column")

    def test_reads_an_undeclared_input(self):
        document = self.with_condition("inputs.parameter_values['pipelinechannel--nope'] == 'x'")
        self.assertReported(document, "root.dag.tasks.condition-1.triggerPolicy.condition",
                            "inputs.parameter_values['pipelinechannel--nope']",
                            "'comp-condition-1' declares no input parameter")

    def test_reads_an_undeclared_input_by_field_selection(self):
        document = self.with_condition("inputs.parameter_values.nope == 'x'")
        self.assertReported(document, "triggerPolicy.condition",
                            "inputs.parameter_values['nope']", "declares no input parameter")

    def test_reads_an_undeclared_artifact(self):
        document = self.with_condition("size(inputs.artifacts['model'].artifacts) > 0")
        self.assertReported(document, "triggerPolicy.condition", "inputs.artifacts['model']",
                            "declares no input artifact")

    def test_ctp_golden_condition_reads_an_undeclared_input(self):
        base = golden("conditions.kfp.yaml")
        task, spec = next((name, task) for name, task in base["root"]["dag"]["tasks"].items()
                          if "&&" in task.get("triggerPolicy", {}).get("condition", ""))
        document = self.with_condition(spec["triggerPolicy"]["condition"].replace(
            "pipelinechannel--threshold", "pipelinechannel--treshold"), base, task)
        self.assertReported(document, f"root.dag.tasks.{task}.triggerPolicy.condition",
                            "'pipelinechannel--treshold'", "declares no input parameter")

    def test_unknown_variable(self):
        document = self.with_condition("parameter_values['pipelinechannel--text'] == 'x'")
        self.assertReported(document, "triggerPolicy.condition",
                            "unknown variable 'parameter_values'")

    def test_unknown_field_of_inputs(self):
        document = self.with_condition("inputs.parameterValues['pipelinechannel--text'] == 'x'")
        self.assertReported(document, "triggerPolicy.condition",
                            "ExecutorInput.inputs has no field 'parameterValues'")

    def test_deprecated_parameters_field(self):
        document = self.with_condition("inputs.parameters['pipelinechannel--text'] == 'x'")
        self.assertReported(document, "triggerPolicy.condition",
                            "inputs.parameters is never filled")

    def test_conditions_the_sdk_writes(self):
        """Casts, negation, membership, macros and escapes are read as they should be."""
        for condition in (
                "int(inputs.parameter_values['pipelinechannel--flip-coin-op-Output']) >= 2",
                "!(inputs.parameter_values[\"pipelinechannel--text\"] == 'a\\'b')",
                "inputs.parameter_values['pipelinechannel--text'] in ['x', 'y']",
                "['x'].exists(v, v == inputs.parameter_values['pipelinechannel--text'])",
                "double(1) < 2.0 && type(1) == int"):
            with self.subTest(condition=condition):
                self.assertValid(self.with_condition(condition))


class Iterators(KfpRulesTestCase):
    """Rule family d: a loop's items are a list."""

    def setUp(self):
        self.loops = upstream("pipeline_with_loops.yaml")

    def with_raw_items(self, raw):
        return mutated(self.loops, lambda d: root_task(d, "for-loop-4")["parameterIterator"][
            "items"].update(raw=raw))

    def test_items_input_not_a_list(self):
        document = mutated(self.loops, lambda d: component(d, "comp-for-loop-1")[
            "inputDefinitions"]["parameters"]["pipelinechannel--loop_parameter"].update(
                parameterType="STRING"))
        self.assertReported(document, "root.dag.tasks.for-loop-1.parameterIterator.items."
                            "inputParameter", "'pipelinechannel--loop_parameter'",
                            "is STRING, not LIST")

    def test_raw_items_not_json(self):
        self.assertReported(self.with_raw_items("[{'A_a': '1'}]"),
                            "root.dag.tasks.for-loop-4.parameterIterator.items.raw", "not JSON")

    def test_raw_items_not_a_list(self):
        self.assertReported(self.with_raw_items('{"A_a": "1"}'),
                            "for-loop-4.parameterIterator.items.raw", "a JSON object, not a list")

    def test_raw_items_empty(self):
        self.assertReported(self.with_raw_items("[]"),
                            "for-loop-4.parameterIterator.items.raw", "an empty list")

    def test_raw_items_of_another_type_than_the_item_input(self):
        self.assertReported(self.with_raw_items("[1, 2]"),
                            "for-loop-4.parameterIterator.items.raw", "JSON kind integer",
                            "'pipelinechannel--loop-item-param-3', which is STRUCT")

    def test_artifact_iterator_over_a_single_artifact(self):
        def iterate(d):
            root_task(d, "use")["artifactIterator"] = {
                "items": {"inputArtifact": "make-data"}, "itemInput": "make-data-item"}
        self.assertReported(mutated(golden("artifacts.kfp.yaml"), iterate),
                            "root.dag.tasks.use.artifactIterator.items.inputArtifact",
                            "'make-data'", "not isArtifactList")


@unittest.skipUnless(HAVE_SDK, f"kfp.components (the KFP SDK) is not importable ({INSTALL})")
class SdkLoader(KfpRulesTestCase):
    """Rule family a: the SDK's own loader reads the file."""

    def test_loader_message_is_reported(self):
        document = mutated(upstream("hello_world.yaml"), lambda d: d.pop("pipelineInfo"))
        self.assertReported(document, "KFP SDK loader", "KeyError", "pipelineInfo")

    def test_file_text_goes_to_the_loader(self):
        """validate_kfp.py hands the file as written to the SDK (three documents here)."""
        hello = os.path.join(KFP_DATA, "v2", "hello_world.yaml")
        with open(hello, encoding="utf-8") as stream:
            text = stream.read()
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "three.yaml")
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(text + "\n---\nplatforms: {}\n---\nplatforms: {}\n")
            status, lines = run_validator(path)
        self.assertEqual(status, 1, lines)
        self.assertIn(f"FAIL {path}", lines)
        self.assertTrue(any("KFP SDK loader" in line and "two YAML documents" in line
                            for line in lines), lines)


class CommandLine(KfpRulesTestCase):
    def test_rule_findings_are_printed_with_their_field(self):
        bad = mutated(golden("sub-pipeline.kfp.yaml"),
                      lambda d: root_task(d, "pre")["inputs"]["parameters"]["size"].update(
                          runtimeValue={"constant": "big"}))
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "bad.yaml")
            with open(path, "w", encoding="utf-8") as stream:
                yaml.safe_dump(bad, stream, sort_keys=False)
            status, lines = run_validator(path)
        self.assertEqual(status, 1, lines)
        self.assertEqual(lines[0], f"FAIL {path}")
        self.assertTrue(any(line.startswith("     root.dag.tasks.pre.inputs.parameters.size.")
                            for line in lines), lines)
        self.assertEqual(lines[-1], "0/1 valid")

    def test_missing_sdk_and_cel_are_reported_as_skipped(self):
        """An import hook that hides kfp.components and celpy stands in for a machine with the
        protos only (_KFP_RUNTIME=true keeps kfp/__init__.py from importing the SDK's parts)."""
        hider = ("import sys\n"
                 "class Hide:\n"
                 "    def find_spec(self, name, path=None, target=None):\n"
                 "        if name in ('kfp.components', 'celpy'):\n"
                 "            raise ImportError(name + ' hidden by kfp_rules_test')\n"
                 "sys.meta_path.insert(0, Hide())\n")
        with tempfile.TemporaryDirectory() as directory:
            with open(os.path.join(directory, "sitecustomize.py"), "w", encoding="utf-8") as f:
                f.write(hider)
            env = dict(os.environ, PYTHONPATH=directory, _KFP_RUNTIME="true")
            status, lines = run_validator(os.path.join(KFP_DATA, "v2", "hello_world.yaml"),
                                          env=env)
        self.assertEqual(status, 0, lines)
        self.assertTrue(lines[0].startswith("OK   "), lines)
        self.assertTrue(any(line.startswith("SKIPPED: the KFP SDK loader check") and
                            "hidden by kfp_rules_test" in line for line in lines), lines)
        self.assertTrue(any(line.startswith("SKIPPED: the triggerPolicy.condition CEL checks")
                            for line in lines), lines)
        self.assertEqual(lines[-1], "1/1 valid")




if __name__ == "__main__":
    sys.exit(test_report.run_module(__name__))
