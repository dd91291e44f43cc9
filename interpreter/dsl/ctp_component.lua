-- ctp_component: KFP component specs as step factories. The spec (a v1 component.yaml or a v2 IR
-- YAML) is read in C++ (native.load_component) into a plain description; the factory checks the
-- inputs it is given and resolves the spec's placeholders against them into a container step.
-- Internal module of the DSL; scripts use it through `ctp.load_component`.
local native = ...
local check = require "ctp_check"
local values = require "ctp_values"

local M = {}

local type_descriptions = {
  Integer = "an Integer (a Lua integer)", Float = "a Float (a number)",
  Boolean = "a Boolean (true or false)", String = "a String (a string or number)",
  JsonArray = "a JsonArray (JSON text)", JsonObject = "a JsonObject (JSON text)",
}

local function type_ok(kind, v)
  if kind == "Integer" then return math.type(v) == "integer" end
  if kind == "Float" then return type(v) == "number" end
  if kind == "Boolean" then return type(v) == "boolean" end
  if kind == "String" then return type(v) == "string" or type(v) == "number" end
  if kind == "JsonArray" or kind == "JsonObject" then return type(v) == "string" end
  local t = type(v)
  return t == "string" or t == "number" or t == "boolean"
end

-- The literal text of a resolved value, or nil when it holds a reference.
local function literal(v)
  if type(v) == "string" then return v end
  if values.is_template(v) then
    local text = {}
    for i, part in ipairs(v.parts) do
      if type(part) ~= "string" then return nil end
      text[i] = part
    end
    return table.concat(text)
  end
  return nil
end

local truth = { ["true"] = true, t = true, yes = true, y = true, on = true, ["1"] = true,
                ["false"] = false, f = false, no = false, n = false, off = false, ["0"] = false }

-- Resolves the spec's arguments against the inputs given to one factory call.
local function resolver(spec, given, where)
  local expand
  local function decide(cond)
    local parts = {}
    expand(cond, parts)
    if #parts == 0 then return false end
    local text = #parts == 1 and literal(parts[1]) or nil
    if text == nil or truth[text:lower()] == nil then
      check.fail(where, nil, "component '%s' (%s): the condition of an {if} placeholder must be known "
                 .. "when the pipeline is built (true/false, or isPresent), got %s", spec.name, spec.path,
                 text and ("'" .. text .. "'") or "a value known only at run time")
    end
    return truth[text:lower()]
  end
  expand = function(arg, out)
    if type(arg) == "string" then out[#out + 1] = arg; return end
    local input = arg.input_value or arg.input_path
    if input then
      if given[input] ~= nil then out[#out + 1] = given[input] end
    elseif arg.output_path then
      out[#out + 1] = values.ref("output_path", "", arg.output_path)
    elseif arg.workflow_name then
      out[#out + 1] = values.ref("workflow_name")
    elseif arg.is_present then
      out[#out + 1] = given[arg.is_present] ~= nil and "True" or "False"
    elseif arg.concat then
      local parts, joined = {}, ""
      for _, item in ipairs(arg.concat) do expand(item, parts) end
      for _, part in ipairs(parts) do joined = joined .. part end
      out[#out + 1] = joined
    elseif arg["if"] then
      local branch = decide(arg["if"].cond) and arg["if"]["then"] or arg["if"]["else"]
      for _, item in ipairs(branch) do expand(item, out) end
    end
  end
  -- The resolved list, and which of its elements are an input's value as a whole element
  -- ({ index, input }): emitters pass those as task arguments.
  return function(list)
    local out, from_inputs = {}, {}
    for _, arg in ipairs(list) do
      local input = type(arg) == "table" and arg.input_value
      if input and given[input] ~= nil then from_inputs[#from_inputs + 1] = { index = #out + 1, input = input } end
      expand(arg, out)
    end
    return out, from_inputs
  end
end

-- Checks the value given for `input` and returns it as a template.
local function input_value(spec, input, v, where, field)
  if input.kind == "artifact" then
    if values.is_ref(v) and v.kind == "step_output" then return values.template(v, where, field) end
    check.fail(where, field, "component '%s' (%s): input '%s' is a file (an artifact): give it an "
               .. "output of another step (step.outputs.NAME), got %s", spec.name, spec.path, input.key,
               values.is_ref(v) and values.describe(v) or check.describe(v))
  end
  if values.is_ref(v) or values.is_template(v) then return values.template(v, where, field) end
  if not type_ok(input.type, v) then
    check.fail(where, field, "component '%s' (%s): input '%s' is %s, got %s", spec.name, spec.path,
               input.key, type_descriptions[input.type] or "a string, number or boolean",
               type(v) == "string" and ("'" .. v .. "'") or check.describe(v))
  end
  return values.template(v, where, field)
end

--- Reads the component spec at `path` and returns its step factory. `container` makes the step
--- (ctp.container's constructor, with the component's name and input elements as internal fields); `step_fields` names the step fields a call may set besides the inputs.
function M.load(path, container, step_fields)
  local where = check.caller()
  if type(path) ~= "string" then
    check.fail(where, nil, "ctp.load_component expects the path of a component spec, got %s",
               check.describe(path))
  end
  local spec, resolved = native.load_component(path)
  if not spec then check.fail(where, path, "ctp.load_component: %s", resolved) end
  spec.path = resolved
  local by_key, by_name, allowed, names = {}, {}, {}, {}
  for _, input in ipairs(spec.inputs) do
    by_key[input.key], by_name[input.name] = input, input
    names[#names + 1] = input.key
  end
  for _, field in ipairs(step_fields) do allowed[field] = true; names[#names + 1] = field end

  return function(fields, options)
    local call = check.caller()
    if type(fields) ~= "table" or getmetatable(fields) then
      check.fail(call, nil, "component '%s' expects a table of inputs, got %s", spec.name, check.describe(fields))
    end
    local given, step = {}, {}
    for _, key in ipairs(check.sorted_keys(fields)) do
      if type(key) ~= "string" then
        check.fail(call, nil, "component '%s': every input needs a name (found a positional value %s)",
                   spec.name, check.describe(fields[key]))
      end
      local input = by_key[key] or by_name[key]
      if input then
        given[input.key] = input_value(spec, input, fields[key], call, key)
      elseif allowed[key] then
        step[key] = fields[key]
      else
        check.fail(call, key, "component '%s' (%s): unknown input '%s'%s", spec.name, spec.path, key,
                   check.did_you_mean(key, names))
      end
    end
    if options ~= nil and (type(options) ~= "table" or getmetatable(options)) then
      check.fail(call, nil, "component '%s': the second argument must be a table of step fields, got %s",
                 spec.name, check.describe(options))
    end
    for key, value in pairs(options or {}) do step[key] = value end
    for _, input in ipairs(spec.inputs) do
      -- A file input's default is text KFP would write to a file; ctp passes files by reference.
      local default = input.kind ~= "artifact" and input.default or nil
      if given[input.key] == nil and default ~= nil then given[input.key] = default end
      if given[input.key] == nil and not input.optional then
        check.fail(call, nil, "component '%s' (%s): missing required input '%s'%s", spec.name, spec.path,
                   input.key, input.default and " (a file: its default text is not used)" or "")
      end
    end
    local resolve = resolver(spec, given, call)
    step.name = step.name or spec.step_name
    step.image = step.image or spec.image
    local command_inputs, args_inputs
    step.command, command_inputs = resolve(spec.command)
    step.args, args_inputs = resolve(spec.args)
    if step.description == nil and spec.description ~= "" then step.description = spec.description end
    if step.env == nil or (type(step.env) == "table" and not getmetatable(step.env)) then
      local env = {}  -- the component's, then the call's (ctp.container checks the result)
      for k, v in pairs(spec.env) do env[k] = v end
      for k, v in pairs(step.env or {}) do env[k] = v end
      step.env = next(env) and env or nil
    end
    step.outputs = {}
    for _, output in ipairs(spec.outputs) do
      step.outputs[output.key] = { kind = output.kind, path = output.path, doc = output.description }
    end
    return container(step, { component = spec.step_name, command_inputs = command_inputs,
                             args_inputs = args_inputs })
  end
end

return M
