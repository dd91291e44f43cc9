local ctp = require "ctp"
local a = ctp.lua { name = "a", fn = function()
  -- café
  return {}
end }
return ctp.pipeline { name = "p", steps = { a } }
