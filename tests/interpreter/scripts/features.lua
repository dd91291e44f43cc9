-- Every feature of the DSL once (tests/interpreter/features_test.cc checks the model).
local ctp = require "ctp"
local train_step = require "components.train_step"

local params = ctp.params {
  epochs = ctp.int { default = 5, doc = "training epochs" },
  lr = ctp.float { default = 0.05 },
  stage = ctp.string { default = "train" },
  debug = ctp.bool { default = false },
  shards = ctp.list { default = { "a", "b" } },
}

local first_line = io.lines("data.txt")()
local data = ctp.volume { name = "data", claim = "nfs-slides" }
local scratch = ctp.volume { name = "scratch", size = "50Gi", access_modes = { "ReadWriteMany" },
                             storage_class = "nfs-client" }
local creds = ctp.volume { name = "creds", secret = "gcs-credentials" }

local prepare = ctp.container {
  name = "prepare",
  image = "python:3.11",
  command = { "python", "prep.py" },
  args = { "--epochs=" .. params.epochs, "--note", first_line, "--out", ctp.output_path "dataset" },
  env = {
    TOKEN = ctp.secret { name = "hub", key = "token" },
    WEBHOOK = ctp.vault { path = "secret/data/slack", key = "url" },
    PLAIN = "yes",
  },
  working_dir = "/work",
  image_pull_policy = "IfNotPresent",
  outputs = { dataset = "artifact", count = "parameter" },
  mounts = { data:mount("/mnt/data", { read_only = true }), scratch:mount("/scratch"),
             creds:mount("/etc/creds") },
  node_selector = { ["cloud.google.com/gke-nodepool"] = "cpu" },
  tolerations = { { key = "dedicated", operator = "Equal", value = "ml", effect = "NoSchedule" } },
  retry = { limit = 3, backoff = "10s", factor = 2, max_duration = "5m", policy = "OnFailure" },
  timeout = "1h30m",
  cache = false,
}

local train = train_step { name = "train", data = prepare.outputs.dataset }

local shard = ctp.container {
  name = "shard",
  image = "alpine:3.19",
  args = { "process", ctp.item },
  for_each = { items = params.shards, parallelism = 2 },
  outputs = { size = "parameter" },
}

local per_letter = ctp.lua {
  name = "letters",
  for_each = { "x", "y" },
  inputs = { letter = ctp.item, sizes = shard.outputs.size },
  outputs = { "upper" },
  fn = function(inputs)
    return { upper = string.upper(inputs.letter) }
  end,
}

local gate = ctp.container {
  name = "gate",
  image = "alpine:3.19", command = { "true" },
  when = ctp.all { params.stage:eq("train"), ctp.negate(params.debug:eq(true)),
                   prepare.outputs.count:ge(10), params.stage:is_in { "train", "eval" } },
  after = { train, "letters" },
}

local say = ctp.steps.echo { name = "say", message = "done " .. params.stage, times = 2 }

local inner_params = ctp.params { who = ctp.string {} }
local inner_step = ctp.container { name = "hi", image = "alpine:3.19", args = { inner_params.who },
                                   outputs = { text = "parameter" } }
local inner = ctp.pipeline { name = "inner", params = inner_params, steps = { inner_step },
                             outputs = { text = inner_step.outputs.text } }
local sub = ctp.sub_pipeline { name = "sub", pipeline = inner, params = { who = params.stage } }

local notify = ctp.container { name = "notify", image = "curl:8", args = { "status: " .. ctp.workflow.status } }

return ctp.pipeline {
  name = "features",
  description = "all of it",
  params = params,
  labels = { team = "ml" },
  annotations = { owner = "ci" },
  service_account = "argo-runner",
  image = "debian:bookworm-slim",
  ctp_image = "registry.example/ctp:1.2",
  vault_path = "secret/data/ctp",
  steps = { prepare, train, shard, per_letter, gate, say, sub },
  on_exit = notify,
  schedule = { cron = { "0 2 * * *", "0 14 * * 1-5" }, timezone = "Europe/Berlin", concurrency = "Replace",
               keep_succeeded = 5, keep_failed = 2, starting_deadline = "5m" },
  timeout = "12h",
  parallelism = 8,
  retry = { limit = 1 },
}
