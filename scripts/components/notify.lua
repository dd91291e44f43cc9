-- components/notify.lua: a Slack-style notification step, for use as a pipeline's exit handler.
-- The webhook URL comes from a Kubernetes secret (or Vault through argocd-vault-plugin) and is
-- never written into the pipeline.
--   local notify = require "components.notify"
--   on_exit = notify { pipeline = "train", webhook = ctp.secret { name = "slack", key = "webhook" } }
local ctp = require "ctp"

return function(args)
  local message = "pipeline " .. args.pipeline .. " finished: " .. ctp.workflow.status
  return ctp.container {
    name = args.name or "notify",
    description = "Posts the pipeline's final status to a chat webhook (skipped when none is set).",
    image = args.image or "curlimages/curl:8.5.0",
    command = { "sh", "-c" },
    args = {
      'if [ -z "$WEBHOOK_URL" ]; then echo "no webhook configured: ' .. message .. '"; exit 0; fi; '
        .. 'curl -fsS -X POST -H "Content-Type: application/json" '
        .. "-d '{\"text\": \"" .. message .. "\"}' \"$WEBHOOK_URL\"",
    },
    env = { WEBHOOK_URL = args.webhook },
    retry = { limit = 2, backoff = "10s" },
  }
end
