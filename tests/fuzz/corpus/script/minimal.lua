local ctp = require "ctp"
return ctp.pipeline { name = "p", steps = { ctp.container { name = "a", image = "alpine:3.19", command = { "true" } } } }
