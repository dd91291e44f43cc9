-- Step 'work' appends `WORD PID` to its output 'lines' and to DIR/trace every 20 ms. The first
-- time it runs WORD is `old` and it never ends (the test kills the runner under it, leaving the
-- step running); after that WORD is `new` and it ends after three lines.
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local work = ctp.container { name = "work", image = "x", outputs = { "lines" }, command = {
  "sh", "-c", "if [ -e " .. p.dir .. "/once ]; then word=new; n=3; else word=old; n=-1; echo $$ > "
  .. p.dir .. "/old_pid; touch " .. p.dir .. "/once; fi; i=0; while [ $i -ne $n ]; do "
  .. "echo \"$word $$\" >> " .. ctp.output_path "lines" .. "; echo \"$word $$\" >> " .. p.dir
  .. "/trace; i=$((i+1)); sleep 0.02; done" } }
return ctp.pipeline { name = "leftover", params = p, steps = { work } }
