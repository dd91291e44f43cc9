local ctp = require "ctp"
local s = ctp.container {
  name = "train",
  imgae = "python:3.11",
  command = { "python", "train.py" },
}
return ctp.pipeline { name = "p", steps = { s } }
