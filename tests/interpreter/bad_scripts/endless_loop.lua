local ctp = require "ctp"
local n = 0
while true do n = n + 1 end
