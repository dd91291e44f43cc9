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
  if t == "string" then return { check.check_text(value, where, field) } end
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
--
-- A comparison compares numbers or text, decided when the pipeline is built from its operands'
-- types (`M.resolve_condition`): a Lua number or boolean, a typed parameter, the loop's literal
-- items, ctp.as_number / ctp.as_string, or text built with `..`. Step outputs carry no type.

-- The condition type of a plain Lua value, by its Lua type.
local scalar_types = { number = "number", string = "string", boolean = "bool" }

--- The type of a value in a condition: "number", "string", "bool", "list", or nil (not known
--- when the script loads: a step output, a loop item).
function M.value_type(value, where)
  if is(value, Ref) then return rawget(value, "type") end
  if is(value, Template) then return "string" end
  if type(value) == "number" and (value ~= value or value == math.huge or value == -math.huge) then
    check.fail(where, nil, "a condition cannot compare with %s: it is not a finite number", tostring(value))
  end
  return scalar_types[type(value)]
end

--- `ctp.as_number(ref)` / `ctp.as_string(ref)`: the reference, compared as that type.
function M.as_type(value_type, name)
  return function(value)
    if not is(value, Ref) or value.kind == "output_path" then
      check.fail(check.caller(), nil, "ctp.%s expects a reference (params.x, step.outputs.y, ctp.item), got %s",
                 name, check.describe(value))
    end
    local copy = {}
    for k, v in pairs(value) do copy[k] = v end
    copy.type = value_type
    return setmetatable(copy, Ref)
  end
end

local function comparison(op)
  return function(lhs, rhs)
    local where = check.caller()
    return setmetatable({ op = op, lhs = M.template(lhs, where, "left operand"),
                          rhs = M.template(rhs, where, "right operand"),
                          lhs_type = M.value_type(lhs, where), rhs_type = M.value_type(rhs, where),
                          where = where }, Condition)
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
  return setmetatable({ op = "in", lhs = M.template(lhs, where, "left operand"), list = items,
                        lhs_type = M.value_type(lhs, where), where = where }, Condition)
end

-- The type of a loop item (or of one field of it) when every literal item has that type.
local function item_type(loop, field)
  if not loop or not loop.items then return nil end
  local found
  for _, item in ipairs(loop.items) do
    local value = item
    if field ~= "" then value = type(item) == "table" and item[field] or nil end
    local t = scalar_types[type(value)]
    if t == nil or (found and found ~= t) then return nil end
    found = t
  end
  return found
end

-- The type of one side of a comparison: its own, or that of the loop's literal items.
local function side_type(declared, template, loop)
  if declared then return declared end
  local parts = template.parts
  if #parts == 1 and is(parts[1], Ref) and parts[1].kind == "loop_item" then
    return item_type(loop, parts[1].name)
  end
  return nil
end

-- The type every item of an is_in list has (nil for an empty list).
local function list_type(c)
  local found
  for _, item in ipairs(c.list) do
    local t = M.value_type(item, c.where)
    if t == nil or t == "list" or (found and found ~= t) then
      check.fail(c.where, "is_in", "the list of is_in must hold only numbers, only strings or only "
                 .. "booleans, got %s", check.describe(item))
    end
    found = t
  end
  return found
end

local type_names = { number = "a number", string = "text", bool = "a boolean", list = "a list" }

local function describe_side(template, declared)
  local parts = template.parts
  if #parts == 1 and is(parts[1], Ref) then return M.describe(parts[1]) end
  local text = M.literal_text(template)
  if text == nil then return "a string built with '..'" end
  return declared == "string" and string.format("%q", text) or text
end

local ordering = { lt = true, le = true, gt = true, ge = true }

-- "number" or "text": how comparison `c` compares, given its sides' types `a` and `b`.
local function compare_as(c, a, b)
  local lhs = describe_side(c.lhs, c.lhs_type)
  local rhs = c.list and "the listed values" or describe_side(c.rhs, c.rhs_type)
  local method = c.op == "in" and "is_in" or c.op
  for _, side in ipairs { { a, lhs }, { b, rhs } } do
    if side[1] == "list" then
      check.fail(c.where, method, "%s is a list: a condition compares single values (is_in tests "
                 .. "membership in a literal list)", side[2])
    end
    if side[1] == "bool" and ordering[c.op] then
      check.fail(c.where, method, "%s is a boolean: booleans compare only with eq and ne", side[2])
    end
  end
  if a and b and a ~= b then
    check.fail(c.where, method, "cannot compare %s (%s) with %s (%s): give both sides the same "
               .. "type, or convert one with ctp.as_number or ctp.as_string", lhs, type_names[a],
               rhs, type_names[b])
  end
  local t = a or b
  if t == nil and not c.list then
    check.fail(c.where, method, "cannot tell whether %s and %s are numbers or text when the "
               .. "script loads: wrap one in ctp.as_number(...) to compare numbers, or in "
               .. "ctp.as_string(...) to compare text", lhs, rhs)
  end
  return t == "number" and "number" or "text"
end

--- A copy of condition `c` of a step looping over `loop` (nil when it does not loop) in which
--- every comparison says how it compares (`compare`: "number" or "text"); fails at the
--- comparison's line when its operands' types conflict or cannot be known.
function M.resolve_condition(c, loop)
  local resolved = {}
  for k, v in pairs(c) do resolved[k] = v end
  if c.operands then
    resolved.operands = {}
    for i, operand in ipairs(c.operands) do resolved.operands[i] = M.resolve_condition(operand, loop) end
  elseif c.list then
    resolved.compare = compare_as(c, side_type(c.lhs_type, c.lhs, loop), list_type(c))
  else
    resolved.compare = compare_as(c, side_type(c.lhs_type, c.lhs, loop),
                                  side_type(c.rhs_type, c.rhs, loop))
  end
  return setmetatable(resolved, Condition)
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

-- Lua's operators on references -------------------------------------------------------------
--
-- `x >= y` or `x == y` is worked out while the script loads, when a reference has no value yet:
-- each fails at its line, naming the method that makes the condition (`x:ge(y)`). Lua calls
-- `__eq` only when both sides are tables: `params.x == "a"` is plain `false` (see ctp.lua's
-- `when` checker).

local operator_methods = { ["<"] = "lt", ["<="] = "le", [">"] = "gt", [">="] = "ge", ["=="] = "eq",
                           ["~="] = "ne" }

-- A metamethod that fails: `pattern` finds the operator on the line (Lua cannot tell `a < b`
-- from `b > a`, nor `==` from `~=`); `operators` are the ones it may be when it is not found.
local function operator_error(pattern, operators)
  return function()
    local where = check.caller()
    local op = check.on_line(where, pattern)
    local ops = op and { op } or operators
    local quoted, forms = {}, {}
    for i, o in ipairs(ops) do
      quoted[i] = "'" .. o .. "'"
      forms[i] = string.format("x:%s(y) for x %s y", operator_methods[o], o)
    end
    check.fail(where, op, "%s cannot compare step outputs or parameters: they have values only "
               .. "when the pipeline runs; write %s (the methods are eq, ne, lt, le, gt, ge)",
               table.concat(quoted, " or "), table.concat(forms, ", "))
  end
end

for _, meta in ipairs { Ref, Template } do
  meta.__lt = operator_error("%f[<>]([<>])%f[^<>=]", { "<", ">" })
  meta.__le = operator_error("%f[<>]([<>]=)%f[^=]", { "<=", ">=" })
  meta.__eq = operator_error("([=~]=)", { "==", "~=" })
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

--- Calls visit(ref) for every reference in `value`: a reference, text built with `..`, a
--- condition, or plain tables holding them (a step's inputs, command, env, for_each, ...).
function M.each_ref(value, visit, seen)
  if is(value, Ref) then return visit(value) end
  if type(value) ~= "table" then return end
  if not (is(value, Template) or is(value, Condition) or getmetatable(value) == nil) then return end
  seen = seen or {}
  if seen[value] then return end
  seen[value] = true
  for _, v in pairs(value) do M.each_ref(v, visit, seen) end
end

--- A human name of a reference, for messages.
function M.describe(r)
  if r.kind == "param" then return "parameter '" .. r.name .. "'" end
  if r.kind == "step_output" then return "output '" .. r.name .. "' of step '" .. r.step .. "'" end
  if r.kind == "loop_item" then return r.name == "" and "the loop item" or "loop item field '" .. r.name .. "'" end
  if r.kind == "workflow_status" then return "ctp.workflow.status" end
  if r.kind == "workflow_name" then return "ctp.workflow.name" end
  return r.kind
end

return M
