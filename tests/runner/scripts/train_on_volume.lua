-- A tiny training on a volume (the kill tests): 32 8x8 images in /work/data (IDX, written by the
-- test), two epochs on the CPU with a fixed seed, the checkpoint under /work/model; evaluate reads it.
local ctp = require "ctp"
local work = ctp.volume { name = "work", claim = "work" }
local train = ctp.steps.train {
  name = "train",
  data = "/work/data",
  model = '[{"type":"conv","out":4,"kernel":3,"padding":1},{"type":"relu"},'
    .. '{"type":"maxpool"},{"type":"linear","out":2}]',
  class_names = "left,right",
  epochs = 2,
  batch_size = 8,
  optimizer = "adam",
  learning_rate = 0.02,
  seed = 7,
  device = "cpu",
  checkpoint_root = "/work/model",
  mounts = { work:mount("/work") },
}
local evaluate = ctp.steps.evaluate {
  name = "evaluate",
  checkpoint = train.outputs.checkpoint,
  data = "/work/data",
  split = "train",
  device = "cpu",
  mounts = { work:mount("/work", { read_only = true }) },
}
return ctp.pipeline { name = "train-on-volume", steps = { train, evaluate } }
