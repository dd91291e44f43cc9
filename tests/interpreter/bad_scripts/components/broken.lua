local M = {}
function M.notify(
  return 1
end
return M
