local ctp = require "ctp"
local inner_params = ctp.params { lr = ctp.float {} }
local t = ctp.container { name = "train", image = "alpine", args = { inner_params.lr } }
local inner = ctp.pipeline { name = "training", params = inner_params, steps = { t } }
local s = ctp.sub_pipeline { name = "train-twice", pipeline = inner }
return ctp.pipeline { name = "p", steps = { s } }
