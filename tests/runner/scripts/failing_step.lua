-- A loop whose iterations log a line each, and a step that logs twelve lines and fails: what
-- `ctp run` shows of a failure and what `ctp runs logs` prints.
local ctp = require "ctp"
local each = ctp.container { name = "each", image = "alpine:3.19", for_each = { "a", "b" }, command = { "sh", "-c" },
  args = { "echo item " .. ctp.item } }
local fail = ctp.container { name = "fail", image = "alpine:3.19", command = { "sh", "-c" },
  args = { "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line $i; done; echo oops >&2; exit 3" },
  after = { each } }
return ctp.pipeline { name = "failing-step", steps = { each, fail } }
