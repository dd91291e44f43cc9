-- Step 'talk' logs "start", waits (at most 30 s) until DIR/go exists, then logs "end": a run whose
-- log a test follows while it runs.
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string { default = "/tmp" } }
local talk = ctp.container { name = "talk", image = "alpine:3.19", command = { "sh", "-c", "echo start; i=0; while [ ! -e "
  .. p.dir .. "/go ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done; echo end" } }
return ctp.pipeline { name = "log-until-go", params = p, steps = { talk } }
