-- ctp_check: locations and field validation for the DSL. Every declaration is a plain table checked
-- against a schema; a bad field is an error at the user's line, with "did you mean" for typos.
-- Internal module of the DSL.
local native = ...  -- ctp._native, passed by the loader

local M = {}

local Diagnostic = { __name = "ctp diagnostic" }
Diagnostic.__tostring = function(d)
  return string.format("%s:%d: %s", d.file, d.line, d.message)
end

--- The file:line of the user code that called into the DSL (the first frame outside it).
--- `hint` (e.g. "ctp.pipeline") finds the line when the user's frame is gone because of a tail
--- call (`return ctp.pipeline { ... }`): the last line of the script that mentions it.
function M.caller(hint)
  local file, line = native.caller()
  if not file then file, line = native.main_chunk_line(hint or "") end
  return { file = file, line = line }
end

--- Raises a diagnostic at `where` (from M.caller()), with the caret under `highlight`.
function M.fail(where, highlight, fmt, ...)
  error(setmetatable({ ctp_diagnostic = true, file = where.file, line = where.line,
                       message = string.format(fmt, ...), highlight = highlight }, Diagnostic), 0)
end

--- The first text on the line of `where` that matches Lua pattern `pattern` (its first capture
--- when it has one), or nil: what to put the caret under when only the shape of the text is known
--- (`a.outputs.x`, where the script's name for the step is not).
function M.on_line(where, pattern)
  local line = native.source_line(where.file, where.line)
  return line and line:match(pattern)
end

--- `text` as a Lua pattern that matches it literally.
function M.escape_pattern(text)
  return (text:gsub("%p", "%%%0"))
end

--- " (did you mean 'x'?)" or "".
function M.did_you_mean(name, candidates)
  return native.did_you_mean(name, candidates)
end

--- How a value reads in a message: "a string", "a number", "a step", ...
function M.describe(value)
  local meta = getmetatable(value)
  if type(meta) == "table" and meta.__name and meta.__name:sub(1, 4) == "ctp " then
    return "a " .. meta.__name:sub(5)
  end
  local t = math.type(value) or type(value)
  local article = (t == "integer" or t == "nil") and "an " or "a "
  if t == "nil" then return "nil" end
  return article .. t
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end
M.sorted_keys = sorted_keys

--- Checks `fields` (a table given by the user) against `schema` (field name → checker) and returns
--- the checked values. A checker is function(value, where, path) → value, or raises.
--- `required` lists fields that must be present.
function M.fields(what, where, fields, schema, required)
  if type(fields) ~= "table" or getmetatable(fields) ~= nil then
    M.fail(where, nil, "%s expects a table of fields, got %s", what, M.describe(fields))
  end
  local out = {}
  for _, key in ipairs(sorted_keys(fields)) do
    if type(key) ~= "string" then
      M.fail(where, nil, "%s: every field needs a name (found a positional value %s)", what,
             M.describe(fields[key]))
    end
    local checker = schema[key]
    if not checker then
      M.fail(where, key, "%s: unknown field '%s'%s", what, key,
             M.did_you_mean(key, sorted_keys(schema)))
    end
    out[key] = checker(fields[key], where, key)
  end
  for _, key in ipairs(required or {}) do
    if fields[key] == nil then M.fail(where, nil, "%s: missing required field '%s'", what, key) end
  end
  return out
end

-- Checkers -----------------------------------------------------------------------------------

local function expect(ok, where, path, wanted, value)
  if not ok then M.fail(where, path:match("^[%w_]+"), "field '%s' must be %s, got %s", path, wanted, M.describe(value)) end
end

--- Why text cannot go into a pipeline (YAML, a command line, a file name), or nil: a NUL byte
--- would cut it short there, and bytes that are not UTF-8 are not YAML.
function M.text_problem(text)
  local nul = text:find("\0", 1, true)
  if nul then return string.format("contains a NUL byte (at byte %d)", nul) end
  local _, bad = utf8.len(text)
  if bad then return string.format("is not valid UTF-8 (at byte %d)", bad) end
  return nil
end

--- Fails at `where` when `text` (the value of `path`) has a M.text_problem.
function M.check_text(text, where, path)
  local problem = M.text_problem(text)
  if problem then M.fail(where, path and path:match("^[%w_]+"), "%s %s", path and ("field '" .. path .. "'") or "a string", problem) end
  return text
end

function M.string(v, where, path)
  expect(type(v) == "string", where, path, "a string", v)
  return M.check_text(v, where, path)
end

function M.nonempty_string(v, where, path)
  expect(type(v) == "string" and v ~= "", where, path, "a non-empty string", v)
  return M.check_text(v, where, path)
end

function M.integer(v, where, path)
  expect(math.type(v) == "integer", where, path, "an integer", v)
  return v
end

function M.non_negative(v, where, path)
  expect(math.type(v) == "integer" and v >= 0, where, path, "a non-negative integer", v)
  return v
end

function M.number(v, where, path)
  expect(type(v) == "number", where, path, "a number", v)
  return v
end

function M.boolean(v, where, path)
  expect(type(v) == "boolean", where, path, "true or false", v)
  return v
end

--- A checker accepting one of `choices` (strings).
function M.enum(choices)
  return function(v, where, path)
    for _, c in ipairs(choices) do if v == c then return v end end
    local hint = type(v) == "string" and M.did_you_mean(v, choices) or ""
    M.fail(where, path:match("^[%w_]+"), "field '%s' must be one of %s, got %s%s", path,
           table.concat(choices, ", "), type(v) == "string" and ("'" .. v .. "'") or M.describe(v), hint)
  end
end

--- A checker for a list whose items pass `item`.
function M.list(item)
  return function(v, where, path)
    expect(type(v) == "table" and getmetatable(v) == nil, where, path, "a list", v)
    local out = {}
    for k in pairs(v) do
      if math.type(k) ~= "integer" or k < 1 or k > #v then
        M.fail(where, path, "field '%s' must be a list (found key %s)", path, tostring(k))
      end
    end
    for i, x in ipairs(v) do out[i] = item(x, where, path .. "[" .. i .. "]") end
    return out
  end
end

--- A checker for a table with string keys whose values pass `item`.
function M.map(item)
  return function(v, where, path)
    expect(type(v) == "table" and getmetatable(v) == nil, where, path, "a table of name = value", v)
    local out = {}
    for _, k in ipairs(sorted_keys(v)) do
      if type(k) ~= "string" then
        M.fail(where, path, "field '%s' must map names to values (found key %s)", path, tostring(k))
      end
      out[k] = item(v[k], where, path .. "." .. k)
    end
    return out
  end
end

--- A checker for a nested table of fields.
function M.record(schema, required)
  return function(v, where, path)
    expect(type(v) == "table" and getmetatable(v) == nil, where, path, "a table of fields", v)
    local out = {}
    for _, key in ipairs(sorted_keys(v)) do
      local checker = schema[key]
      if type(key) ~= "string" or not checker then
        M.fail(where, tostring(key), "field '%s' has no field '%s'%s", path, tostring(key),
               type(key) == "string" and M.did_you_mean(key, sorted_keys(schema)) or "")
      end
      out[key] = checker(v[key], where, path .. "." .. key)
    end
    for _, key in ipairs(required or {}) do
      if v[key] == nil then M.fail(where, path, "field '%s' needs '%s'", path, key) end
    end
    return out
  end
end

-- Nanoseconds per unit of Go's time.ParseDuration, which Argo uses, and "d" (days), which ctp reads
-- too (it writes durations in seconds).
local duration_units = { ns = 1, us = 1000, ["\u{b5}s"] = 1000, ["\u{3bc}s"] = 1000, ms = 1000000,
                         s = 1000000000, m = 60000000000, h = 3600000000000, d = 86400000000000 }

-- The nanoseconds `v` stands for, read as Argo reads a duration (a bare number is seconds, else Go
-- duration text: "90s", "1m30s", "1.5h", "500ms"), or nil. Fractions finer than a nanosecond are
-- cut off, as Go does.
local function nanoseconds(v)
  if math.type(v) == "integer" then
    return v <= math.maxinteger // duration_units.s and v * duration_units.s or nil
  end
  if type(v) ~= "string" or v == "" then return nil end
  if v:match("^%d+$") then return nanoseconds(math.tointeger(tonumber(v))) end
  local total, rest = 0, v
  while rest ~= "" do
    local whole, fraction, unit, tail = rest:match("^(%d*)%.?(%d*)([^%d%.]+)(.*)$")
    local scale = unit and duration_units[unit]
    if not scale or whole .. fraction == "" then return nil end
    local amount = whole == "" and 0 or math.tointeger(tonumber(whole))
    if not amount or amount > (math.maxinteger - total) // scale then return nil end
    total = total + amount * scale
    for digit in fraction:gmatch("%d") do
      scale = scale // 10
      total = total + tonumber(digit) * scale
    end
    rest = tail
  end
  return total
end

local function shown(v) return type(v) == "string" and ("'" .. v .. "'") or M.describe(v) end

-- A checker of durations in whole `unit`s (a key of duration_units), returned in that unit.
local function duration_in(unit, unit_name, examples)
  return function(v, where, path)
    local ns = nanoseconds(v)
    if ns and ns > 0 and ns % duration_units[unit] == 0 then return ns // duration_units[unit] end
    if ns and ns > 0 then
      M.fail(where, path:match("^[%w_]+"), "field '%s' must be whole %s, got %s", path, unit_name, shown(v))
    end
    M.fail(where, path:match("^[%w_]+"), "field '%s' must be a duration (seconds, or text like %s), got %s",
           path, examples, shown(v))
  end
end

--- A duration in whole seconds, returned as seconds: a positive number of seconds (a number, or
--- text of digits) or text like "90s", "5m", "1h30m", "1.5h", "2d".
M.duration = duration_in("s", "seconds", '"90s", "5m", "1h30m"')

--- A duration to the millisecond, returned as milliseconds: what M.duration takes, and the finer
--- Go durations Argo reads in a retry backoff ("1.5s", "500ms").
M.duration_ms = duration_in("ms", "milliseconds", '"90s", "1m30s", "500ms"')

--- A Kubernetes quantity ("500m", "4Gi", 2): returned as a string.
function M.quantity(v, where, path)
  if type(v) == "number" and v > 0 then
    return math.type(v) == "integer" and string.format("%d", v) or tostring(v)
  end
  if type(v) == "string" and v:match("^%d+%.?%d*[EPTGMK]?i?$") or
     type(v) == "string" and v:match("^%d+%.?%d*m$") then
    return v
  end
  M.fail(where, path:match("^[%w_]+"), "field '%s' must be a Kubernetes quantity like \"500m\", \"2\" or \"4Gi\", got %s",
         path, type(v) == "string" and ("'" .. v .. "'") or M.describe(v))
end

return M
