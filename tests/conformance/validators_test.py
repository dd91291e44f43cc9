#!/usr/bin/env python3
"""Self-test of the conformance validators validate_argo.py and validate_kfp.py.

Run as `python3 tests/conformance/validators_test.py`.  Valid documents
(small inline ones and upstream examples under data/) must pass; each
mutation of them must be reported with a message that names the field at
fault.  The command-line contract (output lines, exit status) is checked by
running the scripts.  KFP cases are skipped, and reported as skipped, when
`kfp.pipeline_spec` cannot be imported.

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
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import validate_argo  # noqa: E402
import validate_kfp  # noqa: E402

ARGO_EXAMPLES = sorted(glob.glob(os.path.join(HERE, "data", "argo", "examples", "*.yaml")))
KFP_DATA = os.path.join(HERE, "data", "kfp", "v2")
KFP_PROTOS = validate_kfp.import_protos()
HAVE_KFP = KFP_PROTOS[0] is not None
NO_KFP = "kfp.pipeline_spec is not importable (pip install -r deps/python-test-requirements.txt)"

WORKFLOW = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: conformance-
spec:
  entrypoint: main
  onExit: notify
  parallelism: 2
  arguments:
    parameters:
    - name: rounds
      value: 3
  templates:
  - name: main
    dag:
      tasks:
      - name: prepare
        template: work
      - name: train
        template: work
        dependencies: [prepare]
  - name: work
    retryStrategy:
      limit: 2
    container:
      image: alpine:3.20
      command: [sh, -c, "echo {{workflow.parameters.rounds}}"]
      resources:
        limits:
          cpu: 1
          memory: 512Mi
  - name: notify
    container:
      image: alpine:3.20
      command: [echo, "{{workflow.status}}"]
""")

WORKFLOW_TEMPLATE = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: conformance-template
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: hello
        template: say
        arguments:
          parameters: [{name: message, value: hello}]
    - - name: fan-out
        template: fan
  - name: fan
    dag:
      tasks:
      - name: each
        template: say
        arguments:
          parameters: [{name: message, value: "{{item}}"}]
        withItems: [x, y]
      - name: after
        depends: each.AnySucceeded
        template: say
        arguments:
          parameters: [{name: message, value: done}]
  - name: say
    inputs:
      parameters:
      - name: message
    container:
      image: alpine:3.20
      command: [echo, "{{inputs.parameters.message}}"]
""")

CRON_WORKFLOW = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: conformance-nightly
spec:
  schedules: ["0 2 * * 1-5", "30 */6 * * *", "@daily"]
  timezone: Europe/Paris
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 60
  workflowSpec:
    workflowTemplateRef:
      name: conformance-template
""")


def mutated(document, change):
    """A deep copy of `document` after `change(copy)`."""
    copied = copy.deepcopy(document)
    change(copied)
    return copied


def run_script(script, *args, env=None):
    """Runs a validator script; returns (exit status, stdout lines)."""
    process = subprocess.run([sys.executable, os.path.join(HERE, script), *args],
                             capture_output=True, text=True, env=env, check=False)
    return process.returncode, process.stdout.splitlines(), process.stderr


def write_yaml(directory, name, *documents):
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump_all(documents, stream, sort_keys=False)
    return path


class ReportAssertions(unittest.TestCase):
    def assertReported(self, errors, *fragments):
        """Some error message contains every one of `fragments`."""
        if not any(all(f in error for f in fragments) for error in errors):
            self.fail(f"no error mentions {fragments}; errors: {errors}")


# ---------------------------------------------------------------------- Argo

class ArgoTestCase(ReportAssertions):
    strict = refs = loose = None

    @classmethod
    def setUpClass(cls):
        cls.strict = validate_argo.build_validators(validate_argo.DEFAULT_SCHEMA, strict=True)
        cls.loose = validate_argo.build_validators(validate_argo.DEFAULT_SCHEMA, strict=False)

    def errors(self, document, strict=True, refs=True):
        validators = self.strict if strict else self.loose
        return validate_argo.document_errors(document, validators, refs=refs)


class ArgoAcceptsValidDocuments(ArgoTestCase):
    def test_inline_workflow(self):
        self.assertEqual(self.errors(WORKFLOW), [])

    def test_inline_workflow_template(self):
        self.assertEqual(self.errors(WORKFLOW_TEMPLATE), [])

    def test_inline_cron_workflow(self):
        self.assertEqual(self.errors(CRON_WORKFLOW), [])

    def test_upstream_examples(self):
        self.assertGreaterEqual(len(ARGO_EXAMPLES), 5)
        for path in ARGO_EXAMPLES:
            with self.subTest(example=os.path.basename(path)):
                self.assertEqual(validate_argo.file_errors(
                    path, self.strict, refs=True), [])

    def test_type_patches(self):
        """IntOrString, Quantity and AnyString values that Argo's Go types accept."""
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][1].update(
            retryStrategy={"limit": "3"},
            container=dict(d["spec"]["templates"][1]["container"],
                           resources={"limits": {"cpu": "500m", "nvidia.com/gpu": 1,
                                                 "memory": "1.5Gi"}})))
        document["spec"]["arguments"]["parameters"][0].update(value=True, enum=[True, False])
        self.assertEqual(self.errors(document), [])


class ArgoReportsMistakes(ArgoTestCase):
    def test_misspelled_field(self):
        def misspell(d):
            d["spec"]["templates"][1]["contaner"] = d["spec"]["templates"][1].pop("container")
        errors = self.errors(mutated(WORKFLOW, misspell))
        self.assertReported(errors, "$.spec.templates[1].contaner", "unknown field")

    def test_misspelled_field_passes_when_loose(self):
        document = mutated(WORKFLOW, lambda d: d["spec"].update(paralelism=3))
        self.assertReported(self.errors(document), "$.spec.paralelism", "unknown field",
                            "'parallelism'")
        self.assertEqual(self.errors(document, strict=False), [])

    def test_wrong_type(self):
        document = mutated(WORKFLOW, lambda d: d["spec"].update(parallelism="many"))
        self.assertReported(self.errors(document), "$.spec.parallelism", "'integer'")

    def test_missing_required_field(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][1]["container"].pop("image"))
        self.assertReported(self.errors(document), "$.spec.templates[1].container",
                            "'image' is a required property")
        document = mutated(CRON_WORKFLOW, lambda d: d["spec"].pop("workflowSpec"))
        self.assertReported(self.errors(document), "$.spec", "'workflowSpec' is a required")

    def test_wrong_quantity(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][1]["container"]
                           ["resources"]["limits"].update(memory="2GB"))
        self.assertReported(self.errors(document),
                            "$.spec.templates[1].container.resources.limits.memory",
                            "'2GB' is not a Kubernetes quantity")

    def test_missing_entrypoint_template(self):
        document = mutated(WORKFLOW, lambda d: d["spec"].update(entrypoint="nope"))
        self.assertReported(self.errors(document), "$.spec.entrypoint", "'nope' not defined")
        self.assertEqual(self.errors(document, refs=False), [])

    def test_missing_entrypoint(self):
        document = mutated(WORKFLOW, lambda d: d["spec"].pop("entrypoint"))
        self.assertReported(self.errors(document), "$.spec.entrypoint", "required")
        template = mutated(WORKFLOW_TEMPLATE, lambda d: d["spec"].pop("entrypoint"))
        self.assertEqual(self.errors(template), [])  # optional in a WorkflowTemplate

    def test_missing_on_exit_template(self):
        document = mutated(WORKFLOW, lambda d: d["spec"].update(onExit="cleanup"))
        self.assertReported(self.errors(document), "$.spec.onExit", "'cleanup' not defined")

    def test_dependency_on_missing_task(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][0]["dag"]["tasks"][1]
                           .update(dependencies=["ghost"]))
        self.assertReported(self.errors(document),
                            "$.spec.templates[0].dag.tasks[1].dependencies", "'ghost'")

    def test_depends_on_missing_task(self):
        document = mutated(WORKFLOW_TEMPLATE, lambda d: d["spec"]["templates"][1]["dag"]
                           ["tasks"][1].update(depends="each.Succeeded || ghost"))
        self.assertReported(self.errors(document),
                            "$.spec.templates[1].dag.tasks[1].depends", "'ghost'")

    def test_item_result_needs_a_loop(self):
        document = mutated(WORKFLOW_TEMPLATE, lambda d: d["spec"]["templates"][1]["dag"]
                           ["tasks"][0].pop("withItems"))
        self.assertReported(self.errors(document), "tasks[1].depends", "each.AnySucceeded")

    def test_dependency_cycle(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][0]["dag"]["tasks"][0]
                           .update(dependencies=["train"]))
        self.assertReported(self.errors(document), "$.spec.templates[0].dag.tasks",
                            "cycle", "prepare")

    def test_task_template_not_defined(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][0]["dag"]["tasks"][0]
                           .update(template="wrok"))
        self.assertReported(self.errors(document),
                            "$.spec.templates[0].dag.tasks[0].template", "'wrok'")

    def test_step_template_not_defined(self):
        document = mutated(WORKFLOW_TEMPLATE, lambda d: d["spec"]["templates"][0]["steps"][0][0]
                           .update(template="shout"))
        self.assertReported(self.errors(document),
                            "$.spec.templates[0].steps[0][0].template", "'shout'")

    def test_bad_template_name(self):
        def rename(d):
            d["spec"]["templates"][1]["name"] = "Bad_Name"
            d["spec"]["templates"][0]["dag"]["tasks"][0]["template"] = "Bad_Name"
            d["spec"]["templates"][0]["dag"]["tasks"][1]["template"] = "Bad_Name"
        self.assertReported(self.errors(mutated(WORKFLOW, rename)),
                            "$.spec.templates[1].name", "'Bad_Name' is invalid")

    def test_duplicate_template_name(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][2].update(name="work"))
        self.assertReported(self.errors(document), "$.spec.templates[2].name", "not unique")

    def test_bad_task_and_parameter_names(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][0]["dag"]["tasks"][0]
                           .update(name="-prepare"))
        self.assertReported(self.errors(document),
                            "$.spec.templates[0].dag.tasks[0].name", "'-prepare'")
        document = mutated(WORKFLOW_TEMPLATE, lambda d: d["spec"]["templates"][2]["inputs"]
                           ["parameters"][0].update(name="the message"))
        self.assertReported(self.errors(document),
                            "$.spec.templates[2].inputs.parameters[0].name", "'the message'")

    def test_template_types(self):
        document = mutated(WORKFLOW, lambda d: d["spec"]["templates"][2].update(
            script={"image": "alpine:3.20", "source": "echo"}))
        self.assertReported(self.errors(document), "$.spec.templates[2]", "exactly one",
                            "container, script")

    def test_cron_rules(self):
        bad_schedule = mutated(CRON_WORKFLOW, lambda d: d["spec"].update(
            schedules=["0 2 * * *", "0 25 * * *"]))
        self.assertReported(self.errors(bad_schedule), "$.spec.schedules[1]", "hour")
        few_fields = mutated(CRON_WORKFLOW, lambda d: d["spec"].update(schedules=["0 2 * *"]))
        self.assertReported(self.errors(few_fields), "$.spec.schedules[0]", "5 fields")
        policy = mutated(CRON_WORKFLOW, lambda d: d["spec"].update(concurrencyPolicy="Sometimes"))
        self.assertReported(self.errors(policy), "$.spec.concurrencyPolicy", "'Sometimes'")
        long_name = mutated(CRON_WORKFLOW, lambda d: d["metadata"].update(name="n" * 53))
        self.assertReported(self.errors(long_name), "$.metadata.name", "52 characters")

    def test_cron_parser(self):
        for schedule in ("*/15 0-6,22 1 jan-mar MON-FRI", "CRON_TZ=UTC 0 0 * * 0",
                         "@every 1h30m", "@hourly", "5 4 ? * sun"):
            with self.subTest(schedule=schedule):
                self.assertIsNone(validate_argo.cron_problem(schedule))
        for schedule in ("60 * * * *", "* * 0 * *", "* * * 13 *", "* * * * 7",
                         "*/0 * * * *", "5-1 * * * *", "@fortnightly", "a * * * *"):
            with self.subTest(schedule=schedule):
                self.assertIsNotNone(validate_argo.cron_problem(schedule))

    def test_unsupported_kind(self):
        document = mutated(WORKFLOW, lambda d: d.update(kind="Pipeline"))
        self.assertReported(self.errors(document), "$.kind", "'Pipeline'")


class ArgoCommandLine(ReportAssertions):
    def test_valid_files(self):
        status, lines, _ = run_script("validate_argo.py", "--refs", *ARGO_EXAMPLES)
        self.assertEqual(status, 0, lines)
        self.assertEqual(lines, [f"OK {path}" for path in ARGO_EXAMPLES])

    def test_invalid_document_in_a_multi_document_file(self):
        bad = mutated(WORKFLOW, lambda d: d["spec"].update(entrypoint="nope", paralelism=1))
        with tempfile.TemporaryDirectory() as directory:
            path = write_yaml(directory, "two.yaml", WORKFLOW_TEMPLATE, bad)
            status, lines, _ = run_script("validate_argo.py", "--refs", path)
            self.assertEqual(status, 1)
            self.assertEqual(len(lines), 1)
            self.assertTrue(lines[0].startswith(f"FAIL {path}: doc1 $.spec.paralelism"), lines)
            status, lines, _ = run_script("validate_argo.py", "--refs", "--loose", path)
            self.assertEqual(status, 1)
            self.assertReported(lines, "doc1 $.spec.entrypoint: template 'nope' not defined")

    def test_max_errors(self):
        def break_names(d):
            for template in d["spec"]["templates"]:
                template["name"] = template["name"].upper() + "_"
        with tempfile.TemporaryDirectory() as directory:
            path = write_yaml(directory, "names.yaml", mutated(WORKFLOW, break_names))
            status, lines, _ = run_script("validate_argo.py", "--refs", "--max-errors", "1", path)
            self.assertEqual(status, 1)
            self.assertTrue(lines[0].endswith("more)"), lines)

    def test_usage_errors(self):
        status, _, _ = run_script("validate_argo.py")
        self.assertEqual(status, 2)
        status, _, stderr = run_script("validate_argo.py", "--schema", "/nonexistent.json",
                                       ARGO_EXAMPLES[0])
        self.assertEqual(status, 2)
        self.assertIn("cannot load schema", stderr)

    def test_unreadable_file(self):
        status, lines, _ = run_script("validate_argo.py", "/nonexistent.yaml")
        self.assertEqual(status, 1)
        self.assertTrue(lines[0].startswith("FAIL /nonexistent.yaml: cannot read"), lines)


# ----------------------------------------------------------------------- KFP

def load_kfp(name):
    return validate_kfp.load_documents(os.path.join(KFP_DATA, name))


@unittest.skipUnless(HAVE_KFP, NO_KFP)
class KfpTestCase(ReportAssertions):
    def errors(self, *documents):
        return validate_kfp.validate_documents(list(documents), KFP_PROTOS)[0]


class KfpAcceptsValidDocuments(KfpTestCase):
    def test_upstream_pipelines(self):
        for name in ("hello_world.yaml", "pipeline_with_after.yaml"):
            with self.subTest(pipeline=name):
                self.assertEqual(self.errors(*load_kfp(name)), [])

    def test_platform_spec(self):
        platform = {"platforms": {"kubernetes": {"deploymentSpec": {"executors": {
            "exec-echo": {"nodeSelector": {"labels": {"gpu": "a100"}}}}}}}}
        self.assertEqual(self.errors(*load_kfp("hello_world.yaml"), platform), [])


class KfpReportsMistakes(KfpTestCase):
    def setUp(self):
        self.hello = load_kfp("hello_world.yaml")[0]
        self.after = load_kfp("pipeline_with_after.yaml")[0]

    def test_unknown_field(self):
        def misspell(d):
            d["components"]["comp-echo"]["executorLable"] = \
                d["components"]["comp-echo"].pop("executorLabel")
        self.assertReported(self.errors(mutated(self.hello, misspell)), "executorLable")

    def test_unknown_field_in_deployment_spec(self):
        document = mutated(self.hello, lambda d: d["deploymentSpec"]["executors"]["exec-echo"]
                           ["container"].update(imag="alpine"))
        self.assertReported(self.errors(document), "deploymentSpec", "imag")

    def test_wrong_type(self):
        document = mutated(self.after, lambda d: d["root"]["dag"]["tasks"]["print-text-2"]
                           .update(dependentTasks="print-text"))
        self.assertReported(self.errors(document), "dependentTasks")

    def test_component_ref_to_missing_component(self):
        document = mutated(self.hello, lambda d: d["root"]["dag"]["tasks"]["echo"]
                           ["componentRef"].update(name="comp-missing"))
        self.assertReported(self.errors(document), "root.dag.tasks.echo.componentRef",
                            "'comp-missing'")

    def test_executor_label_to_missing_executor(self):
        document = mutated(self.hello, lambda d: d["components"]["comp-echo"]
                           .update(executorLabel="exec-missing"))
        self.assertReported(self.errors(document), "components.comp-echo.executorLabel",
                            "'exec-missing'")

    def test_dependent_task_missing(self):
        document = mutated(self.after, lambda d: d["root"]["dag"]["tasks"]["print-text-2"]
                           .update(dependentTasks=["ghost"]))
        self.assertReported(self.errors(document), "root.dag.tasks.print-text-2.dependentTasks",
                            "'ghost'")

    def test_producer_task_missing_and_output_key(self):
        def consume(d, producer, key):
            d["components"]["comp-print-text"]["outputDefinitions"] = {
                "parameters": {"Output": {"parameterType": "STRING"}}}
            d["root"]["dag"]["tasks"]["print-text-2"]["inputs"]["parameters"]["text"] = {
                "taskOutputParameter": {"producerTask": producer, "outputParameterKey": key}}
        self.assertEqual(self.errors(mutated(self.after,
                                             lambda d: consume(d, "print-text", "Output"))), [])
        missing_task = mutated(self.after, lambda d: consume(d, "ghost", "Output"))
        self.assertReported(self.errors(missing_task),
                            "print-text-2.inputs.parameters.text.taskOutputParameter.producerTask",
                            "'ghost'")
        self.assertReported(self.errors(mutated(self.after,
                                                lambda d: consume(d, "print-text", "Result"))),
                            "print-text-2.inputs.parameters.text.taskOutputParameter",
                            "'Result'")

    def test_component_input_parameter_not_declared(self):
        document = mutated(self.after, lambda d: d["root"]["dag"]["tasks"]["print-text"]["inputs"]
                           ["parameters"].update(text={"componentInputParameter": "message"}))
        self.assertReported(self.errors(document),
                            "print-text.inputs.parameters.text.componentInputParameter",
                            "'message'")

    def test_dependency_cycle(self):
        document = mutated(self.after, lambda d: d["root"]["dag"]["tasks"]["print-text"]
                           .update(dependentTasks=["print-text-3"]))
        self.assertReported(self.errors(document), "root.dag.tasks", "cycle")

    def test_wrong_schema_version(self):
        document = mutated(self.hello, lambda d: d.update(schemaVersion="2.0.0"))
        self.assertReported(self.errors(document), "schemaVersion", "'2.0.0'")

    def test_platform_spec_mistakes(self):
        platform = {"platforms": {"kubernetes": {"deploymentSpec": {"executors": {
            "exec-missing": {"nodeSelector": {"labels": {"gpu": "a100"}}},
            "exec-echo": {"nodeSelectr": {}}}}}}}
        errors = self.errors(self.hello, platform)
        self.assertReported(errors, "doc1.platforms.kubernetes.deploymentSpec.executors."
                            "exec-missing", "not an executor")
        self.assertReported(errors, "executors.exec-echo", "nodeSelectr")


class KfpCommandLine(ReportAssertions):
    @unittest.skipUnless(HAVE_KFP, NO_KFP)
    def test_valid_and_invalid_files(self):
        valid = [os.path.join(KFP_DATA, name)
                 for name in ("hello_world.yaml", "pipeline_with_after.yaml")]
        status, lines, _ = run_script("validate_kfp.py", *valid)
        self.assertEqual(status, 0, lines)
        self.assertTrue(lines[0].startswith(f"OK   {valid[0]}  (1 components, 1 root tasks"))
        self.assertEqual(lines[-1], "2/2 valid")
        bad = mutated(load_kfp("hello_world.yaml")[0], lambda d: d.update(schemaVersion="2.0.0"))
        with tempfile.TemporaryDirectory() as directory:
            path = write_yaml(directory, "bad.yaml", bad)
            status, lines, _ = run_script("validate_kfp.py", valid[0], path)
        self.assertEqual(status, 1)
        self.assertIn(f"FAIL {path}", lines)
        self.assertReported(lines, "     schemaVersion: '2.0.0'")
        self.assertEqual(lines[-1], "1/2 valid")

    def test_missing_protos_exit_3(self):
        """A `kfp` package that fails to import stands in for a machine without KFP."""
        with tempfile.TemporaryDirectory() as directory:
            os.mkdir(os.path.join(directory, "kfp"))
            with open(os.path.join(directory, "kfp", "__init__.py"), "w", encoding="utf-8") as f:
                f.write("raise ImportError('kfp hidden by validators_test')\n")
            env = dict(os.environ, PYTHONPATH=directory)
            status, lines, stderr = run_script("validate_kfp.py",
                                               os.path.join(KFP_DATA, "hello_world.yaml"), env=env)
        self.assertEqual(status, 3)
        self.assertEqual(lines, [])
        self.assertEqual(len(stderr.strip().splitlines()), 1, stderr)
        self.assertIn("kfp.pipeline_spec", stderr)

    def test_usage_error(self):
        status, _, _ = run_script("validate_kfp.py")
        self.assertEqual(status, 2)




if __name__ == "__main__":
    sys.exit(test_report.run_module(__name__))
