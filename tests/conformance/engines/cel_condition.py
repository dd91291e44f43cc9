#!/usr/bin/env python3
"""Evaluates a KFP `triggerPolicy.condition` as the KFP v2 driver does, with cel-python (celpy).

KFP (backend/src/v2/expression/expression.go, Expr.Condition) compiles the condition with cel-go in
an environment whose context is the ExecutorInput message, so `inputs.parameter_values` is a
map<string, google.protobuf.Value>, evaluates it, and fails unless the result is a bool. A Value
reaches CEL as its kind: string_value a string, number_value a double (NUMBER_INTEGER as well as
NUMBER_DOUBLE), bool_value a bool, list_value a list, struct_value a map.

celpy has no type checker and differs from cel-go at run time, so this module adds both:
  * a static check mirroring cel-go's checker in KFP's environment (no cross-type numeric
    comparisons, cel.CrossTypeNumericComparisons not set): `double(x) > 3` or `'a' == 1` are
    compile errors; a parameter value is `dyn` and passes the check;
  * cel-go's run-time operators: heterogeneous equality (`'12' == 12` is false, `5.0 == 5` true),
    ordering across int/uint/double, `in` by that equality; a string ordered against a number is
    a "no such overload" error.

Use: evaluate(condition, {name: (parameterType, value)}) -> bool, or raise CelError. As a program:
JSON lines on stdin {"condition": "...", "parameters": {"name": {"type": "STRING", "value": "x"}}},
one line out each: {"result": true|false} or {"error": "..."}.
"""
import json
import math
import sys

import celpy
import lark
from celpy import celtypes
from celpy.evaluation import CELEvalError


class CelError(Exception):
    """The condition does not compile, or fails to evaluate to a bool (KFP fails the task)."""


# ---- binding -------------------------------------------------------------------------------

_NUMBER = (int, float)


def _json_to_cel(value):
    """A google.protobuf.Value, as CEL sees it (numbers are doubles)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, _NUMBER):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, list):
        return celtypes.ListType([_json_to_cel(v) for v in value])
    if isinstance(value, dict):
        return celtypes.MapType({celtypes.StringType(k): _json_to_cel(v) for k, v in value.items()})
    raise CelError(f"not a JSON value: {value!r}")


_PYTHON_TYPES = {
    "STRING": str,
    "NUMBER_INTEGER": _NUMBER,
    "NUMBER_DOUBLE": _NUMBER,
    "BOOLEAN": bool,
    "LIST": list,
    "STRUCT": dict,
}


def bind(parameters):
    """The `inputs` variable for {name: (parameterType, value)} (or {name: {"type", "value"}})."""
    values = {}
    for name, typed in parameters.items():
        kind, value = (typed["type"], typed["value"]) if isinstance(typed, dict) else typed
        want = _PYTHON_TYPES.get(kind)
        if want is None:
            raise CelError(f"parameter {name}: unknown parameterType {kind}")
        if not isinstance(value, want) or (want is _NUMBER and isinstance(value, bool)):
            raise CelError(f"parameter {name}: {value!r} is not a {kind} value")
        values[celtypes.StringType(name)] = _json_to_cel(value)
    return celtypes.MapType({celtypes.StringType("parameter_values"): celtypes.MapType(values)})


# ---- cel-go's run-time operators -----------------------------------------------------------


def _is_number(v):
    numbers = (celtypes.IntType, celtypes.UintType, celtypes.DoubleType)
    return isinstance(v, numbers) and not isinstance(v, celtypes.BoolType)


def _cel_type(v):
    return type(v).__name__ if v is not None else "null_type"


def _equal(a, b):
    """cel-go types.Equal: numbers by value across int/uint/double; other kinds never equal."""
    if _is_number(a) and _is_number(b):
        if any(isinstance(x, float) and math.isnan(x) for x in (a, b)):
            return False
        return _numeric(lambda x, y: x == y, a, b)
    if isinstance(a, celtypes.ListType) and isinstance(b, celtypes.ListType):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, celtypes.MapType) and isinstance(b, celtypes.MapType):
        return len(a) == len(b) and all(
            any(_equal(k, k2) and _equal(v, v2) for k2, v2 in b.items()) for k, v in a.items())
    if _cel_type(a) != _cel_type(b):
        return False
    return a == b


def _numeric(op, a, b):
    """op over two CEL numbers: exactly as integers, as doubles where either is a double."""
    if isinstance(a, float) or isinstance(b, float):
        return op(float(a), float(b))
    return op(int(a), int(b))


def _first_error(*values):
    return next((v for v in values if isinstance(v, CELEvalError)), None)


def _eq(a, b):
    return _first_error(a, b) or celtypes.BoolType(_equal(a, b))


def _ne(a, b):
    return _first_error(a, b) or celtypes.BoolType(not _equal(a, b))


def _ordering(op):
    def compare(a, b):
        error = _first_error(a, b)
        if error:
            return error
        if _is_number(a) and _is_number(b):
            if any(isinstance(x, float) and math.isnan(x) for x in (a, b)):
                raise TypeError("NaN values cannot be ordered")
            return celtypes.BoolType(_numeric(op, a, b))
        unordered = (celtypes.ListType, celtypes.MapType)
        if _cel_type(a) != _cel_type(b) or isinstance(a, unordered) or a is None:
            raise TypeError(f"no such overload: {_cel_type(a)} {_cel_type(b)}")
        return celtypes.BoolType(op(a, b))

    return compare


def _in(a, b):
    error = _first_error(a, b)
    if error:
        return error
    if isinstance(b, celtypes.ListType):
        return celtypes.BoolType(any(_equal(a, x) for x in b))
    if isinstance(b, celtypes.MapType):
        return celtypes.BoolType(any(_equal(a, k) for k in b))
    raise TypeError(f"no such overload: {_cel_type(a)} in {_cel_type(b)}")


_FUNCTIONS = {
    "_==_": _eq,
    "_!=_": _ne,
    "_<_": _ordering(lambda x, y: x < y),
    "_<=_": _ordering(lambda x, y: x <= y),
    "_>_": _ordering(lambda x, y: x > y),
    "_>=_": _ordering(lambda x, y: x >= y),
    "_in_": _in,
}

# ---- cel-go's type check, for what a condition can hold -------------------------------------

DYN, BOOL, INT, UINT, DOUBLE, STRING = "dyn", "bool", "int", "uint", "double", "string"
BYTES, NULL, MAP = "bytes", "null", "map"
_LITERALS = {"INT_LIT": INT, "UINT_LIT": UINT, "FLOAT_LIT": DOUBLE, "STRING_LIT": STRING,
             "MLSTRING_LIT": STRING, "BYTES_LIT": BYTES, "BOOL_LIT": BOOL, "NULL_LIT": NULL}
_ORDERED = {INT, UINT, DOUBLE, STRING, BYTES, BOOL}
# Global functions: the result type, and the argument kinds an overload exists for.
_CONVERSIONS = {"int": (INT, {INT, UINT, DOUBLE, STRING}),
                "uint": (UINT, {INT, UINT, DOUBLE, STRING}),
                "double": (DOUBLE, {INT, UINT, DOUBLE, STRING}),
                "string": (STRING, {INT, UINT, DOUBLE, STRING, BYTES, BOOL}),
                "bool": (BOOL, {BOOL, STRING}), "size": (INT, {STRING, BYTES, MAP, "list"}),
                "parseJson": (DYN, {STRING}), "dyn": (DYN, None)}
_METHODS = {"startsWith": BOOL, "endsWith": BOOL, "contains": BOOL, "matches": BOOL, "size": INT}
# ExecutorInput (pipeline_spec.proto): its fields, and those of ExecutorInput.Inputs.
_CONTEXT = {"inputs": "message Inputs", "outputs": "message Outputs"}
_INPUTS_FIELDS = {"parameter_values": "map Value", "parameters": "map Value",
                  "artifacts": "map ArtifactList"}


def _list_of(t):
    return t.startswith("list")


def _element(t):
    return t[5:-1] if t.startswith("list(") else DYN


def _fits(a, b):
    """Whether cel-go unifies two static types (dyn unifies with anything)."""
    if DYN in (a, b) or a == b:
        return True
    if _list_of(a) and _list_of(b):
        return _fits(_element(a), _element(b))
    return a.split(" ")[0] == b.split(" ")[0] == MAP


def _overload_error(op, *types):
    return CelError(f"found no matching overload for '{op}' applied to '({', '.join(types)})'")


def static_type(node):
    """The type cel-go's checker gives `node`, or raise CelError where it reports an error."""
    if isinstance(node, lark.Token):
        return _LITERALS.get(node.type, DYN)
    kids = node.children
    rule = node.data
    if rule in ("expr",) and len(kids) == 3:
        _want(kids[0], BOOL, "_?_:_")
        a, b = static_type(kids[1]), static_type(kids[2])
        if not _fits(a, b):
            raise _overload_error("_?_:_", BOOL, a, b)
        return a if a != DYN else b
    if rule in ("conditionalor", "conditionaland") and len(kids) == 2:
        op = "_||_" if rule == "conditionalor" else "_&&_"
        a, b = static_type(kids[0]), static_type(kids[1])
        if a not in (BOOL, DYN) or b not in (BOOL, DYN):
            raise _overload_error(op, a, b)
        return BOOL
    if rule == "relation" and len(kids) == 2:
        op = {"relation_lt": "_<_", "relation_le": "_<=_", "relation_gt": "_>_",
              "relation_ge": "_>=_", "relation_eq": "_==_", "relation_ne": "_!=_",
              "relation_in": "@in"}[kids[0].data]
        a, b = static_type(kids[0].children[0]), static_type(kids[1])
        if op == "@in":
            ok = b == DYN or (_list_of(b) and _fits(a, _element(b))) or b.split(" ")[0] == MAP
        elif op in ("_==_", "_!=_"):
            ok = _fits(a, b)
        else:
            ok = DYN in (a, b) and ({a, b} - {DYN}) <= _ORDERED or (a == b and a in _ORDERED)
        if not ok:
            raise _overload_error(op, a, b)
        return BOOL
    if rule in ("addition", "multiplication") and len(kids) == 2:
        op = {"addition_add": "_+_", "addition_sub": "_-_", "multiplication_mul": "_*_",
              "multiplication_div": "_/_", "multiplication_mod": "_%_"}[kids[0].data]
        a, b = static_type(kids[0].children[0]), static_type(kids[1])
        if not _fits(a, b) or (op != "_+_" and ({a, b} - {DYN}) - {INT, UINT, DOUBLE}):
            raise _overload_error(op, a, b)
        return a if a != DYN else b
    if rule == "unary" and len(kids) == 2:
        t = static_type(kids[1])
        if kids[0].data == "unary_not":
            if t not in (BOOL, DYN):
                raise _overload_error("!_", t)
            return BOOL
        if t not in (INT, DOUBLE, DYN):
            raise _overload_error("-_", t)
        return t
    if rule == "ident":
        name = str(kids[0])
        if name not in _CONTEXT:
            raise CelError(f"undeclared reference to '{name}' (in container '')")
        return _CONTEXT[name]
    if rule == "member_dot":
        base, field = static_type(kids[0]), str(kids[1])
        if base == "message Inputs":
            if field not in _INPUTS_FIELDS:
                raise CelError(f"undefined field '{field}'")
            return _INPUTS_FIELDS[field]
        return DYN
    if rule == "member_index":
        base = static_type(kids[0])
        static_type(kids[1])
        return _element(base) if _list_of(base) else DYN
    if rule == "member_dot_arg":
        static_type(kids[0])
        for arg in kids[2:]:
            if arg is not None:
                static_type(arg)
        return _METHODS.get(str(kids[1]), DYN)
    if rule == "ident_arg":
        name = str(kids[0])
        args = [static_type(a) for a in (kids[1].children if kids[1] is not None else [])]
        if name not in _CONVERSIONS:
            raise CelError(f"undeclared reference to '{name}' (in container '')")
        result, accepted = _CONVERSIONS[name]
        kinds = [t.split("(")[0].split(" ")[0] for t in args]
        if accepted is not None and (len(args) != 1 or kinds[0] not in accepted | {DYN}):
            raise _overload_error(name, *args)
        return result
    if rule == "list_lit":
        items = [static_type(a) for a in (kids[0].children if kids and kids[0] is not None else [])]
        return f"list({items[0]})" if items and all(t == items[0] for t in items) else "list(dyn)"
    if rule == "map_lit":
        for kid in kids:
            if kid is not None:
                static_type(kid)
        return MAP
    if len(kids) == 1 and kids[0] is not None:  # expr, member, primary, literal, paren_expr, ...
        return static_type(kids[0])
    for kid in kids:
        if isinstance(kid, lark.Tree):
            static_type(kid)
    return DYN


def _want(node, want, op):
    t = static_type(node)
    if t not in (want, DYN):
        raise _overload_error(op, t)


# ---- evaluation ----------------------------------------------------------------------------

_ENV = celpy.Environment()


def _describe(error):
    """celpy's error as text: its message, and the cause it carries (args: message, class, args)."""
    if len(error.args) == 3 and error.args[2]:
        return f"{error.args[0]} ({'; '.join(str(a) for a in error.args[2])})"
    return str(error.args[0]) if error.args else str(error)


def evaluate(condition, parameters):
    """Expr.Condition: True (run the task) or False (skip it); CelError where KFP fails."""
    try:
        ast = _ENV.compile(condition)
    except celpy.CELParseError as e:
        raise CelError(f"syntax error: {e}") from None
    static_type(ast)
    inputs = bind(parameters)
    try:
        result = _ENV.program(ast, functions=_FUNCTIONS).evaluate({"inputs": inputs})
    except CELEvalError as e:
        raise CelError(f"evaluation error: {_describe(e)}") from None
    except (TypeError, ValueError, KeyError, ZeroDivisionError) as e:
        raise CelError(f"evaluation error: {e}") from None
    if isinstance(result, CELEvalError):
        raise CelError(f"evaluation error: {_describe(result)}")
    if not isinstance(result, celtypes.BoolType):
        raise CelError(f"evaluation error: return type is not bool, got {result!r}")
    return bool(result)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            reply = {"result": evaluate(request["condition"], request.get("parameters", {}))}
        except CelError as e:
            reply = {"error": str(e)}
        except (ValueError, KeyError, TypeError) as e:
            reply = {"error": f"bad request line: {e}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
