"""The conformance tests' runner: runs a module's unittest cases and prints what ctest shows.

One line per test (unittest's verbose output), a `SKIPPED name: reason` line per skipped test,
then `N passed, M failed`; the exit status is 1 when any test failed or passed unexpectedly.
"""
import sys
import unittest


def test_id(test):
    """The id of a test, or of the test a subtest belongs to."""
    return getattr(test, "test_case", test).id()


def run_module(module_name):
    """Runs every test case of module `module_name`; returns the exit status."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = {test_id(t) for t, _ in result.failures + result.errors}
    failed |= {test_id(t) for t in result.unexpectedSuccesses}
    skipped = {test_id(t): reason for t, reason in result.skipped}
    for name, reason in sorted(skipped.items()):
        print(f"SKIPPED {name}: {reason}")
    if skipped:
        print(f"{len(skipped)} skipped")
    passed = result.testsRun - len(failed) - len(skipped)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0
