-- Step 'first' counts its runs; step 'second' records its pid and, the first time only, hangs
-- so that the test can kill the runner while it runs.
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local first = ctp.container { name = "first", image = "x", command = { "sh", "-c",
  "echo run >> " .. p.dir .. "/first_runs; echo 1 > " .. ctp.output_path "n" }, outputs = { "n" } }
local second = ctp.container { name = "second", image = "x", command = { "sh", "-c",
  "echo $$ > " .. p.dir .. "/second_pid; if [ -e " .. p.dir .. "/once ]; then echo "
  .. first.outputs.n .. " > " .. ctp.output_path "m"
  .. "; else touch " .. p.dir .. "/once; exec sleep 60; fi" }, outputs = { "m" } }
return ctp.pipeline { name = "interrupted", params = p, steps = { first, second } }
