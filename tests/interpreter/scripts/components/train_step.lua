-- A component: a function that returns a configured step.
local ctp = require "ctp"
return function(args)
  return ctp.container {
    name = args.name,
    image = "trainer:1.0",
    args = { "--data", args.data, "--model", ctp.output_path "model" },
    outputs = { model = "artifact", metrics = { kind = "metrics", path = "/tmp/metrics.json" } },
    resources = { cpu = "4", memory = "16Gi", memory_limit = "20Gi", gpu = 2 },
  }
end
