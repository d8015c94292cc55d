-- Pandoc filter for the print PDF, run on each section before pandoc's Typst writer.
--
-- Pandoc's Typst writer drops what a printed book needs (alt text, language spans, image
-- placement), so those elements become calls to functions of our template (book.typ).
-- Ids get a placeholder prefix that Python replaces with a per-section prefix, since ids of
-- different sections may clash; Python finds and points the links itself, in the output.
-- The last block is a comment holding JSON facts about the section for Python:
--   // bookbuild: {"ids": [...], "images": [...], "title": "...", ...}
--
-- Walking every inline element costs as much as pandoc's Markdown reader does: sections
-- whose Markdown has no inline construct that needs us (Python decides) get typst-blocks.lua,
-- which sets BOOKBUILD_BLOCKS_ONLY and walks blocks only.

local ID = 'bookbuild-id--'
local OPENING_BLOCKS = 4  -- a chapter's first blocks: their figures do not float

local function typst_string(s)
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n'):gsub('\r', '')
  return '"' .. s .. '"'
end

local function typst_markup(inlines)
  local out = pandoc.write(pandoc.Pandoc({pandoc.Plain(inlines)}), 'typst')
  return (out:gsub('%s+$', ''))
end

-- A chapter title as the contents page sets it, in another Typst job: without its notes,
-- links and ids, which belong to the heading in the text.
local function contents_markup(inlines)
  local copy = pandoc.Inlines(inlines):walk({
    Note = function() return {} end,
    Link = function(link) return link.content end,
    Span = function(span) span.identifier = ''; return span end,
    Code = function(code) code.identifier = ''; return code end,
    -- A marker's label (an index mark's) is the heading's in the text, not the contents'.
    RawInline = function(raw)
      if raw.format == 'typst' and raw.text:match('^#metadata%(none%)<') then return {} end
    end,
  })
  return typst_markup(copy)
end

-- After an element that pandoc writes as a function call (#emph[…], #link(…)[…]), a period
-- and a letter would read as a field access, a parenthesis or bracket as more arguments:
-- `*Pittosporum*.Ein` must stay text.
local CALLS = {Emph = true, Strong = true, Underline = true, Strikeout = true,
               SmallCaps = true, Superscript = true, Subscript = true, Link = true,
               Span = true, Image = true, Math = true, Note = true, Cite = true, Code = true,
               Quoted = true, RawInline = true}

local function escape_after_calls(inlines)
  local changed = false
  for i = #inlines, 2, -1 do
    local el, before = inlines[i], inlines[i - 1]
    if el.t == 'Str' and CALLS[before.t] then
      local first, rest = el.text:match('^([%.%(%[])(.*)$')
      if first and (first ~= '.' or rest:match('^[%w_]') or utf8.codepoint(rest .. ' ') > 127) then
        inlines[i] = pandoc.Str(rest)
        inlines:insert(i, pandoc.RawInline('typst', '\\' .. first))
        changed = true
      end
    end
  end
  if changed then return inlines end
end

-- Whether any Str can follow a call with a period and a letter, a parenthesis or a bracket:
-- looked for in the Markdown (BOOKBUILD_SOURCE, from sections.lua), where each call ends in
-- one of the closers, so that the walk over every list of inlines (two thirds of this
-- filter's time) is skipped for the many sections that cannot need it. A link's own
-- `[text](url)` is one closer, as pandoc reads it.
local CLOSER = '[%*_`%]%)}%$%^~"\'>]\\?'
local function calls_may_run_on()
  if BOOKBUILD_SOURCE == nil then return true end
  local text = BOOKBUILD_SOURCE:gsub('%b[]%b()', ']')
  return text:find(CLOSER .. '[%(%[&]') ~= nil
      or text:find(CLOSER .. '%.[%w_\128-\255]') ~= nil
end

local CALLOUTS = {'note', 'tip', 'warning', 'caution', 'important', 'sidebar'}
local LEAD_WORDS = 4  -- how many words of a chapter's first paragraph its opening treats

-- A section's first paragraph as bb-first (book.typ): its first words, the rest, and its
-- whole text when it is words alone (a drop cap is set from that). Which treatment it gets,
-- small capitals, a drop cap or none, is the design's; the Typst here is the same for all.
local function first_paragraph(para)
  local inl = para.content
  local plain = true
  for _, x in ipairs(inl) do
    if x.t ~= 'Str' and x.t ~= 'Space' and x.t ~= 'SoftBreak' then plain = false; break end
  end
  local lead, words, i = {}, 0, 1
  while i <= #inl and (inl[i].t == 'Str' or inl[i].t == 'Space' or inl[i].t == 'SoftBreak') do
    if inl[i].t ~= 'Str' then
      words = words + 1
      if words >= LEAD_WORDS then break end
    end
    lead[#lead + 1] = inl[i].t == 'Str' and inl[i].text or ' '
    i = i + 1
  end
  if #lead == 0 then return para end
  local whole = plain and typst_string(pandoc.utils.stringify(para):gsub('%s+', ' ')) or 'none'
  local out = {pandoc.RawInline('typst', '#bb-first(' .. typst_string(table.concat(lead))
                                .. ', plain: ' .. whole .. ')[')}
  for j = i, #inl do out[#out + 1] = inl[j] end
  out[#out + 1] = pandoc.RawInline('typst', ']')
  return pandoc.Para(out)
end

local function has_class(el, name)
  for _, c in ipairs(el.classes or {}) do
    if c == name then return true end
  end
  return false
end

-- A quotation's last paragraph that opens with a dash names its source ("— Lenin, 1917"):
-- set right, as the EPUB's p.attribution is (convert/html.py finds it the same way).
local function attribution(q)
  local paras = 0
  for _, b in ipairs(q.content) do
    if b.t == 'Para' then paras = paras + 1 end
  end
  local last = q.content[#q.content]
  if paras < 2 or last.t ~= 'Para' then return q end
  local text = pandoc.utils.stringify(last)
  if not (text:match('^%s*\u{2014}') or text:match('^%s*\u{2015}')
          or text:match('^%s*\u{2013}') or text:match('^%s*%-%-')) then
    return q
  end
  -- A block as wide as the quotation: an auto-width one shrinks to its line and centres.
  q.content[#q.content] = pandoc.RawBlock('typst', '#block(width: 100%, align(end)[')
  q.content:insert(last)
  q.content:insert(pandoc.RawBlock('typst', '])'))
  return q
end

return {{
  Pandoc = function(doc)
    local facts = {ids = {}, images = {}, title = nil, opens_with_heading = false, index = {}}

    local function image_call(img, figure, caption)
      local index = #facts.images
      local alt = img.attributes['fig-alt'] or pandoc.utils.stringify(img.caption)
      local decorative = has_class(img, 'decorative')
      table.insert(facts.images, {
        src = img.src, alt = alt, figure = figure, decorative = decorative,
        width = img.attributes['width'], bleed = has_class(img, 'full-bleed'),
      })
      local args = typst_string('bookbuild-img:' .. index) .. ', alt: ' .. typst_string(alt)
      if figure then
        -- A picture without a caption stays by the text around it.
        local float = (img.attributes['bb-opening'] or caption == '') and 'false' or 'true'
        local cap = caption ~= '' and '[' .. caption .. ']' or 'none'
        return '#bb-figure(' .. args .. ', caption: ' .. cap .. ', float: ' .. float .. ')'
      end
      return '#bb-image(' .. args .. ')'
    end

    local function keep_id(el)
      local id = el.identifier
      if id and id ~= '' and id:sub(1, #ID) ~= ID then
        table.insert(facts.ids, el.identifier)
        el.identifier = ID .. el.identifier
        return el
      end
    end

    local function lang_open(attrs)
      local lang = attrs['lang'] or ''
      local dir = attrs['dir'] or ''
      return typst_string(lang) .. ', dir: ' .. typst_string(dir)
    end

    -- An index mark (normalize.lua gave it its id): the index points at its page.
    local function index_mark(span)
      return span.classes:includes('index') or span.attributes['index'] ~= nil
          or span.attributes['see-also'] ~= nil or span.attributes['index-sort'] ~= nil
    end

    -- What the index needs of a mark, as convert/index.py reads the EPUB's spans.
    local function note_mark(span)
      local mark = {id = span.identifier, words = pandoc.utils.stringify(span.content)}
      for _, name in ipairs({'index', 'see', 'see-also', 'index-sort'}) do
        mark[name] = span.attributes[name]
      end
      table.insert(facts.index, mark)
    end

    -- A span in another language, set in our bb-lang; any other span as it is.
    local function lang_span(span)
      if not span.attributes['lang'] then return span end
      local out = {pandoc.RawInline('typst', '#bb-lang(' .. lang_open(span.attributes) .. ')[')}
      for _, i in ipairs(span.content) do table.insert(out, i) end
      table.insert(out, pandoc.RawInline('typst', ']'))
      if span.identifier ~= '' then
        return {pandoc.Span(out, pandoc.Attr(span.identifier))}
      end
      return out
    end

    -- A label on nothing visible, for what pandoc's Typst writer would leave unlabelled.
    local function marker(id)
      return pandoc.RawInline('typst', '#metadata(none)<' .. id .. '>')
    end

    -- Top-down, so a figure is seen before the image inside it.
    local filter = {
      traverse = 'topdown',
      Figure = function(fig)
        -- A figure holding one image: our bb-figure sizes it for the page and keeps its alt.
        local blocks = fig.content
        if #blocks == 1 and (blocks[1].t == 'Plain' or blocks[1].t == 'Para')
            and #blocks[1].content == 1 and blocks[1].content[1].t == 'Image' then
          local img = blocks[1].content[1]
          local caption = {}
          for _, b in ipairs(fig.caption.long) do
            if b.content then
              for _, i in ipairs(b.content) do table.insert(caption, i) end
            end
          end
          local out = {}
          local id = fig.identifier ~= '' and fig.identifier or img.identifier
          local call = image_call(img, true, typst_markup(caption))
          if id ~= '' then
            table.insert(facts.ids, id)
            call = call .. ' ' .. '<' .. ID .. id .. '>'
          end
          table.insert(out, pandoc.RawBlock('typst', call))
          return out
        end
        return keep_id(fig)
      end,
      Image = function(img)
        return pandoc.RawInline('typst', image_call(img, false, nil))
      end,
      Span = function(span)
        if index_mark(span) or span.attributes['see'] then note_mark(span) end
        keep_id(span)
        if #span.content == 0 and span.identifier ~= '' then
          -- An anchor (<a id="x"></a>) holds nothing to label: a marker carries its label.
          return marker(span.identifier)
        end
        if span.identifier ~= '' and index_mark(span) then
          -- Pandoc's Typst writer puts a span's label after its last word, which Typst
          -- cannot locate on a page: a marker before the words carries it, and the words are
          -- set as they stand (in a box they could not break across lines).
          local id = span.identifier
          span.identifier = ''
          local out = pandoc.Inlines({marker(id)})
          local set = lang_span(span)
          if set.t then out:insert(set) else out:extend(set) end
          return out
        end
        return lang_span(span)
      end,
      Div = function(div)
        keep_id(div)
        if div.attributes['lang'] or div.attributes['dir'] then
          local opening = '#bb-lang-block(' .. lang_open(div.attributes) .. ')['
          local out = {pandoc.RawBlock('typst', opening)}
          table.insert(out, pandoc.Div(div.content, pandoc.Attr(div.identifier)))
          table.insert(out, pandoc.RawBlock('typst', ']'))
          return out
        end
        -- A callout or sidebar (`::: note`): framed as the design frames it.
        for _, kind in ipairs(CALLOUTS) do
          if div.classes:includes(kind) then
            return {pandoc.RawBlock('typst', '#bb-callout(' .. typst_string(kind) .. ')['),
                    pandoc.Div(div.content, pandoc.Attr(div.identifier)),
                    pandoc.RawBlock('typst', ']')}
          end
        end
        -- align="center" and <center> of older HTML, read as classes by normalize.lua.
        for _, side in ipairs({'center', 'right', 'left'}) do
          if div.classes:includes('align-' .. side) then
            return {pandoc.RawBlock('typst', '#align(' .. side .. ')['),
                    pandoc.Div(div.content, pandoc.Attr(div.identifier)),
                    pandoc.RawBlock('typst', ']')}
          end
        end
        return div
      end,
      Math = function(m)
        -- Tagged PDF wants a text alternative for every equation: its TeX, as in the EPUB.
        return {pandoc.RawInline('typst', '#bb-math(alt: ' .. typst_string(m.text) .. ')['), m,
                pandoc.RawInline('typst', ']')}
      end,
      LineBlock = function(lb)
        return {pandoc.RawBlock('typst', '#bb-poem['), lb, pandoc.RawBlock('typst', ']')}
      end,
      Header = keep_id,
      BlockQuote = function(q)
        -- A heading in a quotation is part of what is quoted: set as a heading would be, but
        -- not a heading of the book (no chapter opening, no contents entry, no tag).
        q = q:walk({Header = function(h)
          keep_id(h)
          local para = pandoc.Para({pandoc.Strong(h.content)})
          if h.identifier ~= '' then
            return pandoc.Div({para}, pandoc.Attr(h.identifier))
          end
          return para
        end})
        return attribution(q)
      end,
      CodeBlock = keep_id,
      Inlines = escape_after_calls,
      Table = function(t)
        keep_id(t)
        -- Column widths in Markdown come from the source's character grid; Typst sizes
        -- columns to their content better.
        for i, spec in ipairs(t.colspecs) do
          t.colspecs[i] = {spec[1], pandoc.ColWidthDefault}
        end
        return t
      end,
      Code = keep_id,
      Link = function(link)
        if link.classes:includes('bb-xref') then  -- its words are written in pdf/source.py
          return pandoc.RawInline('typst', string.format(
            '#bb-xref(form: %s, target: %s, cite: %s)', typst_string(link.attributes['xref-form']),
            typst_string(link.target:sub(2)), typst_string(link.attributes['xref-cite'])))
        end
        -- Pandoc's Typst writer drops a link's own id: a marker before it carries the label.
        if keep_id(link) then
          local id = link.identifier
          link.identifier = ''
          return {marker(id), link}
        end
      end,
    }
    if not calls_may_run_on() then filter.Inlines = nil end
    if BOOKBUILD_BLOCKS_ONLY then
      filter.traverse = nil  -- type by type: blocks only, their inlines are never visited
      for _, name in ipairs({'Image', 'Span', 'Math', 'Code', 'Link', 'Inlines'}) do
        filter[name] = nil
      end
    end

    local first = doc.blocks[1]
    if first and first.t == 'Header' and first.level == 1 then
      facts.opens_with_heading = true
    end
    for _, b in ipairs(doc.blocks) do
      if b.t == 'Header' and b.level == 1 then
        facts.title = pandoc.utils.stringify(b.content)
        break
      end
    end
    -- The section wrapper opens a page for the file; a later top-level chapter heading in
    -- the same file opens its own.
    -- A figure among the first blocks of a chapter stays in the flow, after its text.
    local blocks = {}
    local since_heading = 0
    for i, b in ipairs(doc.blocks) do
      since_heading = since_heading + 1
      if b.t == 'Header' and b.level == 1 then
        since_heading = 0
        if i > 1 then table.insert(blocks, pandoc.RawBlock('typst', '#bb-opener()')) end
      end
      if b.t == 'Para' and since_heading == 1 and i > 1 and doc.blocks[i - 1].t == 'Header'
          and doc.blocks[i - 1].level == 1 then
        b = first_paragraph(b)
      end
      if b.t == 'Figure' and since_heading <= OPENING_BLOCKS then
        for _, inner in ipairs(b.content) do
          if inner.content and inner.content[1] and inner.content[1].t == 'Image' then
            inner.content[1].attributes['bb-opening'] = '1'
          end
        end
      end
      table.insert(blocks, b)
    end
    doc.blocks = blocks
    doc = doc:walk(filter)
    facts.headings = {}
    for _, b in ipairs(doc.blocks) do
      if b.t == 'Header' and b.level == 1 then
        table.insert(facts.headings, contents_markup(b.content))
      end
    end
    -- Every heading Typst will set, in order, for the contents down to toc_depth.
    facts.outline = {}
    doc:walk({Header = function(h)
      table.insert(facts.outline, {level = h.level, title = contents_markup(h.content)})
    end})
    if #facts.outline == 0 then facts.outline = pandoc.json.null end
    if #facts.headings == 0 then facts.headings = pandoc.json.null end
    if #facts.ids == 0 then facts.ids = pandoc.json.null end
    if #facts.images == 0 then facts.images = pandoc.json.null end
    if #facts.index == 0 then facts.index = pandoc.json.null end
    -- What normalize.lua noticed, for Python to report at the Markdown line.
    if BOOKBUILD_WARNINGS and #BOOKBUILD_WARNINGS > 0 then facts.warnings = BOOKBUILD_WARNINGS end
    -- The ids of what print leaves out (ebook-only, store-only): a link to one is said so.
    if BOOKBUILD_ELSEWHERE and next(BOOKBUILD_ELSEWHERE) then
      facts.elsewhere = BOOKBUILD_ELSEWHERE
    end
    local trailer = '// bookbuild: ' .. pandoc.json.encode(facts)
    table.insert(doc.blocks, pandoc.RawBlock('typst', trailer))
    return doc
  end,
}}
