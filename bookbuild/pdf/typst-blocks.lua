-- typst.lua for sections without inline constructs that need it: blocks only, much faster.
BOOKBUILD_BLOCKS_ONLY = true
local here = debug.getinfo(1, 'S').source:sub(2):match('^(.*[/\\])') or './'
return dofile(here .. 'typst.lua')
