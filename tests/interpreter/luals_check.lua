-- Checks that interpreter/dsl/luals/ctp.d.lua describes the whole public DSL: every public `ctp.*` name,
-- and every field of every schema ctp_check.lua validates (recorded by wrapping check.fields and
-- check.record while the DSL loads and while each declaration is called with sample fields).
-- Called by luals_annotations_test.cc with the embedded DSL sources and the annotations text;
-- returns the list of problems (empty when in sync).
local sources, annotations = ...

local native = {
  version = "0.0.0",
  did_you_mean = function() return "" end,
  caller = function() return nil end,  -- no user frame: main_chunk_line answers
  main_chunk_line = function() return "check", 0 end,
  step_schema = function() return nil end,
  step_names = function() return {} end,
}
for name, source in pairs(sources) do
  package.preload[name] = function() return assert(load(source, "=[ctp]/" .. name))(native) end
end

local check = require "ctp_check"
local named_schemas, record_schemas = {}, {}
local fields, record = check.fields, check.record
check.fields = function(what, where, t, schema, required)
  named_schemas[what] = schema
  return fields(what, where, t, schema, required)
end
check.record = function(schema, required)
  record_schemas[#record_schemas + 1] = schema
  return record(schema, required)
end
local ctp = require "ctp"

-- Call each declaration once so that its schema is recorded (most fail on a missing field).
local scratch = ctp.volume { name = "v", empty_dir = true }
for _, call in ipairs {
  function() ctp.string {} end, function() ctp.int {} end, function() ctp.float {} end,
  function() ctp.bool {} end, function() ctp.list {} end,
  function() ctp.secret {} end, function() ctp.vault {} end, function() ctp.volume {} end,
  function() scratch:mount("/m", {}) end,
  function() ctp.container { outputs = { y = { kind = "parameter" } } } end,
  function() ctp.script {} end,
  function() ctp.lua {} end, function() ctp.sub_pipeline {} end, function() ctp.pipeline {} end,
} do pcall(call) end

-- The classes of the annotations: name → { parent = ..., fields = { name = true } }.
local classes, current = {}, nil
for line in annotations:gmatch("[^\n]*") do
  local name, parent = line:match("^%-%-%-@class ([%w_.]+):? ?([%w_.]*)")
  local field = line:match("^%-%-%-@field ([%w_]+)")
  if name then
    current = { parent = parent ~= "" and parent or nil, fields = {} }
    classes[name] = current
  elseif field and current then
    current.fields[field] = true
  elseif not line:match("^%-%-%-") then
    current = nil
  end
end

local function has_field(class, field)
  while class do
    local c = classes[class]
    if not c then return false end
    if c.fields[field] then return true end
    class = c.parent
  end
  return false
end

local problems = {}
local function problem(fmt, ...) problems[#problems + 1] = string.format(fmt, ...) end

-- The class that documents each declaration's fields.
local class_of = {
  ["ctp.string"] = "ctp.ParamFields", ["ctp.int"] = "ctp.ParamFields", ["ctp.float"] = "ctp.ParamFields",
  ["ctp.bool"] = "ctp.ParamFields", ["ctp.list"] = "ctp.ParamFields",
  ["ctp.secret"] = "ctp.SecretFields", ["ctp.vault"] = "ctp.VaultFields",
  ["ctp.volume"] = "ctp.VolumeFields", ["mount options"] = "ctp.MountOptions",
  ["ctp.container"] = "ctp.ContainerFields", ["ctp.script"] = "ctp.ScriptFields", ["ctp.lua"] = "ctp.LuaFields",
  ["ctp.sub_pipeline"] = "ctp.SubPipelineFields", ["ctp.pipeline"] = "ctp.PipelineFields",
}

local function sorted(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

for _, what in ipairs(sorted(named_schemas)) do
  local class = class_of[what]
  if not class then
    problem("%s: no class documents its fields (add it to class_of in luals_check.lua)", what)
  elseif not classes[class] then
    problem("%s: class %s is missing from ctp.d.lua", what, class)
  else
    for _, field in ipairs(sorted(named_schemas[what])) do
      if not has_field(class, field) then problem("%s: field '%s' is missing from %s", what, field, class) end
    end
  end
end
for _, what in ipairs(sorted(class_of)) do
  if not named_schemas[what] then problem("%s: its schema was never checked (is it still public?)", what) end
end

-- A nested record (retry, resources, tolerations, schedule, output spec) is documented when one
-- class has all of its fields.
for _, schema in ipairs(record_schemas) do
  local names = sorted(schema)
  local found = false
  for class in pairs(classes) do
    local all = true
    for _, field in ipairs(names) do all = all and has_field(class, field) end
    if all then found = true; break end
  end
  if not found then problem("no class in ctp.d.lua has the fields { %s }", table.concat(names, ", ")) end
end

-- Every public name of the module.
for _, name in ipairs(sorted(ctp)) do
  if type(name) == "string" and name:sub(1, 1) ~= "_" then
    local declared = annotations:find("\nfunction ctp%." .. name .. "%(") or
                     annotations:find("\nctp%." .. name .. " = ")
    if not declared then problem("ctp.%s is missing from ctp.d.lua", name) end
  end
end
return problems
