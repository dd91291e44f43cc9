local ctp = require "ctp"
return ctp.pipeline {
  name = "p",
  steps = {},
  service_acount = "argo",
}
