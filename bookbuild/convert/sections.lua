-- Converts many Markdown sections in one pandoc process.
-- Each section is read on its own, so footnote labels and ids stay scoped to their file.
-- stdin: JSON list of {text = "..."}; arg[1]: writer (html5 or typst).
-- stdout: JSON list of {output = "..."} or {error = "..."}.
local writer = arg[1] or 'html5'
local items = pandoc.json.decode(io.read('a'), false)
local wopts = pandoc.WriterOptions{
  html_math_method = {method = 'mathml'},
  wrap_text = 'wrap-none',
  reference_location = 'end-of-section',
  -- Highlighting colours mean little on e-ink and its ids clutter every code line.
  highlight_method = 'none',
}
local results = {}
for i, item in ipairs(items) do
  local ok, out = pcall(function()
    local doc = pandoc.read(item.text, 'markdown+smart')
    return pandoc.write(doc, writer, wopts)
  end)
  if ok then
    results[i] = {output = out}
  else
    results[i] = {error = tostring(out)}
  end
end
io.write(pandoc.json.encode(results))
