-- kfp_components.lua: KFP components used as ctp steps, in the layout of a KFP project template:
-- one folder per component under components/, each with its component.yaml (v1 specs, and a v2
-- IR YAML as kfp.compiler writes it), beside the Lua components that hello.lua requires.
--   ctp check scripts/kfp_components.lua
--   ctp emit scripts/kfp_components.lua --format kfp > kfp_components.yaml
local ctp = require "ctp"
local notify = require "components.notify"

-- Paths are relative to this script, as for require.
local download = ctp.load_component "components/download/component.yaml"
local csv_summary = ctp.load_component "components/csv_summary/component.yaml"
local publish_report = ctp.load_component "components/publish_report/component.yaml"

local params = ctp.params {
  url = ctp.string { default = "https://raw.githubusercontent.com/mwaskom/seaborn-data/master/iris.csv",
                     doc = "the CSV table to summarise" },
  delimiter = ctp.string { default = ",", doc = "its field delimiter" },
}

-- Inputs by their Lua names ("Curl options" is curl_options); step fields go alongside.
local fetch = download { name = "fetch", url = params.url, retry = { limit = 3, backoff = "30s" } }
local summary = csv_summary { table = fetch.outputs.data, delimiter = params.delimiter, max_rows = 10000 }

-- A Lua step reads a component's parameter output like any other.
local check_rows = ctp.lua {
  name = "check-rows",
  inputs = { rows = summary.outputs.rows },
  outputs = { "verdict" },
  fn = function(inputs)
    local rows = tonumber(inputs.rows)
    return { verdict = rows > 0 and ("ok: " .. rows .. " rows") or "empty table" }
  end,
}

local report = publish_report {
  summary = summary.outputs.summary,
  rows = summary.outputs.rows,
  notes = check_rows.outputs.verdict,
}

return ctp.pipeline {
  name = "kfp-components",
  description = "Downloads a CSV table, summarises it and publishes a report, with KFP components.",
  params = params,
  steps = { fetch, summary, check_rows, report },
  on_exit = notify { pipeline = "kfp-components", webhook = ctp.secret { name = "slack", key = "webhook" } },
}
