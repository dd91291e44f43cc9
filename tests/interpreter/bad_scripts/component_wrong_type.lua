local ctp = require "ctp"
local train = ctp.load_component "kfp/train.yaml"
local data = ctp.container { name = "data", image = "alpine", outputs = { csv = "artifact" } }
local model = train {
  training_data = data.outputs.csv,
  epochs = "ten",
}
return ctp.pipeline { name = "p", steps = { data, model } }
