local ctp = require "ctp"
return ctp.pipeline {
  name = "nightly",
  steps = {},
  schedule = { cron = "0 2 * * *", concurrency = "forbid" },
}
