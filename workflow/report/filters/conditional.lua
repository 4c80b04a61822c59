--[[ conditional.lua: Quarto's conditional content for the Pandoc renderer.

A div `::: {.content-visible when-meta="has-followup"}` is kept only when the document
metadata key is boolean true (`unless-meta` inverts; `.content-hidden` inverts again);
`when-format` / `unless-format` match FORMAT (html* or typst). Same rules as Quarto's
content-hidden.lua: a non-boolean value counts as false. Hidden content is dropped before
any other filter sees it, so shortcodes and figures inside it are never resolved.
]]

local meta = {}

local function meta_true(key)
  local obj = meta
  for part in key:gmatch("[^.]+") do
    if type(obj) ~= "table" then return false end
    obj = obj[part]
  end
  return obj == true
end

local function format_matches(name)
  if name == "html" then return FORMAT:match("^html") ~= nil end
  if name == "pdf" or name == "typst" then return FORMAT == "typst" end
  return FORMAT == name
end

local function matches(attrs)
  local ok = true
  if attrs["when-meta"] then ok = ok and meta_true(attrs["when-meta"]) end
  if attrs["unless-meta"] then ok = ok and not meta_true(attrs["unless-meta"]) end
  if attrs["when-format"] then ok = ok and format_matches(attrs["when-format"]) end
  if attrs["unless-format"] then ok = ok and not format_matches(attrs["unless-format"]) end
  return ok
end

local function filter(el)
  local visible_class = el.classes:includes("content-visible")
  local hidden_class = el.classes:includes("content-hidden")
  if not visible_class and not hidden_class then return nil end
  local show = matches(el.attributes)
  if hidden_class then show = not show end
  if not show then return {} end
  return el.content
end

return {
  { Meta = function(m) meta = m end },
  { Div = filter, Span = filter },
}
