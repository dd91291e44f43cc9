local ctp = require "ctp"
local train = ctp.load_component "kfp/train.yaml"
local model = train {
  name = "train",
  epochs = 3,
}
return ctp.pipeline { name = "p", steps = { model } }
