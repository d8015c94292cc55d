-- Pandoc filter run on every section before any writer, for the EPUB and the print PDF alike,
-- so that both editions are made from the same document.
--
-- * Raw HTML that authors write (<figure>, <img>, <br>, <sup>, <span lang>, <table>, align=…)
--   is read into pandoc elements with pandoc's own HTML reader: the EPUB gets clean XHTML and
--   print gets the content, where pandoc's Typst writer would drop raw HTML. Runs that carry a
--   script, an event handler or a media element stay raw, for the EPUB's safety checks.
-- * Elements HTML has never had (an mdBook <Listing>) are unwrapped, their content kept.
-- * Heading levels are made relative to the section's top heading and never skip a level:
--   PDF/UA forbids skips in the tag tree and the contents are nested by level.
-- * A link with no target keeps its text.
-- * An image alone in its paragraph is a figure (without a caption unless it has one).
--
-- What the author should hear about goes into BOOKBUILD_WARNINGS, a list of
-- {message = …, needle = …} that sections.lua returns with the output; Python finds the line
-- of `needle` in the Markdown.

BOOKBUILD_WARNINGS = BOOKBUILD_WARNINGS or {}
-- Read when a section is converted: one pandoc run may write the EPUB's XHTML and print's Typst.
local function printing() return BOOKBUILD_WRITER == 'typst' end

-- `code` is the warning's stable code, which book.yaml's check: ignore can name.
local function warn(code, message, needle)
  table.insert(BOOKBUILD_WARNINGS, {code = code, message = message, needle = needle})
end

-- Every element of HTML (living standard and the obsolete ones pandoc still reads).
local HTML_ELEMENTS = {}
for name in ([[a abbr acronym address area article aside audio b base bdi bdo big blockquote
  body br button canvas caption center cite code col colgroup data datalist dd del details dfn
  dialog div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head
  header hgroup hr html i iframe img input ins kbd label legend li link main map mark math menu
  meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt
  ruby s samp script search section select slot small source span strike strong style sub
  summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul
  var video wbr]]):gmatch('%S+') do HTML_ELEMENTS[name] = true end

-- What bookbuild reads into pandoc elements in both editions.
local CONVERTED = {}
for name in ([[a b big blockquote br center cite code dd del div dl dt em figcaption figure font
  h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strike strong sub sup
  table tbody td tfoot th thead tr tt u ul var]]):gmatch('%S+') do CONVERTED[name] = true end
local VOID = {area = true, br = true, col = true, hr = true, img = true, input = true,
              wbr = true, source = true, track = true, embed = true, param = true, meta = true,
              link = true, base = true}
-- Left raw: the EPUB's checks refuse or vet them (scripts, remote or embedded media).
local UNSAFE = {'<%s*script', '<%s*iframe', '<%s*object', '<%s*embed', '<%s*form', '<%s*style',
                '<%s*svg', '<%s*math', '<%s*video', '<%s*audio', '<%s*source', '<%s*base',
                '[%s"\']on%a+%s*=', '=%s*["\']?%s*javascript:', '=%s*["\']?%s*vbscript:',
                '=%s*["\']?%s*data:', '=%s*["\']?%s*file:', '<[^>]*&#'}

-- Raw pieces print leaves out, saying so.
local UNPRINTABLE = {svg = true, video = true, audio = true, iframe = true, object = true,
                     embed = true, canvas = true, script = true, math = false}

local function is_unsafe(html)
  local lower = html:lower()
  for _, pattern in ipairs(UNSAFE) do
    if lower:find(pattern) then return true end
  end
  return false
end

-- The tags in a piece of raw HTML: {name = 'img', closing = false, void = true}, comments
-- and doctypes skipped.
local function tags(html)
  local found = {}
  local stripped = html:gsub('<!%-%-.-%-%->', '')
  for slash, name, rest in stripped:gmatch('<(/?)([%a][%w%-]*)([^<>]*)>') do
    local lname = name:lower()
    table.insert(found, {name = lname, written = name, closing = slash == '/',
                         void = VOID[lname] or rest:match('/%s*$') ~= nil})
  end
  return found
end

local function raw_html(el)
  return (el.t == 'RawBlock' or el.t == 'RawInline') and
         (el.format == 'html' or el.format == 'html5')
end

-- Balance of open elements in a piece of raw HTML; nil when it has no tag.
local function depth_change(html)
  local list = tags(html)
  if #list == 0 then return nil end
  local d = 0
  for _, t in ipairs(list) do
    if not t.void then d = d + (t.closing and -1 or 1) end
  end
  return d
end

local function first_tag(html)
  return tags(html)[1]
end

local function unknown_elements(html)
  local names = {}
  for _, t in ipairs(tags(html)) do
    if not HTML_ELEMENTS[t.name] then names[t.written] = true end
  end
  return names
end

local function warn_unknown(html)
  for written in pairs(unknown_elements(html)) do
    warn('CONVERT-HTML-001', '<' .. written .. '> is not an HTML element: its tags were left out and its '
         .. 'content kept', '<' .. written)
  end
end

-- Presentational HTML that EPUB 3 (HTML5) no longer allows, made into classes.
local function modernise(html)
  html = html:gsub('<(%a[%w]*)([^<>]-)%salign%s*=%s*["\']?(%a+)["\']?([^<>]*)>',
    function(name, before, value, after)
      local attrs, slash = (before .. after):match('^(.-)%s*(/?)%s*$')
      local cls = 'align-' .. value:lower()
      if attrs:find('class%s*=%s*"') then
        attrs = attrs:gsub('class%s*=%s*"', 'class="' .. cls .. ' ', 1)
      else
        attrs = attrs .. ' class="' .. cls .. '"'
      end
      return '<' .. name .. attrs .. (slash == '/' and ' />' or '>')
    end)
  -- A paragraph keeps no attributes in pandoc: an aligned one goes in an aligned div.
  -- Paragraphs do not nest, so the next </p> closes it.
  local aligned = false
  html = html:gsub('<(/?)([Pp])(%f[%s>/][^<>]*)>', function(slash, p, attrs)
    if slash == '' then
      local cls = attrs:match('class="(align%-%a+)')
      if cls then
        aligned = true
        return '<div class="' .. cls .. '"><p' .. attrs:gsub('class="align%-%a+%s?', 'class="') .. '>'
      end
      aligned = false
    elseif aligned then
      aligned = false
      return '</p></div>'
    end
  end)
  html = html:gsub('<[Cc][Ee][Nn][Tt][Ee][Rr](%s?[^<>]*)>', '<div class="align-center"%1>')
  html = html:gsub('</[Cc][Ee][Nn][Tt][Ee][Rr]%s*>', '</div>')
  return html
end

-- Serialising pandoc elements around raw tags, so that pandoc's HTML reader sees one piece of
-- HTML. Anything but plain text is kept aside and put back after reading.
local kept = {}

local function keep(el, block)
  table.insert(kept, el)
  local n = #kept
  if block then return '<div data-bb-kept="' .. n .. '"></div>' end
  return '<span data-bb-kept="' .. n .. '"></span>'
end

local function escape(s)
  return (s:gsub('&', '&amp;'):gsub('<', '&lt;'):gsub('>', '&gt;'))
end

local function inlines_html(inlines)
  local out = {}
  for _, el in ipairs(inlines) do
    if el.t == 'Str' then table.insert(out, escape(el.text))
    elseif el.t == 'Space' or el.t == 'SoftBreak' then table.insert(out, ' ')
    elseif el.t == 'LineBreak' then table.insert(out, '<br>')
    elseif raw_html(el) then table.insert(out, el.text)
    else table.insert(out, keep(el, false)) end
  end
  return table.concat(out)
end

local function blocks_html(blocks)
  local out = {}
  for _, b in ipairs(blocks) do
    if raw_html(b) then table.insert(out, b.text)
    elseif b.t == 'Plain' then table.insert(out, inlines_html(b.content))
    elseif b.t == 'Para' then table.insert(out, '<p>' .. inlines_html(b.content) .. '</p>')
    else table.insert(out, keep(b, true)) end
  end
  return table.concat(out, '\n')
end

local function put_back(doc)
  return doc:walk({
    Span = function(span)
      local n = tonumber(span.attributes['bb-kept'])
      if n then return kept[n] end
    end,
    Div = function(div)
      local n = tonumber(div.attributes['bb-kept'])
      if n then return kept[n] end
    end,
  })
end

local STYLE_SIZE = {'width', 'height'}

-- What pandoc's HTML reader leaves that the writers do not want.
local function tidy(doc)
  return doc:walk({
    Image = function(img)
      local style = img.attributes['style']
      if style then
        for _, key in ipairs(STYLE_SIZE) do
          local value = style:match(key .. '%s*:%s*([%d.]+%a*%%?)')
          if value and not img.attributes[key] then img.attributes[key] = value end
        end
        img.attributes['style'] = nil
      end
      return img
    end,
  })
end

-- Raw HTML read with pandoc's HTML reader, for the blocks or inlines it makes.
local function read_html(html)
  warn_unknown(html)
  local doc = pandoc.read(modernise(html), 'html')
  return tidy(put_back(doc))
end

local function html_inlines(html)
  local blocks = read_html(html).blocks
  local out = pandoc.Inlines({})
  for i, b in ipairs(blocks) do
    if i > 1 then out:insert(pandoc.Space()) end
    if b.content and (b.t == 'Plain' or b.t == 'Para') then out:extend(b.content)
    else out:insert(pandoc.Str(pandoc.utils.stringify(b))) end
  end
  return out
end

-- Whether a raw piece opens an element of the given set; returns its tag.
local function opens(el, set)
  if not raw_html(el) then return nil end
  local t = first_tag(el.text)
  if t and not t.closing and (set == nil or set[t.name]) then return t end
  return nil
end

-- From list[i], an opening tag: the index that closes it, counting raw pieces only.
local function closing_index(list, i)
  local depth = 0
  for j = i, #list do
    local el = list[j]
    if raw_html(el) then
      local d = depth_change(el.text)
      if d then depth = depth + d end
    elseif el.t == 'Plain' or el.t == 'Para' then
      for _, inner in ipairs(el.content) do
        if raw_html(inner) then depth = depth + (depth_change(inner.text) or 0) end
      end
    end
    if depth <= 0 then return j end
  end
  return nil
end

local function slice(list, i, j)
  local out = {}
  for k = i, j do table.insert(out, list[k]) end
  return out
end

local function run_html(list, i, j, as_blocks)
  local part = slice(list, i, j)
  return as_blocks and blocks_html(part) or inlines_html(part)
end

-- MathML and SVG hold elements HTML does not know; they are theirs, not unknown.
local FOREIGN = {math = true, svg = true}

-- How a raw piece changes the depth of MathML or SVG, and whether it names either.
local function foreign_change(html)
  local d, names = 0, false
  for _, t in ipairs(tags(html)) do
    if FOREIGN[t.name] then
      names = true
      if not t.void then d = d + (t.closing and -1 or 1) end
    end
  end
  return d, names
end

-- Drop the tags of elements HTML does not know, keep what they hold.
local function unwrap_unknown(list)
  local out = {}
  local foreign = 0
  for _, el in ipairs(list) do
    local inside = false
    if raw_html(el) then
      local change, names = foreign_change(el.text)
      inside = foreign > 0 or names
      foreign = math.max(0, foreign + change)
    end
    if inside then
      table.insert(out, el)
    elseif raw_html(el) and next(unknown_elements(el.text)) and not el.text:find('<!%-%-') then
      warn_unknown(el.text)
      local rest = el.text:gsub('</?([%a][%w%-]*)[^<>]*>', function(name)
        if not HTML_ELEMENTS[name:lower()] then return '' end
      end)
      if rest:match('%S') then
        el.text = rest
        table.insert(out, el)
      end
    else
      table.insert(out, el)
    end
  end
  return out
end

-- Whether this run is read into pandoc elements: in both editions when it is HTML authors
-- write for layout, in print also any other element (its content is kept).
local function convertible(tag, html)
  if is_unsafe(html) then return false end
  return CONVERTED[tag.name] or (printing() and HTML_ELEMENTS[tag.name])
end

local function convert_runs(list, as_blocks)
  list = unwrap_unknown(list)
  local out = {}
  local i = 1
  while i <= #list do
    local el = list[i]
    local tag = opens(el, nil)
    local j = tag and (tag.void and i or closing_index(list, i))
    if tag and j then
      local html = run_html(list, i, j, as_blocks)
      if as_blocks and FOREIGN[tag.name] then
        -- One raw block, so its parts are never read as HTML's own.
        table.insert(out, pandoc.RawBlock('html', html))
        i = j + 1
      elseif convertible(tag, html) then
        if as_blocks then
          for _, b in ipairs(read_html(html).blocks) do table.insert(out, b) end
        else
          for _, x in ipairs(html_inlines(html)) do table.insert(out, x) end
        end
        i = j + 1
      else
        table.insert(out, el)
        i = i + 1
      end
    else
      if printing() and raw_html(el) and not el.text:match('^%s*<!%-%-') and el.text:match('%S') then
        -- A stray closing tag or a raw piece print cannot take: its text, if any, stays.
        local t = first_tag(el.text)
        if t and not t.closing and UNPRINTABLE[t.name] then
          warn('PDF-HTML-001', '<' .. t.written .. '> cannot be printed: it is left out of the PDF',
               '<' .. t.written)
        end
        local text = pandoc.utils.stringify(pandoc.read(el.text, 'html'))
        if text ~= '' then
          table.insert(out, as_blocks and pandoc.Plain({pandoc.Str(text)}) or pandoc.Str(text))
        end
      else
        table.insert(out, el)
      end
      i = i + 1
    end
  end
  return out
end

local function has_raw(list)
  for _, el in ipairs(list) do
    if raw_html(el) then return true end
    if (el.t == 'Plain' or el.t == 'Para') and has_raw(el.content) then return true end
  end
  return false
end

local raw_html_filter = {
  Blocks = function(blocks)
    if has_raw(blocks) then return pandoc.Blocks(convert_runs(blocks, true)) end
  end,
  Inlines = function(inlines)
    if has_raw(inlines) then return pandoc.Inlines(convert_runs(inlines, false)) end
  end,
  traverse = 'topdown',  -- a block run is joined before its lines are looked at
}

-- A tag's quoted attribute values with < and > as entities, so that every pattern here
-- (and pandoc's HTML reader) sees where the tag ends: <Listing caption="a < b">.
local function protect_attributes(html)
  if not html:find('=%s*["\'][^"\']*[<>]') then return html end
  local out, i, n = {}, 1, #html
  while i <= n do
    local lt = html:find('<', i, true)
    if not lt then
      table.insert(out, html:sub(i))
      break
    end
    table.insert(out, html:sub(i, lt - 1))
    local j, quote, last = lt + 1, nil, ''
    if html:sub(lt, lt + 3) == '<!--' then
      j = (html:find('-->', lt + 4, true) or n) + 2
      table.insert(out, html:sub(lt, j))
    else
      -- A tag, to its '>' outside quotes.
      table.insert(out, '<')
      while j <= n do
        local c = html:sub(j, j)
        if quote then
          if c == quote then quote = nil
          elseif c == '<' then c = '&lt;'
          elseif c == '>' then c = '&gt;' end
          table.insert(out, c)
        elseif c == '>' then
          table.insert(out, c)
          break
        elseif c == '<' then
          j = j - 1  -- another tag begins: this one never closed
          break
        else
          if (c == '"' or c == "'") and last == '=' then quote = c end
          if not c:match('%s') then last = c end
          table.insert(out, c)
        end
        j = j + 1
      end
    end
    i = j + 1
  end
  return table.concat(out)
end

-- Comments are the author's notes, not the book's text: neither edition carries them (and
-- one with "--" inside is not XML). What is left of the raw piece is kept.
local function clean_raw(doc)
  local function clean(el)
    if not raw_html(el) then return nil end
    local text = protect_attributes(el.text):gsub('<!%-%-.-%-%->', '')
    if not text:match('%S') then return {} end
    el.text = text
    return el
  end
  return doc:walk({RawBlock = clean, RawInline = clean})
end

-- Heading levels relative to the section's top heading, with no level skipped.
local function relevel(doc)
  local top
  for _, b in ipairs(doc.blocks) do
    if b.t == 'Header' then top = math.min(top or b.level, b.level) end
  end
  if not top then return doc end
  local previous = 0
  local blocks = doc.blocks:walk({
    BlockQuote = function(q)
      -- Headings in a quotation belong to what is quoted, not to the book's outline.
      return q:walk({Header = function(h)
        h.level = math.max(1, h.level - top + 1)
        return h
      end}), false
    end,
    Header = function(h)
      local level = math.min(h.level - top + 1, previous + 1)
      previous = level
      h.level = level
      return h
    end,
    traverse = 'topdown',
  })
  doc.blocks = blocks
  return doc
end

-- A link without a target keeps its text. A fragment written percent-encoded, as mdBook
-- books link headings in Japanese or Russian (`#%E3%83%91…`), names the id as it is spelled.
local function link_target(link)
  if link.target == '' then
    warn('CONVERT-LINK-001', 'link "' .. pandoc.utils.stringify(link.content) .. '" has no target; '
         .. 'its text is kept', ']()')
    return link.content
  end
  local path, frag = link.target:match('^([^#]*)#(.*%%%x%x.*)$')
  if frag and not link.target:find('^%a[%w+.-]*:') then
    link.target = path .. '#' .. frag:gsub('%%(%x%x)', function(h)
      return string.char(tonumber(h, 16))
    end)
    return link
  end
end

-- `[text][label]` that no definition in the book names stays as typed, brackets and all:
-- the author meant a link, so say where. (A lone `[text]` is left alone: prose has those.)
local function undefined_references(doc)
  return doc:walk({
    Str = function(s)
      local ref = s.text:match('%]%[([^%]]*)%]')
      if ref then
        warn('CONVERT-LINK-002', 'link reference [' .. ref .. '] is defined nowhere in the book: the text is '
             .. 'printed with its brackets; add a line "[' .. ref .. ']: address"', s.text)
      end
    end,
    Code = function() return nil, false end,
  })
end

-- mdBook and rustdoc write ```rust,ignore: the language, then attributes, in one word.
local function code_language(code)
  local first = code.classes[1]
  if first and first:find(',') then
    local parts = {}
    for word in first:gmatch('[^,%s]+') do table.insert(parts, word) end
    code.classes:remove(1)
    for i = #parts, 1, -1 do code.classes:insert(1, parts[i]) end
    return code
  end
end

-- An image alone in its paragraph is a block, not a glyph in a line.
local lone_images_filter = {
  Plain = function(p)
    if #p.content == 0 then return {} end
  end,
  Para = function(p)
    if #p.content == 0 then return {} end
    local only
    for _, el in ipairs(p.content) do
      if el.t == 'Image' and not only then only = el
      elseif el.t ~= 'Space' and el.t ~= 'SoftBreak' then return nil end
    end
    if only and not only.classes:includes('inline') then
      return pandoc.Figure({pandoc.Plain({only})}, {}, pandoc.Attr('', {'bb-bare'}))
    end
  end,
}

-- One manuscript, every edition. An element of class print-only is in the PDF alone;
-- ebook-only in the EPUB and the Kobo and Kindle editions made from it; kindle-only and
-- kobo-only in that store's edition alone. Print drops all but its own. The EPUB's XHTML
-- keeps store text marked data-bb-edition="kindle", which convert/html.py keeps out of the
-- store-neutral EPUB and in its store's edition. The kept element loses the class, and a
-- div or span with nothing else to say is unwrapped: text marked for an edition is set in it
-- as it would be unmarked. The ids in what is dropped go to BOOKBUILD_ELSEWHERE (id → the
-- class), so that a link to one from an edition without it is said for what it is.
local EDITIONS = {['print-only'] = 'print', ['ebook-only'] = 'ebook',
                  ['kindle-only'] = 'kindle', ['kobo-only'] = 'kobo'}
local STORES = {kindle = true, kobo = true}
-- In the Markdown, every edition class is one of these (may_hold gates the walk on them).
local EDITION_PATTERN = '[%a]+%-only'
BOOKBUILD_ELSEWHERE = BOOKBUILD_ELSEWHERE or {}

local function edition_class(el)
  for i, c in ipairs(el.classes) do
    if EDITIONS[c] then return c, i end
  end
  return nil
end

local function note_dropped(el, class)
  local function note(x)
    if x.identifier and x.identifier ~= '' and not BOOKBUILD_ELSEWHERE[x.identifier] then
      BOOKBUILD_ELSEWHERE[x.identifier] = class
    end
  end
  note(el)
  local named = {}
  for _, t in ipairs({'Div', 'Span', 'Header', 'CodeBlock', 'Code', 'Link', 'Image', 'Table',
                      'Figure'}) do named[t] = note end
  local holder = el.content
  if holder and type(holder) ~= 'string' and holder.walk then holder:walk(named) end
end

local editions_filter, inline_editions  -- below: what `pick` keeps is walked with them

local function pick(el)
  local class, i = edition_class(el)
  if not class then return nil end
  local edition = EDITIONS[class]
  if printing() ~= (edition == 'print') then
    note_dropped(el, class)
    return {}
  end
  el.classes:remove(i)
  if STORES[edition] then
    el.attributes['bb-edition'] = edition
  elseif (el.t == 'Div' or el.t == 'Span') and el.identifier == '' and #el.classes == 0
      and #el.attributes == 0 then
    -- A walk goes on into an element returned, not into a list: the list is walked here.
    return el.content:walk(el.t == 'Div' and editions_filter or inline_editions), false
  end
  return el
end

inline_editions = {Span = pick, Link = pick, Code = pick, Image = pick, traverse = 'topdown'}

-- A paragraph whose every word was for another edition is left out with them.
local function lines_of_editions(el)
  local content = el.content:walk(inline_editions)
  for _, x in ipairs(content) do
    if x.t ~= 'Space' and x.t ~= 'SoftBreak' then
      el.content = content
      return el, false
    end
  end
  if #el.content == 0 then return nil end
  return {}, false
end

editions_filter = {
  traverse = 'topdown',  -- what is left out is never walked into
  Div = pick, Header = pick, CodeBlock = pick, Table = pick,
  Para = lines_of_editions, Plain = lines_of_editions,
  Span = pick, Link = pick, Code = pick, Image = pick,
  Figure = function(fig)
    -- A picture alone in its paragraph: the figure is what the picture's class marks.
    local only = #fig.content == 1 and fig.content[1].content or nil
    local img = only and #only == 1 and only[1].t == 'Image' and only[1] or nil
    local class, i = nil, nil
    if img then class, i = edition_class(img) end
    if class then
      img.classes:remove(i)
      fig.classes:insert(class)
    end
    return pick(fig)
  end,
}

-- A cross-reference in pandoc's citation syntax: `@id` (the page: "page 42"), `[@id]` (the
-- title and the page: "*Bearings*, page 42"), with words before and after as written
-- (`[see @id]`). Its words are made in Python, where the target's section, title and print
-- page are known; the citation as written is kept for a key that is no id of the book.
local function cross_reference(cite)
  local out = pandoc.Inlines({})
  local whole = pandoc.utils.stringify(cite.content)
  for i, c in ipairs(cite.citations) do
    if i > 1 then out:extend({pandoc.Str(';'), pandoc.Space()}) end
    if #c.prefix > 0 then out:extend(c.prefix); out:insert(pandoc.Space()) end
    local form = c.mode == 'AuthorInText' and 'page' or 'title'
    local written = #cite.citations == 1 and whole or ('@' .. c.id)
    -- The same for both writers (the document is read once for both): typst.lua makes it
    -- a call that pdf/source.py fills in.
    out:insert(pandoc.Link({pandoc.Str(written)}, '#' .. c.id, '',
      pandoc.Attr('', {'bb-xref'}, {{'xref-form', form}, {'xref-cite', written}})))
    out:extend(c.suffix)
  end
  return out
end

-- Index marks: a span of class index, or with index="…", see="…" or see-also="…" (the
-- README's "An index"). Each that places a locator gets an id, ix-1, ix-2, … counted over
-- every mark in the section's order, before either edition drops its text: the EPUB's link
-- and print's label then name the same place. A see="…" mark places none (an entry that sends
-- the reader elsewhere has no pages), nor needs an id. The span and its words stay as written;
-- Python reads the terms from the HTML's data-index attributes (convert/index.py).
local INDEX_ATTRIBUTES = {'index', 'see', 'see-also', 'index-sort'}

local function index_mark(span)
  if span.classes:includes('index') then return true end
  for _, name in ipairs(INDEX_ATTRIBUTES) do
    if span.attributes[name] then return true end
  end
  return false
end

local function number_index_marks(doc)
  local n = 0
  return doc:walk({Span = function(span)
    if not index_mark(span) then return nil end
    n = n + 1
    if span.identifier == '' and not span.attributes['see'] then
      span.identifier = 'ix-' .. n
      return span
    end
  end})
end

-- Whether the section's Markdown holds `pattern` (a Lua pattern): a walk that looks for what
-- the text cannot have is skipped. Each walk costs about the section's size again, and the
-- walks that visit every word or every list (raw HTML, undefined references) were half of a
-- long book's conversion. Without BOOKBUILD_SOURCE (set by sections.lua), every walk runs.
local function may_hold(pattern)
  return BOOKBUILD_SOURCE == nil or BOOKBUILD_SOURCE:find(pattern) ~= nil
end

return {{
  Pandoc = function(doc)
    kept = {}
    local html = may_hold('<')  -- raw HTML, a comment or an autolink: all open with <
    if html then
      doc = clean_raw(doc)
      doc = doc:walk(raw_html_filter)
    end
    local filter = {}
    -- A link to change has no target, `[text]()`, or a percent-encoded fragment; a code
    -- block to change has a comma in its fence's classes.
    if html or may_hold('%]%(%)') or may_hold('#[^%s%)]*%%%x%x') then filter.Link = link_target end
    if may_hold('```[^\n]*,') or may_hold('~~~[^\n]*,') then filter.CodeBlock = code_language end
    -- A lone image with alt text is a figure already (pandoc's implicit_figures); one without,
    -- `![](…)`, comes here, as does raw HTML's <img>; an empty paragraph comes from raw HTML
    -- or an emptied link.
    if html or may_hold('!%[%]') or may_hold('%[%]%(%)') then
      filter.Plain, filter.Para = lone_images_filter.Plain, lone_images_filter.Para
    end
    -- One walk for all of these: the Links are visited before the paragraphs that hold them.
    if next(filter) then doc = doc:walk(filter) end
    if may_hold('%]%[') then undefined_references(doc) end
    if may_hold('@') then doc = doc:walk({Cite = cross_reference}) end
    if may_hold('index') or may_hold('see') then doc = number_index_marks(doc) end
    -- Before the headings are levelled: a heading print leaves out is not in its outline.
    if may_hold(EDITION_PATTERN) then doc = doc:walk(editions_filter) end
    return relevel(doc)
  end,
}}
