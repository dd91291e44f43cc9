-- fashion_mnist.lua: the KFP toy reference as a ctp pipeline. Trains the reference CNN on
-- Fashion-MNIST (Debian's dataset-fashion-mnist), then evaluates it on the test split; the
-- evaluate step writes KFP metrics (accuracy, per-class P/R/F1) and a confusion matrix.
--   ctp check scripts/fashion_mnist.lua
--   ctp run scripts/fashion_mnist.lua
local ctp = require "ctp"

local params = ctp.params {
  data = ctp.string { default = "/usr/share/datasets/fashion-mnist", doc = "folder of the IDX .gz files" },
  epochs = ctp.int { default = 5, doc = "passes over the 60,000 training images" },
  model = ctp.string { default = "reference_cnn", doc = "preset or JSON list of layers" },
}

local train = ctp.steps.train {
  name = "train",
  data = params.data,
  split = "train",
  model = params.model,
  class_names = "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot",
  epochs = params.epochs,
  batch_size = 128,
  optimizer = "sgd",
  learning_rate = 0.05,
  momentum = 0.9,
  seed = 0,
}

local evaluate = ctp.steps.evaluate {
  name = "evaluate",
  checkpoint = train.outputs.checkpoint,
  data = params.data,
  split = "t10k",
}

return ctp.pipeline {
  name = "fashion-mnist",
  description = "Reference CNN on Fashion-MNIST: train, then evaluate with KFP metrics.",
  params = params,
  steps = { train, evaluate },
}
