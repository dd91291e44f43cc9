-- ctp_sandbox: the environment scripts run in. Only the registered API and safe parts of the
-- standard library; no processes, no writes, no debug library. Reading files is allowed (paths are
-- relative to the script's folder). Reading an unknown global is an error with "did you mean".
-- Returns the environment table; called once per Lua state by the interpreter.
local native, script_dir = ...
local ctp = require "ctp"

local env = {}
local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

for _, name in ipairs { "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
                        "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring",
                        "type", "_VERSION" } do
  env[name] = _G[name]
end
env.string, env.table, env.math, env.utf8 = copy(string), copy(table), copy(math), copy(utf8)
env.coroutine = copy(coroutine)
env.os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime }
env._G = env

-- Scripts cannot reach the real string metatable (it would let them change the DSL's strings).
getmetatable("").__metatable = false

local sandboxed = "is not available: scripts run sandboxed (no processes, no writes, no environment)"
local function forbid(t, label, names)
  local blocked = {}
  for _, n in ipairs(names) do blocked[n] = true end
  return setmetatable(t, { __index = function(_, k)
    if blocked[k] then error(string.format("%s%s %s", label, tostring(k), sandboxed), 2) end
  end })
end

local function resolve(path)
  if type(path) ~= "string" then error("expected a file path, got " .. type(path), 3) end
  if path:sub(1, 1) == "/" then return path end
  return script_dir .. "/" .. path
end

env.io = forbid({
  open = function(path, mode)
    mode = mode or "r"
    if mode ~= "r" and mode ~= "rb" then
      error(string.format("io.open: scripts may only read files (mode \"r\"), not mode \"%s\"", mode), 2)
    end
    return io.open(resolve(path), mode)
  end,
  lines = function(path, ...)
    if path == nil then error("io.lines needs a file path (scripts cannot read standard input)", 2) end
    return io.lines(resolve(path), ...)
  end,
}, "io.", { "popen", "write", "output", "input", "tmpfile", "read", "close", "stdout", "stderr", "stdin" })
forbid(env.os, "os.", { "execute", "remove", "rename", "exit", "getenv", "tmpname", "setlocale" })

env.print = function(...)
  local n, parts = select("#", ...), {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  native.print_line(table.concat(parts, "\t"))
end

-- A script that hit its instruction or memory limit cannot catch that error.
local function rethrow_limits(ok, ...)
  if not ok and native.limit_exceeded() then error((...), 0) end
  return ok, ...
end
env.pcall = function(f, ...) return rethrow_limits(pcall(f, ...)) end
env.xpcall = function(f, handler, ...) return rethrow_limits(xpcall(f, handler, ...)) end
env.coroutine.resume = function(co, ...) return rethrow_limits(coroutine.resume(co, ...)) end

env.load = function(chunk, name, mode, chunk_env)
  if mode ~= nil and mode ~= "t" then error("load: scripts may only load text chunks", 2) end
  return load(chunk, name, "t", chunk_env or env)
end
env.collectgarbage = function(option)
  if option == nil or option == "collect" or option == "count" then return collectgarbage(option) end
  error(string.format("collectgarbage(\"%s\") %s", tostring(option), sandboxed), 2)
end

-- require: "ctp", or a Lua file next to the script (components.notify → components/notify.lua).
local loaded = { ctp = ctp }
env.require = function(name)
  if type(name) ~= "string" then error("require expects a module name, got " .. type(name), 2) end
  if name:find("\0", 1, true) then error("require: a module name cannot contain a NUL byte", 2) end
  if loaded[name] ~= nil then return loaded[name] end
  local relative = name:gsub("%.", "/")
  local candidates = { resolve(relative .. ".lua"), resolve(relative .. "/init.lua") }
  for _, path in ipairs(candidates) do
    local chunk, err = native.load_file(path, env)
    if chunk then
      local result = chunk(name, path)
      if result == nil then result = true end
      loaded[name] = result
      return result
    elseif err then
      error(err, 0)  -- a syntax error in the module: already "file:line: message"
    end
  end
  error(string.format("module '%s' not found (looked for %s)", name, table.concat(candidates, " and ")), 2)
end

local globals_blocked = { dofile = true, loadfile = true, debug = true, package = true, loadstring = true }
setmetatable(env, { __index = function(_, name)
  if globals_blocked[name] then error(string.format("'%s' %s", tostring(name), sandboxed), 2) end
  local candidates = {}
  for k in pairs(env) do if type(k) == "string" then candidates[#candidates + 1] = k end end
  -- The caller's locals and upvalues: a misspelt local reads as an unknown global.
  local level = 2
  local i = 1
  while true do
    local local_name = debug.getlocal(level, i)
    if not local_name then break end
    if local_name:sub(1, 1) ~= "(" then candidates[#candidates + 1] = local_name end
    i = i + 1
  end
  local info = debug.getinfo(level, "f")
  if info and info.func then
    i = 1
    while true do
      local up = debug.getupvalue(info.func, i)
      if not up then break end
      if up ~= "_ENV" then candidates[#candidates + 1] = up end
      i = i + 1
    end
  end
  error(string.format("unknown global '%s'%s", tostring(name),
                      native.did_you_mean(tostring(name), candidates)), 2)
end })

return env
