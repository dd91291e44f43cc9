-- A looping step whose condition reads the loop item: decided per item, as Argo decides the
-- `when` of each task its loop expands to and KFP the condition inside its loop.
local ctp = require "ctp"
local each = ctp.lua { name = "each", for_each = { 1, 5, 10 }, inputs = { v = ctp.item },
  outputs = { "v" }, fn = function(i) return { v = i.v } end, when = ctp.item:ge(5) }
local none = ctp.lua { name = "none", for_each = { 1, 2 }, fn = function() return {} end,
  when = ctp.item:gt(2) }
local after = ctp.lua { name = "after", inputs = { seen = each.outputs.v }, outputs = { "seen" },
  fn = function(i) return { seen = i.seen } end }
return ctp.pipeline { name = "item-condition", steps = { each, none, after } }
