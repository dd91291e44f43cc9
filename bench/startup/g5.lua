local ctp = require 'ctp'
local params = ctp.params { size = ctp.int { default = 3 }, mode = ctp.string { default = 'fast' } }
local s = {}
s[1] = ctp.container { name = 'step-1', image = 'alpine:3.19', command = { 'sh', '-c' }, args = { 'echo', params.size, ctp.output_path 'out' }, outputs = { out = 'parameter' } }
s[2] = ctp.container { name = 'step-2', image = 'alpine:3.19', command = { 'sh', '-c' }, args = { 'echo', s[1].outputs.out, s[1].outputs.out, ctp.output_path 'out' }, outputs = { out = 'parameter' } }
s[3] = ctp.container { name = 'step-3', image = 'alpine:3.19', command = { 'sh', '-c' }, args = { 'echo', s[2].outputs.out, s[1].outputs.out, ctp.output_path 'out' }, outputs = { out = 'parameter' } }
s[4] = ctp.container { name = 'step-4', image = 'alpine:3.19', command = { 'sh', '-c' }, args = { 'echo', s[3].outputs.out, s[2].outputs.out, ctp.output_path 'out' }, outputs = { out = 'parameter' } }
s[5] = ctp.container { name = 'step-5', image = 'alpine:3.19', command = { 'sh', '-c' }, args = { 'echo', s[4].outputs.out, s[2].outputs.out, ctp.output_path 'out' }, outputs = { out = 'parameter' } }
return ctp.pipeline { name = 'generated', params = params, steps = s }
