-- Converts many Markdown sections in one pandoc process.
-- Each section is read on its own, so footnote labels and ids stay scoped to their file.
-- stdin: JSON list of {text = "..."}; arg[1]: writer (html5 or typst).
-- stdout: JSON list of {output = "...", warnings = [{message, needle}]} or {error = "..."}.
-- arg[2], optional: a Lua file returning a list of filters applied to each section after
-- normalize.lua, which every section goes through first whatever the writer.
local writer = arg[1] or 'html5'
-- Citations off: a book has no bibliography here, and `@name` or `[@name]` in prose (an
-- address, a handle) would become a citation print cannot resolve.
local READER = 'markdown+smart-citations'
BOOKBUILD_WRITER = writer
local here = debug.getinfo(1, 'S').source:sub(2):match('^(.*[/\\])') or './'
local filters = dofile(here .. 'normalize.lua')
for _, f in ipairs(arg[2] and dofile(arg[2]) or {}) do table.insert(filters, f) end
local items = pandoc.json.decode(io.read('a'), false)
local wopts = pandoc.WriterOptions{
  html_math_method = {method = 'mathml'},
  wrap_text = 'wrap-none',
  -- Each file is its own document, so its notes go at its end. 'end-of-section' loses every
  -- note of a file whose last heading has no text after it (pandoc 3.9).
  reference_location = 'end-of-document',
  -- Code with a language is highlighted: classes the EPUB's CSS sets in weights and greys
  -- (html.py drops the per-line ids), a language print's theme colours (code.tmTheme).
  highlight_method = 'default',
}
local results = {}
for i, item in ipairs(items) do
  BOOKBUILD_WARNINGS = {}
  local ok, out = pcall(function()
    local doc = pandoc.read(item.text, READER)
    for _, f in ipairs(filters) do doc = doc:walk(f) end
    return pandoc.write(doc, writer, wopts)
  end)
  if ok then
    results[i] = {output = out,
                  warnings = #BOOKBUILD_WARNINGS > 0 and BOOKBUILD_WARNINGS or pandoc.json.null}
  else
    results[i] = {error = tostring(out)}
  end
end
io.write(pandoc.json.encode(results))
