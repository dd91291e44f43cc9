-- ctp: the pipeline DSL. A script declares parameters, volumes and steps with these functions and
-- returns `ctp.pipeline { ... }`. Every declaration is a plain table validated field by field and
-- stamped with the file:line that declared it. Nothing here runs a step or writes a file.
local native = ...  -- ctp._native: bindings to the C++ core (private)
local check = require "ctp_check"
local values = require "ctp_values"

local ctp = { version = native.version }

-- Parameters -------------------------------------------------------------------------------

local param_types = { "string", "int", "float", "bool", "list" }

local function scalar_ok(kind, v)
  if kind == "string" then return type(v) == "string" end
  if kind == "int" then return math.type(v) == "integer" end
  if kind == "float" then return type(v) == "number" end
  if kind == "bool" then return type(v) == "boolean" end
  if kind == "list" then
    if type(v) ~= "table" or getmetatable(v) then return false end
    for k, x in pairs(v) do
      if math.type(k) ~= "integer" then return false end
      local t = type(x)
      if t ~= "string" and t ~= "number" and t ~= "boolean" then return false end
    end
    return true
  end
end

local function param_constructor(kind)
  return function(fields)
    local where = check.caller()
    if fields == nil then fields = {} end
    local f = check.fields("ctp." .. kind, where, fields, {
      default = function(v, w, p)
        if not scalar_ok(kind, v) then
          check.fail(w, p, "field 'default' of %s %s parameter must be %s, got %s",
                     kind == "int" and "an" or "a", kind,
                     kind == "list" and "a list of strings, numbers or booleans" or
                     (kind == "int" and "an integer" or (kind == "float" and "a number" or
                     (kind == "bool" and "true or false" or "a string"))), check.describe(v))
        end
        return v
      end,
      doc = check.string,
    })
    return { ctp_kind = "param_spec", type = kind, default = f.default, doc = f.doc or "",
             location = where }
  end
end
for _, kind in ipairs(param_types) do ctp[kind] = param_constructor(kind) end

local Params = { __name = "ctp parameters" }
local param_specs = setmetatable({}, { __mode = "k" })  -- params table → its specs
local specs_by_name = {}                                -- parameter name → its spec
Params.__index = function(p, name)
  local names = check.sorted_keys(param_specs[p])
  check.fail(check.caller(), name, "unknown parameter '%s'%s", tostring(name),
             check.did_you_mean(tostring(name), names))
end
Params.__newindex = function() check.fail(check.caller(), nil, "parameters are read-only") end

-- The type a parameter has in a condition (ctp_values.value_type).
local condition_types = { string = "string", int = "number", float = "number", bool = "bool", list = "list" }

--- `ctp.params { name = ctp.int { default = 5, doc = "..." }, ... }` → a table of references.
function ctp.params(specs)
  local where = check.caller()
  if type(specs) ~= "table" or getmetatable(specs) then
    check.fail(where, nil, "ctp.params expects a table of name = ctp.<type>{...}, got %s", check.describe(specs))
  end
  local p, declared = {}, {}
  for _, name in ipairs(check.sorted_keys(specs)) do
    local spec = specs[name]
    if type(name) ~= "string" then check.fail(where, nil, "ctp.params: every parameter needs a name") end
    if type(spec) ~= "table" or spec.ctp_kind ~= "param_spec" then
      check.fail(where, name, "parameter '%s' must be declared with ctp.string, ctp.int, ctp.float, "
                 .. "ctp.bool or ctp.list, got %s", name, check.describe(spec))
    end
    declared[name] = spec
    specs_by_name[name] = spec
    p[name] = values.ref("param", "", name, { type = condition_types[spec.type] })
  end
  param_specs[p] = declared
  return setmetatable(p, Params)
end

--- The value a parameter has for this load (its `-p`/`--params` value, else its default), for
--- decisions made while the script runs, e.g. which stages to include. The emitted pipeline keeps
--- the parameter, so use this only for what must be fixed when the pipeline is built.
function ctp.value(ref)
  local where = check.caller()
  if not values.is_ref(ref) or ref.kind ~= "param" then
    check.fail(where, nil, "ctp.value expects a parameter (params.NAME), got %s", check.describe(ref))
  end
  local spec = specs_by_name[ref.name]
  local text = native.param_override(ref.name)
  if text == nil then
    if spec.default == nil then
      check.fail(where, ref.name, "parameter '%s' has no default: give it a value (-p %s=...)", ref.name, ref.name)
    end
    return spec.default
  end
  local value, problem = native.parse_param(spec.type, text)
  if problem then check.fail(where, ref.name, "parameter '%s' is %s %s: cannot use '%s'", ref.name,
                             spec.type == "int" and "an" or "a", spec.type, text) end
  return value
end

-- Run-time values --------------------------------------------------------------------------

ctp.item = values.ref("loop_item", "", "")
ctp.workflow = { status = values.ref("workflow_status", "", "", { type = "string" }),
                 name = values.ref("workflow_name", "", "", { type = "string" }) }
ctp.all, ctp.any, ctp.negate = values.all, values.any, values.negate
--- `ctp.as_number(ref)`: compare this reference as a number (a step output, a loop item).
ctp.as_number = values.as_type("number", "as_number")
--- `ctp.as_string(ref)`: compare this reference as text.
ctp.as_string = values.as_type("string", "as_string")

--- The path where the step writes its own output `name` (in a container's command or args).
function ctp.output_path(name)
  if type(name) ~= "string" then
    check.fail(check.caller(), nil, "ctp.output_path expects an output name, got %s", check.describe(name))
  end
  return values.ref("output_path", "", name)
end

--- A Kubernetes secret key, for `env`: `ctp.secret { name = "slack", key = "webhook" }`.
function ctp.secret(fields)
  local where = check.caller()
  local f = check.fields("ctp.secret", where, fields, { name = check.nonempty_string, key = check.nonempty_string },
                         { "name", "key" })
  return { ctp_kind = "secret", secret = f.name, key = f.key }
end

--- A Vault value filled in by argocd-vault-plugin: `ctp.vault { path = "secret/data/x", key = "k" }`,
--- or `ctp.vault { key = "k" }` with the pipeline's `vault_path`.
function ctp.vault(fields)
  local where = check.caller()
  local f = check.fields("ctp.vault", where, fields, { path = check.nonempty_string, key = check.nonempty_string },
                         { "key" })
  return { ctp_kind = "vault", path = f.path or "", key = f.key }
end

-- Volumes ------------------------------------------------------------------------------------

local Volume = { __name = "ctp volume" }
Volume.__index = {
  --- `volume:mount("/path", { read_only = true, sub_path = "x" })`
  mount = function(self, path, options)
    local where = check.caller()
    if type(path) ~= "string" or path:sub(1, 1) ~= "/" then
      check.fail(where, nil, "volume '%s': mount path must be an absolute path, got %s", self.name,
                 type(path) == "string" and ("'" .. path .. "'") or check.describe(path))
    end
    local o = check.fields("mount options", where, options or {},
                           { read_only = check.boolean, sub_path = check.string })
    local sub_path = o.sub_path or ""
    if sub_path:sub(1, 1) == "/" or ("/" .. sub_path .. "/"):find("/../", 1, true) then
      check.fail(where, "sub_path", "volume '%s': sub_path must be a path inside the volume (relative, "
                 .. "without '..'), got '%s'", self.name, sub_path)
    end
    return { ctp_kind = "mount", volume = self, path = path, read_only = o.read_only or false,
             sub_path = sub_path }
  end,
}

--- A volume: an existing claim (`claim`), a claim created for the run (`size`, `access_modes`,
--- `storage_class`), a secret as files (`secret`) or scratch space (`empty_dir = true`).
function ctp.volume(fields)
  local where = check.caller()
  local f = check.fields("ctp.volume", where, fields, {
    name = check.nonempty_string, claim = check.nonempty_string, size = check.quantity,
    access_modes = check.list(check.enum { "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod" }),
    storage_class = check.string, secret = check.nonempty_string, empty_dir = check.boolean,
  }, { "name" })
  local kinds = {}
  if f.claim then kinds[#kinds + 1] = "claim" end
  if f.size then kinds[#kinds + 1] = "size" end
  if f.secret then kinds[#kinds + 1] = "secret" end
  if f.empty_dir then kinds[#kinds + 1] = "empty_dir" end
  if #kinds ~= 1 then
    check.fail(where, nil, "ctp.volume '%s' needs exactly one of claim (existing claim), size (new claim), "
               .. "secret or empty_dir%s", f.name, #kinds > 1 and (", got " .. table.concat(kinds, " and ")) or "")
  end
  if (f.access_modes or f.storage_class) and not f.size then
    check.fail(where, f.access_modes and "access_modes" or "storage_class",
               "ctp.volume '%s': access_modes and storage_class apply to a new claim (set size)", f.name)
  end
  local kind = ({ claim = "existing_claim", size = "new_claim", secret = "secret", empty_dir = "empty_dir" })[kinds[1]]
  return setmetatable({ ctp_kind = "volume", kind = kind, name = f.name, claim = f.claim or "",
                        size = f.size or "", access_modes = f.access_modes or (f.size and { "ReadWriteOnce" } or {}),
                        storage_class = f.storage_class or "", secret = f.secret or "", location = where },
                      Volume)
end

-- Steps ----------------------------------------------------------------------------------------

local function value_checker(v, where, path) return values.template(v, where, path) end

local function output_kind(v, where, path)
  if v == "parameter" or v == "artifact" or v == "metrics" then return { kind = v, path = "", doc = "" } end
  if type(v) == "table" and getmetatable(v) == nil then
    local o = check.record({ kind = check.enum { "parameter", "artifact", "metrics" }, path = check.string,
                             doc = check.string }, { "kind" })(v, where, path)
    return { kind = o.kind, path = o.path or "", doc = o.doc or "" }
  end
  check.fail(where, path:match("^[%w_]+"), "field '%s' must be \"parameter\", \"artifact\", \"metrics\" or "
             .. "{ kind = ..., path = ... }, got %s", path, check.describe(v))
end

local function outputs_checker(v, where, path)
  if type(v) ~= "table" or getmetatable(v) then
    check.fail(where, path, "field 'outputs' must be a table, got %s", check.describe(v))
  end
  local out = {}
  for _, k in ipairs(check.sorted_keys(v)) do
    if math.type(k) == "integer" then   -- { "a", "b" }: parameters
      out[check.string(v[k], where, path .. "[" .. k .. "]")] = { kind = "parameter", path = "", doc = "" }
    else
      out[k] = output_kind(v[k], where, path .. "." .. tostring(k))
    end
  end
  return out
end

local function env_value(v, where, path)
  local kind = type(v) == "table" and rawget(v, "ctp_kind") or nil
  if kind == "secret" or kind == "vault" then return v end
  return values.template(v, where, path)
end

local function step_ref(v, where, path)
  if type(v) == "string" then return v end
  if type(v) == "table" and v.ctp_kind == "step" then return v.name end
  check.fail(where, path:match("^[%w_]+"), "field '%s' must be a step or a step name, got %s", path, check.describe(v))
end

local function condition(v, where, path)
  if values.is_condition(v) then return v end
  -- `params.x == "a"` is plain Lua (Lua asks a reference's __eq only about another table): false.
  if type(v) == "boolean" then
    check.fail(where, path, "field 'when' must be a condition, got %s: x %s y on a step output or parameter "
               .. "is plain Lua, %s while the script loads; write x:%s(y) (x:%s(y) for %s); %s",
               tostring(v), v and "~=" or "==", tostring(v), v and "ne" or "eq", v and "eq" or "ne",
               v and "==" or "~=", v and "a step that always runs needs no when"
                 or "a step that must not run is left out of steps")
  end
  check.fail(where, path, "field 'when' must be a condition such as params.x:eq(\"y\"), got %s", check.describe(v))
end

local function loop(v, where, path)
  if values.is_ref(v) then return { items_ref = v, parallelism = 0 } end
  if type(v) ~= "table" or getmetatable(v) then
    check.fail(where, path, "field 'for_each' must be a list of items, a list-valued reference, or "
               .. "{ items = ..., parallelism = N }, got %s", check.describe(v))
  end
  if v.items == nil then return { items = v, parallelism = 0 } end
  local items = v.items
  local out = { parallelism = check.non_negative(v.parallelism or 0, where, path .. ".parallelism") }
  for k in pairs(v) do
    if k ~= "items" and k ~= "parallelism" then
      check.fail(where, tostring(k), "field 'for_each' has no field '%s'%s", tostring(k),
                 check.did_you_mean(tostring(k), { "items", "parallelism" }))
    end
  end
  if values.is_ref(items) then out.items_ref = items else out.items = items end
  return out
end

local retry_record = check.record({
  limit = check.non_negative, backoff = check.duration_ms, factor = check.number, max_backoff = check.duration_ms,
  max_duration = check.duration_ms,
  policy = check.enum { "Always", "OnFailure", "OnError", "OnTransientError" },
}, { "limit" })

local function retry_checker(v, where, path)
  if math.type(v) == "integer" and v >= 0 then
    check.fail(where, path, "field 'retry' must be a table of fields, got %d: write retry = { limit = %d } "
               .. "(and backoff, factor, max_backoff, max_duration, policy as needed)", v, v)
  end
  return retry_record(v, where, path)
end

local toleration = check.record({
  key = check.string, operator = check.enum { "Equal", "Exists" }, value = check.string,
  effect = check.enum { "NoSchedule", "PreferNoSchedule", "NoExecute" }, seconds = check.integer,
})

local resources_checker = check.record({
  cpu = check.quantity, memory = check.quantity, cpu_limit = check.quantity, memory_limit = check.quantity,
  gpu = check.non_negative, gpu_resource = check.nonempty_string, accelerator = check.string,
})

local function mount_checker(v, where, path)
  if type(v) == "table" and v.ctp_kind == "mount" then return v end
  check.fail(where, path, "field '%s' must be a mount made with volume:mount(\"/path\"), got %s", path,
             check.describe(v))
end

-- Fields every kind of step accepts.
local common_fields = {
  name = check.nonempty_string, description = check.string,
  after = check.list(step_ref), when = condition, for_each = loop,
  retry = retry_checker, timeout = check.duration, cache = check.boolean,
  resources = resources_checker, node_selector = check.map(check.string),
  tolerations = check.list(toleration), mounts = check.list(mount_checker),
  env = check.map(env_value), image_pull_policy = check.enum { "Always", "IfNotPresent", "Never" },
}

local function with_common(extra)
  local schema = {}
  for k, v in pairs(common_fields) do schema[k] = v end
  for k, v in pairs(extra) do schema[k] = v end
  return schema
end

-- `step.outputs.NAME`: a new reference each time, which remembers where the script read it (for
-- a message about its use at that line).
local Outputs = { __name = "ctp step outputs" }
local output_steps = setmetatable({}, { __mode = "k" })  -- outputs table → its step's fields
Outputs.__index = function(o, name)
  local step, where = output_steps[o], check.caller()
  if step.output_specs[name] then return values.ref("step_output", step.name, name, { where = where }) end
  check.fail(where, tostring(name), "step '%s' has no output '%s'%s", step.name, tostring(name),
             check.did_you_mean(tostring(name), check.sorted_keys(step.output_specs)))
end
Outputs.__pairs = function(o)
  local step, names, i = output_steps[o], check.sorted_keys(output_steps[o].output_specs), 0
  return function()
    i = i + 1
    if names[i] then return names[i], values.ref("step_output", step.name, names[i]) end
  end
end
Outputs.__newindex = function(o)
  check.fail(check.caller(), nil, "step '%s': outputs are declared in the step's outputs = { ... }, not assigned",
             output_steps[o].name)
end

-- Fields a step holds besides those a script sets (what ctp reads back, e.g. the C++ reader).
local internal_fields = { ctp_kind = true, kind = true, location = true, output_specs = true, outputs = true,
                          inputs = true, lua_source = true, native = true, native_version = true, pipeline = true,
                          component = true, command_inputs = true, args_inputs = true }

-- How an output is read, for a script that wrote `a.output` (KFP's single output): `a.outputs.NAME`.
local function how_to_read_outputs(s, variable)
  local names = check.sorted_keys(s.output_specs)
  if #names == 0 then return string.format("step '%s' declares no outputs (outputs = { ... })", s.name) end
  return string.format("read an output as %s.outputs.%s (its outputs: %s)", variable or "step",
                       #names == 1 and names[1] or "<name>", table.concat(names, ", "))
end

-- `step.result`: a container or script step's standard output (Argo's outputs.result). Reading it
-- declares the output `result` (from_stdout), located where it was first read.
local function result_ref(s, where)
  local spec = s.output_specs.result
  if spec and not spec.from_stdout then
    check.fail(where, "result", "step '%s' declares an output named 'result' (a file it writes): read "
               .. "that as step.outputs.result; step.result, its standard output, needs that name free", s.name)
  end
  if s.kind ~= "container" then
    check.fail(where, "result", "%s step '%s' has no result: only container and script steps (ctp.container, "
               .. "ctp.script) print one (their standard output); return a value as an output instead",
               s.kind == "lua" and "Lua" or s.kind, s.name)
  end
  if not spec then
    s.output_specs.result = { kind = "parameter", path = "", doc = "standard output", from_stdout = true,
                              location = where }
  end
  return values.ref("step_output", s.name, "result", { where = where })
end

-- Reading a field a step does not have fails at that line: `a.output` would otherwise be nil, and
-- an argument would silently vanish from a command line.
local function step_fields_meta(schema, arg_checkers)
  return {
    __index = function(s, key)
      if arg_checkers[key] then return rawget(s, "inputs")[key] end  -- a native step's argument
      if key == "result" then return result_ref(s, check.caller()) end
      if schema[key] or internal_fields[key] then return nil end
      local where, field = check.caller(), tostring(key)
      local readable = check.sorted_keys(schema)
      readable[#readable + 1] = "outputs"
      local hint = check.did_you_mean(field, readable)
      local variable = type(key) == "string" and check.on_line(where, "([%w_]+)%." .. check.escape_pattern(key) .. "%f[^%w_]")
      if key == "output" or hint == " (did you mean 'outputs'?)" then
        check.fail(where, variable and (variable .. "." .. field) or field, "step '%s' has no field '%s': %s",
                   s.name, field, how_to_read_outputs(s, variable))
      end
      check.fail(where, variable and (variable .. "." .. field) or field, "step '%s' has no field '%s'%s",
                 s.name, field, hint)
    end,
  }
end

-- Fields that cannot change once a step exists: its outputs' references already hold them.
local fixed_fields = { name = true, outputs = true, fn = true, pipeline = true, params = true }

-- A step is a proxy over its checked fields: assigning a field after the step was created
-- (`train.after = { prepare }`) checks the value as the declaration would, or fails at that line.
-- The fields of `schema` a script may set on an existing step, sorted (for "did you mean").
local function settable_fields(schema)
  local settable = {}
  for key in pairs(schema) do if not fixed_fields[key] then settable[#settable + 1] = key end end
  table.sort(settable)
  return settable
end

local function step_proxy(s, what, schema, arg_checkers)
  return setmetatable({}, {
    __name = "ctp step",
    __index = s,
    __pairs = function() return next, s, nil end,
    __newindex = function(_, key, value)
      local where, field = check.caller(), tostring(key)
      if fixed_fields[key] and schema[key] then
        check.fail(where, field, "step '%s': field '%s' cannot change after the step is created; set it in %s { ... }",
                   s.name, field, what)
      end
      if arg_checkers[key] then
        local inputs = {}
        for k, v in pairs(s.inputs) do inputs[k] = v end
        if value ~= nil then inputs[key] = arg_checkers[key](value, where, field) else inputs[key] = nil end
        s.inputs = inputs
        return
      end
      local checker = type(key) == "string" and schema[key]
      if not checker then
        check.fail(where, field, "step '%s' has no field '%s' that can be set%s", s.name, field,
                   check.did_you_mean(field, settable_fields(schema)))
      end
      if value == nil then s[key] = nil else s[key] = checker(value, where, field) end
      -- A component's input elements are positions in its own command/args, not in new ones.
      if key == "command" then s.command_inputs = nil elseif key == "args" then s.args_inputs = nil end
    end,
  })
end

-- Every step the script made, in order ({ step, name, where }), their names, and those in a
-- pipeline's steps (by step): once the script has run, a step in no pipeline is a warning.
local made_steps, made_by_name, listed_steps = {}, {}, {}

-- `what` (e.g. "ctp.container") and `schema` are the declaration's; `arg_checkers` a native
-- step's arguments (they live in `inputs`).
local function make_step(kind, where, f, extra, what, schema, arg_checkers)
  local s = { ctp_kind = "step", kind = kind, location = where, output_specs = f.outputs or {} }
  for k, v in pairs(f) do if k ~= "outputs" then s[k] = v end end
  for k, v in pairs(extra or {}) do s[k] = v end
  s.outputs = setmetatable({}, Outputs)
  output_steps[s.outputs] = s
  arg_checkers = arg_checkers or {}
  setmetatable(s, step_fields_meta(schema, arg_checkers))
  local step = step_proxy(s, what, schema, arg_checkers)
  made_steps[#made_steps + 1] = { step = step, name = s.name, where = where }
  made_by_name[s.name] = true
  return step
end

--- Called by the loader once the script has run: its warnings, as { file, line, message,
--- highlight } tables.
function native.script_warnings()
  local warnings = {}
  for _, made in ipairs(made_steps) do
    if not listed_steps[made.step] then
      warnings[#warnings + 1] = {
        file = made.where.file, line = made.where.line, highlight = made.name,
        message = string.format("step '%s' is not in any pipeline's steps, so it never runs: add it to "
                                .. "ctp.pipeline { steps = { ... } }", made.name),
      }
    end
  end
  return warnings
end

-- ctp.container's fields, built once.
local container_schema = with_common {
  image = check.nonempty_string, command = check.list(value_checker), args = check.list(value_checker),
  working_dir = check.string, outputs = outputs_checker,
}
local container_required = { "name" }

-- A container step with internal fields `extra` (a component factory's).
local function container_step(fields, extra)
  local where = check.caller()
  local f = check.fields("ctp.container", where, fields, container_schema, container_required)
  return make_step("container", where, f, extra, "ctp.container", container_schema)
end

--- A container step: `ctp.container { name, image, command, args, env, outputs, ... }`.
function ctp.container(fields) return container_step(fields) end

-- ctp.script's fields: a container step whose `command` (the interpreter) runs `source`.
local script_schema = with_common {
  image = check.nonempty_string, command = check.list(value_checker), working_dir = check.string,
  outputs = outputs_checker,
  source = function(v, w, p)
    if type(v) == "string" and v == "" then check.fail(w, p, "field 'source' must be a non-empty script, got ''") end
    return value_checker(v, w, p)
  end,
}

--- A script step (Argo's script template): `ctp.script { name, image, command = { "python3" },
--- source = [[ ... ]], env, outputs, ... }`. The interpreter `command` runs `source` from a file
--- whose path follows the command; read run-time values through env (or build the source with `..`).
function ctp.script(fields)
  local where = check.caller()
  local f = check.fields("ctp.script", where, fields, script_schema, { "name", "command", "source" })
  if #f.command == 0 then
    check.fail(where, "command", "ctp.script '%s': field 'command' must name the interpreter that runs "
               .. "the source, e.g. { \"python3\" }", f.name)
  end
  return make_step("container", where, f, nil, "ctp.script", script_schema)
end

--- A Lua function step: `ctp.lua { name, fn = function(inputs) return { out = ... } end, inputs, outputs }`.
--- The function runs in a fresh Lua state, here and in a cluster (then it must be self-contained).
function ctp.lua(fields)
  local where = check.caller()
  local schema = with_common {
    fn = function(v, w, p)
      if type(v) ~= "function" then check.fail(w, p, "field 'fn' must be a function, got %s", check.describe(v)) end
      return v
    end,
    inputs = check.map(value_checker), outputs = outputs_checker,
  }
  local f = check.fields("ctp.lua", where, fields, schema, { "name", "fn" })
  local source, upvalues, line = native.function_source(f.fn)
  if not source then
    check.fail({ file = where.file, line = line }, nil, "ctp.lua '%s': the step function's text %s", f.name, upvalues)
  end
  if #upvalues > 0 then
    -- It runs in a fresh Lua state (ctp exec, here and in a cluster): the script's locals are gone.
    local first = upvalues[1]
    check.fail(where, "fn", "Lua function step '%s' captures upvalues (%s): a step function must be "
               .. "self-contained; pass a value as an input (inputs = { %s = %s }, read as inputs.%s) "
               .. "or define it inside the function", f.name, table.concat(upvalues, ", "), first, first, first)
  end
  f.fn = nil
  return make_step("lua", where, f, { lua_source = source }, "ctp.lua", schema)
end

--- A pipeline used as a step of another: `ctp.sub_pipeline { name, pipeline, params = {...} }`.
function ctp.sub_pipeline(fields)
  local where = check.caller()
  local schema = with_common {
    pipeline = function(v, w, p)
      if type(v) ~= "table" or v.ctp_kind ~= "pipeline" then
        check.fail(w, p, "field 'pipeline' must be a pipeline made with ctp.pipeline, got %s", check.describe(v))
      end
      return v
    end,
    params = check.map(value_checker),
  }
  local f = check.fields("ctp.sub_pipeline", where, fields, schema, { "name", "pipeline" })
  f.inputs, f.params = f.params, nil
  f.outputs = {}  -- their kinds are the pipeline's (the reader follows each to its producer)
  for name in pairs(f.pipeline.outputs) do f.outputs[name] = { kind = "parameter", path = "", doc = "" } end
  return make_step("pipeline", where, f, nil, "ctp.sub_pipeline", schema)
end

-- Native steps: ctp.steps.NAME { ... } with arguments checked against the registry's schema. A
-- literal must be a value of the argument's type (the C++ parser decides; empty text of an
-- optional argument means "not given"); references are checked when the step runs.
local function native_arg_checker(step, arg)
  return function(v, where, path)
    local t = value_checker(v, where, path)
    local text = values.literal_text(t)
    if text and (text ~= "" or arg.required) then
      local expected, hint = native.native_arg_problem(step, arg.name, text)
      if expected then
        local shown = (type(v) == "number" or type(v) == "boolean") and text or ("'" .. text .. "'")
        check.fail(where, path:match("^[%w_]+"), "ctp.steps.%s: argument '%s' must be %s, got %s%s",
                   step, arg.name, expected, shown, hint)
      end
    end
    return t
  end
end

ctp.steps = setmetatable({}, {
  __index = function(_, name)
    local schema = native.step_schema(name)
    if not schema then
      check.fail(check.caller(), tostring(name), "unknown native step '%s'%s", tostring(name),
                 check.did_you_mean(tostring(name), native.step_names()))
    end
    return function(fields)
      local where = check.caller()
      local extra, required = {}, { "name" }
      for _, arg in ipairs(schema.args) do
        extra[arg.name] = native_arg_checker(name, arg)
        if arg.required then required[#required + 1] = arg.name end
      end
      local step_schema = with_common(extra)
      local f = check.fields("ctp.steps." .. name, where, fields, step_schema, required)
      local inputs = {}
      for _, arg in ipairs(schema.args) do
        if f[arg.name] ~= nil then inputs[arg.name], f[arg.name] = f[arg.name], nil end
      end
      f.inputs = inputs
      f.outputs = {}
      for _, out in ipairs(schema.outputs) do f.outputs[out.name] = { kind = out.kind, path = "", doc = out.doc } end
      return make_step("native", where, f, { native = name, native_version = schema.version },
                       "ctp.steps." .. name, step_schema, extra)
    end
  end,
})

-- KFP components ---------------------------------------------------------------------------

local component_step_fields = { "image", "working_dir" }
for field in pairs(common_fields) do component_step_fields[#component_step_fields + 1] = field end
table.sort(component_step_fields)

--- A step factory from a KFP component spec (v1 component.yaml or v2 IR YAML), read relative to
--- the script: `local train = ctp.load_component "components/train/component.yaml"`, then
--- `train { data = prepare.outputs.data, epochs = params.epochs, retry = { limit = 2 } }`.
function ctp.load_component(path)
  return require("ctp_component").load(path, container_step, component_step_fields)
end

-- The pipeline -----------------------------------------------------------------------------

local schedule_checker = check.record({
  cron = function(v, w, p)
    if type(v) == "string" then return { v } end
    return check.list(check.nonempty_string)(v, w, p)
  end,
  timezone = check.string, concurrency = check.enum { "Allow", "Forbid", "Replace" },
  keep_succeeded = check.non_negative, keep_failed = check.non_negative,
  starting_deadline = check.duration, suspend = check.boolean,
}, { "cron" })

local function step_checker(v, where, path)
  if type(v) == "table" and v.ctp_kind == "step" then return v end
  check.fail(where, path, "field '%s' must be a step (made with ctp.container, ctp.script, ctp.lua, "
             .. "ctp.steps.* or ctp.sub_pipeline), got %s", path, check.describe(v))
end

-- Fails when a step of pipeline `f` uses a step the script made but left out of `f.steps`: at the
-- line that read its output (`a.outputs.x`), or at `after`.
local function check_steps_listed(f)
  local in_pipeline = {}
  for _, s in ipairs(f.steps) do in_pipeline[s.name] = true end
  if f.on_exit then in_pipeline[f.on_exit.name] = true end
  local function unlisted(name) return made_by_name[name] and not in_pipeline[name] end
  local advice = string.format("which is not in the steps of pipeline '%s': add it to ctp.pipeline { steps = { ... } }",
                               f.name)
  local function check_refs(value, who, fallback)
    values.each_ref(value, function(ref)
      if ref.kind ~= "step_output" or not unlisted(ref.step) then return end
      local at = rawget(ref, "where") or fallback
      local text = check.on_line(at, "[%w_]+%.outputs%." .. check.escape_pattern(ref.name) .. "%f[^%w_]")
      check.fail(at, text or ref.step, "%s uses output '%s' of step '%s', %s", who, ref.name, ref.step, advice)
    end)
  end
  for _, s in ipairs(f.steps) do
    local who = string.format("step '%s'", s.name)
    for key, value in pairs(getmetatable(s).__index) do
      if key ~= "pipeline" and key ~= "outputs" then check_refs(value, who, s.location) end
    end
    for _, name in ipairs(s.after or {}) do
      if unlisted(name) then check.fail(s.location, "after", "%s runs after step '%s', %s", who, name, advice) end
    end
  end
  check_refs(f.outputs or {}, string.format("pipeline '%s' outputs", f.name), f.location)
end

--- The pipeline a script returns: `return ctp.pipeline { name, params, steps = {...}, ... }`.
function ctp.pipeline(fields)
  local where = check.caller("ctp.pipeline")
  local f = check.fields("ctp.pipeline", where, fields, {
    name = check.nonempty_string, description = check.string,
    params = function(v, w, p)
      if getmetatable(v) ~= Params then check.fail(w, p, "field 'params' must come from ctp.params { ... }, got %s", check.describe(v)) end
      return v
    end,
    steps = check.list(step_checker), on_exit = step_checker,
    labels = check.map(check.string), annotations = check.map(check.string),
    service_account = check.string, image = check.nonempty_string, ctp_image = check.nonempty_string,
    vault_path = check.nonempty_string,
    volumes = check.list(function(v, w, p)
      if getmetatable(v) ~= Volume then check.fail(w, p, "field '%s' must be a ctp.volume, got %s", p, check.describe(v)) end
      return v
    end),
    schedule = schedule_checker, outputs = check.map(value_checker),
    timeout = check.duration, parallelism = check.non_negative, retry = retry_checker,
  }, { "name", "steps" })
  f.ctp_kind = "pipeline"
  f.location = where
  check_steps_listed(f)
  for _, s in ipairs(f.steps) do listed_steps[s] = true end
  if f.on_exit then listed_steps[f.on_exit] = true end
  local function type_condition(s)
    if s and s.when then s.when = values.resolve_condition(s.when, s.for_each) end
  end
  for _, s in ipairs(f.steps) do type_condition(s) end
  type_condition(f.on_exit)
  f.params = f.params and param_specs[f.params] or {}
  f.outputs = f.outputs or {}
  f.ctp_image = f.ctp_image or ("ctp:" .. native.version)
  return f
end

return ctp
