-- components/metrics_summary.lua: a Lua function step that turns a KFP metrics JSON text
-- ({"metrics": [{"name": ..., "numberValue": ...}]}) into one summary line.
--   local summary = require "components.metrics_summary"
--   summary { name = "summary", metrics = evaluate.outputs.metrics_json }
local ctp = require "ctp"

return function(args)
  return ctp.lua {
    name = args.name or "metrics-summary",
    description = "Summarises metrics as 'name=value, ...'.",
    inputs = { metrics = args.metrics },
    outputs = { "summary" },
    fn = function(inputs)
      local parts = {}
      for name, value in string.gmatch(inputs.metrics, '"name"%s*:%s*"([^"]+)"%s*,%s*"numberValue"%s*:%s*([-%d.eE+]+)') do
        parts[#parts + 1] = name .. "=" .. value
      end
      return { summary = table.concat(parts, ", ") }
    end,
  }
end
