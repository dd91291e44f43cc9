-- ctp_values: run-time values a script can only refer to (parameters, step outputs, loop items,
-- the workflow's status), strings built from them, and conditions over them.
-- Internal module of the DSL; scripts use it through `require "ctp"`.
local check = require "ctp_check"

local M = {}

local Ref = {}       -- metatable of references
local Template = {}  -- metatable of strings with references
local Condition = {} -- metatable of conditions

local function is(value, meta) return getmetatable(value) == meta end
M.is_ref = function(v) return is(v, Ref) end
M.is_template = function(v) return is(v, Template) end
M.is_condition = function(v) return is(v, Condition) end

--- A reference. kind: "param" | "step_output" | "loop_item" | "workflow_status" |
--- "workflow_name" | "output_path".
function M.ref(kind, step, name, extra)
  local r = { kind = kind, step = step or "", name = name or "" }
  if extra then for k, v in pairs(extra) do r[k] = v end end
  return setmetatable(r, Ref)
end

-- The parts of a value: a list of literal strings and references.
local function parts_of(value, where, field)
  if is(value, Template) then return value.parts end
  if is(value, Ref) then return { value } end
  local t = type(value)
  if t == "string" then return { value } end
  if t == "number" then
    if math.type(value) == "integer" then return { string.format("%d", value) } end
    return { tostring(value) }
  end
  if t == "boolean" then return { value and "true" or "false" } end
  check.fail(where, field, "%s must be a string, number, boolean or reference, got %s", field,
             check.describe(value))
end

local function concat(a, b)
  local parts = {}
  for _, p in ipairs(parts_of(a, check.caller(), "..")) do parts[#parts + 1] = p end
  for _, p in ipairs(parts_of(b, check.caller(), "..")) do parts[#parts + 1] = p end
  return setmetatable({ parts = parts }, Template)
end

--- The text of a template made only of literal parts, or nil when it holds a reference.
function M.literal_text(template)
  for _, part in ipairs(template.parts) do
    if type(part) ~= "string" then return nil end
  end
  return table.concat(template.parts)
end

--- Any value → a template table `{ parts = {...} }` (what the C++ reader reads).
function M.template(value, where, field)
  return setmetatable({ parts = parts_of(value, where, field) }, Template)
end

local function no_string(_)
  check.fail(check.caller(), nil, "a reference has no value while the script runs; build strings "
             .. "with '..' (e.g. \"--epochs=\" .. params.epochs)")
end

-- Conditions --------------------------------------------------------------------------------

local function comparison(op)
  return function(lhs, rhs)
    local where = check.caller()
    return setmetatable({ op = op, lhs = M.template(lhs, where, "left operand"),
                          rhs = M.template(rhs, where, "right operand") }, Condition)
  end
end

local methods = {
  eq = comparison("eq"), ne = comparison("ne"), lt = comparison("lt"), le = comparison("le"),
  gt = comparison("gt"), ge = comparison("ge"),
}

--- `ref:is_in{...}`: the value is one of the listed literals.
function methods.is_in(lhs, list)
  local where = check.caller()
  if type(list) ~= "table" or is(list, Ref) or is(list, Template) then
    check.fail(where, nil, "is_in expects a list of values, got %s", check.describe(list))
  end
  local items = {}
  for i, v in ipairs(list) do items[i] = v end
  return setmetatable({ op = "in", lhs = M.template(lhs, where, "left operand"), list = items },
                      Condition)
end

local function combine(op)
  return function(list)
    local where = check.caller()
    if type(list) ~= "table" or #list == 0 then
      check.fail(where, nil, "ctp.%s expects a non-empty list of conditions", op == "and" and "all" or "any")
    end
    for i, c in ipairs(list) do
      if not is(c, Condition) then
        check.fail(where, nil, "condition %d is %s, not a condition (use ref:eq(value) and friends)",
                   i, check.describe(c))
      end
    end
    return setmetatable({ op = op, operands = list }, Condition)
  end
end
M.all = combine("and")
M.any = combine("or")
function M.negate(c)
  if not is(c, Condition) then
    check.fail(check.caller(), nil, "ctp.negate expects a condition, got %s", check.describe(c))
  end
  return setmetatable({ op = "not", operands = { c } }, Condition)
end

Ref.__index = function(r, key)
  if methods[key] then return methods[key] end
  if r.kind == "loop_item" and r.name == "" then return M.ref("loop_item", "", key) end
  check.fail(check.caller(), key, "a reference to %s has no field '%s'", M.describe(r), key)
end
Ref.__concat = concat
Ref.__tostring = no_string
Ref.__name = "ctp reference"
Template.__concat = concat
Template.__tostring = no_string
Template.__index = methods
Template.__name = "ctp string"
Condition.__name = "ctp condition"

--- A human name of a reference, for messages.
function M.describe(r)
  if r.kind == "param" then return "parameter '" .. r.name .. "'" end
  if r.kind == "step_output" then return "output '" .. r.name .. "' of step '" .. r.step .. "'" end
  if r.kind == "loop_item" then return r.name == "" and "the loop item" or "loop item field '" .. r.name .. "'" end
  return r.kind
end

return M
