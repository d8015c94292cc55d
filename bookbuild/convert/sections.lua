-- Converts many Markdown sections in one pandoc process.
-- Each section is read on its own, so footnote labels and ids stay scoped to their file.
-- stdin: JSON list of {text = "...", also = bool, blocks_only = bool}.
-- arg[1]: the writer (html5 or typst). arg[2], optional: a Lua file returning a list of
-- filters applied to each section after normalize.lua, which every section goes through
-- first whatever the writer. arg[3], optional: a second writer, for the items with `also`:
-- the section is read and normalized once and written twice, arg[2]'s filters going with the
-- second writer only (a print build checks each section as the EPUB does and typesets it).
-- `blocks_only` sets BOOKBUILD_BLOCKS_ONLY for that section (see pdf/typst.lua).
-- stdout: JSON list of {output = "...", also = "...", warnings = [{message, needle}],
-- elsewhere = {id = class}} or {error = "..."}: `elsewhere`, the ids of what the first
-- writer's edition leaves out (normalize.lua; print's go in typst.lua's facts).
local first_writer = arg[1] or 'html5'
local also_writer = arg[3] ~= '' and arg[3] or nil
-- Citations on, as cross-references: `@sec-x` and `[see @sec-x]` name a heading's page
-- (normalize.lua). A key that is no id of the book (a handle, `@name`) keeps its words.
local READER = 'markdown+smart'
local here = debug.getinfo(1, 'S').source:sub(2):match('^(.*[/\\])') or './'
local normalize = dofile(here .. 'normalize.lua')
local extra = arg[2] and arg[2] ~= '' and dofile(arg[2]) or {}
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
local function read(text, writer)
  BOOKBUILD_WRITER = writer  -- normalize.lua reads raw HTML for print differently
  local doc = pandoc.read(text, READER)
  for _, f in ipairs(normalize) do doc = doc:walk(f) end
  return doc
end

local function written(doc, writer, filters)
  for _, f in ipairs(filters) do doc = doc:walk(f) end
  return pandoc.write(doc, writer, wopts)
end

local function convert(item)
  local doc = read(item.text, first_writer)
  if not item.also then  -- with a second writer, the filters are its own
    return written(doc, first_writer, also_writer and {} or extra), nil, BOOKBUILD_WARNINGS,
           BOOKBUILD_ELSEWHERE
  end
  local first = written(doc, first_writer, {})
  local said = {table.unpack(BOOKBUILD_WARNINGS)}
  local away = BOOKBUILD_ELSEWHERE
  -- Only raw HTML is normalized per writer, and only raw HTML opens with <; each edition
  -- keeps its own text, marked with a class that ends in -only.
  if not BOOKBUILD_SOURCE or BOOKBUILD_SOURCE:find('<') or BOOKBUILD_SOURCE:find('%-only') then
    BOOKBUILD_WARNINGS = {}
    BOOKBUILD_ELSEWHERE = {}
    doc = read(item.text, also_writer)
  end
  BOOKBUILD_WRITER = also_writer
  return first, written(doc, also_writer, extra), said, away
end

local results = {}
for i, item in ipairs(items) do
  BOOKBUILD_WARNINGS = {}
  BOOKBUILD_ELSEWHERE = {}
  -- The filters skip the walks this text gives no work (BOOKBUILD_ALL_WALKS: for the test
  -- that skipping them changes nothing).
  BOOKBUILD_SOURCE = not os.getenv('BOOKBUILD_ALL_WALKS') and item.text or nil
  if item.blocks_only ~= nil then BOOKBUILD_BLOCKS_ONLY = item.blocks_only end
  local ok, out, also, said, away = pcall(convert, item)
  if ok then
    results[i] = {output = out, also = also or pandoc.json.null,
                  warnings = #said > 0 and said or pandoc.json.null,
                  elsewhere = next(away) and away or pandoc.json.null}
  else
    results[i] = {error = tostring(out)}
  end
end
io.write(pandoc.json.encode(results))
