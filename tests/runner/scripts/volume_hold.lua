-- Step 'hold' writes its pid to DIR/hold_pid, waits (at most 30 s) until DIR/go exists and
-- appends a line to the volume 'nfs-data': a run that holds its volume until the test lets go.
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local data = ctp.volume { name = "data", claim = "nfs-data" }
local hold = ctp.container { name = "hold", image = "x", mounts = { data:mount("/data") },
  command = { "sh", "-c", "echo $$ > " .. p.dir .. "/hold_pid; i=0; while [ ! -e " .. p.dir
  .. "/go ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done; echo held >> /data/log" } }
return ctp.pipeline { name = "volume-hold", params = p, steps = { hold } }
