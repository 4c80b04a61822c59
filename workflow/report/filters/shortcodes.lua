--[[ shortcodes.lua: Quarto's `{{< var key >}}` and `{{< include file >}}` for Pandoc.

`var` reads `_variables.yml` (next to the document, as in a Quarto project) through
Pandoc's own YAML metadata reader, so values are Markdown exactly as in Quarto, and looks
up dotted keys (`m.gender_share.female.value`). An unknown key or a key that names a group
stops the render with its name: a figure is never silently left out.
A `var` inside an image attribute (`fig-alt="{{< var alt.map >}}"`) is replaced by the
variable's plain text, so alt text too is built from computed figures.
`include` must stand alone in its paragraph; the file is read as Markdown, relative to
the working directory (the render runs in the build directory), after `var` has run, so
shortcode-like text inside an included file stays text (as with Quarto, where the
generated files escape it).
]]

local variables = nil

local function load_variables()
  if variables then return variables end
  local fh = io.open("_variables.yml", "r")
  if not fh then error("shortcodes.lua: _variables.yml not found in the build directory") end
  local text = fh:read("a")
  fh:close()
  variables = pandoc.read("---\n" .. text .. "\n---\n", "markdown").meta
  return variables
end

local function lookup(key)
  local obj = load_variables()
  for part in key:gmatch("[^.]+") do
    if type(obj) ~= "table" or obj[part] == nil then
      error("shortcodes.lua: unknown variable '" .. key .. "' (not in _variables.yml)")
    end
    obj = obj[part]
  end
  local kind = pandoc.utils.type(obj)
  if kind == "Inlines" then return obj:clone() end
  if kind == "string" then return pandoc.Inlines({ pandoc.Str(obj) }) end
  if kind == "Blocks" then return pandoc.utils.blocks_to_inlines(obj) end
  error("shortcodes.lua: variable '" .. key .. "' is a " .. kind .. ", not a single value")
end

local function words(s)
  local out = {}
  for w in s:gmatch("%S+") do out[#out + 1] = w end
  return out
end

-- A paragraph that is exactly `{{< include path >}}` becomes the file's blocks;
-- `{{< pagebreak >}}` becomes a page break (PDF) or a print page break (HTML).
local function include_block(el)
  local text = pandoc.utils.stringify(el)
  if text:match("^{{<%s*pagebreak%s*>}}$") then
    if FORMAT == "typst" then return pandoc.RawBlock("typst", "#pagebreak()") end
    return pandoc.RawBlock("html", '<div style="page-break-after: always;"></div>')
  end
  local path = text:match("^{{<%s*include%s+(%S+)%s*>}}$")
  if not path then return nil end
  local fh = io.open(path, "r")
  if not fh then error("shortcodes.lua: include file not found: " .. path) end
  local content = fh:read("a")
  fh:close()
  return pandoc.read(content, "markdown").blocks
end

-- Replace `{{< var key >}}` spread over Str/Space tokens (with any text glued before or after).
local function resolve_inlines(inlines)
  local out = pandoc.Inlines({})
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    local start = el.t == "Str" and el.text:find("{{<", 1, true)
    if not start then
      out:insert(el)
      i = i + 1
    else
      local prefix = el.text:sub(1, start - 1)
      local buf, j = el.text:sub(start + 3), i
      local close = buf:find(">}}", 1, true)
      while not close do
        j = j + 1
        local nxt = inlines[j]
        if nxt == nil then error("shortcodes.lua: unterminated shortcode after '" .. prefix .. "{{<'") end
        if nxt.t == "Str" then buf = buf .. nxt.text
        elseif nxt.t == "Space" or nxt.t == "SoftBreak" then buf = buf .. " "
        else error("shortcodes.lua: unexpected " .. nxt.t .. " inside a shortcode") end
        close = buf:find(">}}", 1, true)
      end
      local args = words(buf:sub(1, close - 1))
      if args[1] == "include" or args[1] == "pagebreak" then
        -- left for the block pass below, untouched
        for k = i, j do out:insert(inlines[k]) end
        i = j + 1
        goto continue
      end
      if args[1] ~= "var" or #args ~= 2 then
        error("shortcodes.lua: unsupported inline shortcode '{{<" .. buf:sub(1, close - 1) .. ">}}'")
      end
      if prefix ~= "" then out:insert(pandoc.Str(prefix)) end
      out:extend(lookup(args[2]))
      local suffix = buf:sub(close + 3)
      if suffix ~= "" then
        inlines[j] = pandoc.Str(suffix)
        i = j
      else
        i = j + 1
      end
    end
    ::continue::
  end
  return out
end

-- `{{< var key >}}` inside an image's attribute values (e.g. fig-alt): the value's plain text.
local function resolve_attributes(img)
  local changed = false
  for key, value in pairs(img.attributes) do
    if value:find("{{<", 1, true) then
      img.attributes[key] = value:gsub("{{<%s*var%s+(%S+)%s*>}}", function(name)
        return pandoc.utils.stringify(lookup(name))
      end)
      if img.attributes[key]:find("{{<", 1, true) then
        error("shortcodes.lua: unsupported shortcode in attribute " .. key .. ": " .. value)
      end
      changed = true
    end
  end
  if changed then return img end
  return nil
end

-- `var` first, then `include`: included files are generated Markdown whose text is data
-- (survey quotes, interview notes), so a "{{< var >}}" typed by a respondent is never run.
return {
  { Inlines = resolve_inlines, Image = resolve_attributes },
  { Para = include_block, Plain = include_block },
}
