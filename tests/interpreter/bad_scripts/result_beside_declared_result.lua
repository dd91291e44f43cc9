local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", command = { "sh", "-c", "echo 1 > /tmp/r" },
  outputs = { result = { kind = "parameter", path = "/tmp/r" } } }
local b = ctp.container { name = "b", image = "alpine", command = { "echo", a.result } }
return ctp.pipeline { name = "p", steps = { a, b } }
