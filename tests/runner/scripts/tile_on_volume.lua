-- The tile step on a volume (the kill tests): the slides the test links into /data/slide/train,
-- 512-pixel patches, every patch with tissue kept (no annotations needed).
local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "data" }
local tile = ctp.steps.tile {
  name = "tile",
  data = "/data",
  splits = "train",
  patch_size = 512,
  keep_unlabelled = true,
  format = "jpeg",
  mask_min_side = 256,
  threads = 2,
  device = "cpu",
  mounts = { data:mount("/data") },
}
return ctp.pipeline { name = "tile-on-volume", steps = { tile } }
