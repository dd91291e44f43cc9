-- components/notify.lua: a Slack-style notification step, for use as a pipeline's exit handler.
-- The webhook URL comes from a Kubernetes secret (or Vault through argocd-vault-plugin) and is
-- never written into the pipeline. With `summary_file` (a path on a volume in `mounts`, written by
-- a step of the run), the message adds that file's text, or says the run stopped before writing it.
-- The message is printed (the step's log) whether or not a webhook is configured.
--   local notify = require "components.notify"
--   on_exit = notify { pipeline = "train", webhook = ctp.secret { name = "slack", key = "webhook" } }
local ctp = require "ctp"

return function(args)
  local message = "pipeline " .. args.pipeline .. " finished: " .. ctp.workflow.status
  local script = "msg='" .. message .. "'; "
  local script_args = {}
  if args.summary_file then
    script = script .. 'if [ -f "$1" ]; then msg="$msg, $(cat "$1")"; '
      .. 'else msg="$msg, no summary (the run stopped before writing it)"; fi; '
    script_args = { "notify", args.summary_file }
  end
  script = script .. 'if [ -z "$WEBHOOK_URL" ]; then echo "no webhook configured: $msg"; exit 0; fi; '
    .. 'echo "$msg"; curl -fsS -X POST -H "Content-Type: application/json" '
    .. "-d \"{\\\"text\\\": \\\"$msg\\\"}\" \"$WEBHOOK_URL\""
  table.insert(script_args, 1, script)
  return ctp.container {
    name = args.name or "notify",
    description = "Posts the pipeline's final status to a chat webhook (skipped when none is set).",
    image = args.image or "curlimages/curl:8.5.0",
    command = { "sh", "-c" },
    args = script_args,
    env = { WEBHOOK_URL = args.webhook },
    mounts = args.mounts,
    retry = { limit = 2, backoff = "10s" },
  }
end
