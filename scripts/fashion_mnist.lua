-- fashion_mnist.lua: the KFP toy reference as a ctp pipeline. Creates a ReadWriteMany volume,
-- trains the reference CNN on Fashion-MNIST (Debian's dataset-fashion-mnist) with its checkpoints
-- on that volume, then tests it on the t10k split; the evaluate step writes KFP metrics
-- (mlpipeline-metrics with `accuracy`, shown by `ctp runs show` and the KFP UI) and a confusion matrix.
--   ctp run scripts/fashion_mnist.lua                                   # 60,000 images, 5 epochs
--   ctp run scripts/fashion_mnist.lua -p epochs=1 -p limit=2000 -p model=small_cnn   # seconds
--   ctp emit scripts/fashion_mnist.lua > fashion_mnist.yaml
local ctp = require "ctp"

local params = ctp.params {
  data = ctp.string { default = "/usr/share/datasets/fashion-mnist", doc = "folder of the IDX .gz files" },
  epochs = ctp.int { default = 5, doc = "passes over the training images" },
  limit = ctp.int { default = 0, doc = "use only the first N images of each split (0 = all)" },
  model = ctp.string { default = "reference_cnn", doc = "preset or JSON list of layers" },
}

-- The volume KFP's VolumeOp creates: shared by both steps, it keeps every checkpoint.
local models = ctp.volume { name = "fashion-models", size = "1Gi", access_modes = { "ReadWriteMany" } }

local train = ctp.steps.train {
  name = "train",
  data = params.data,
  split = "train",
  limit = params.limit,
  model = params.model,
  class_names = "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot",
  epochs = params.epochs,
  batch_size = 128,
  optimizer = "sgd",
  learning_rate = 0.05,
  momentum = 0.9,
  seed = 0,
  checkpoint_root = "/models/checkpoints",
  mounts = { models:mount("/models") },
}

local evaluate = ctp.steps.evaluate {
  name = "evaluate",
  checkpoint = train.outputs.checkpoint,
  data = params.data,
  split = "t10k",
  limit = params.limit,
  mounts = { models:mount("/models", { read_only = true }) },
}

return ctp.pipeline {
  name = "fashion-mnist",
  description = "Reference CNN on Fashion-MNIST: a shared volume, train, then test with KFP metrics.",
  params = params,
  steps = { train, evaluate },
}
