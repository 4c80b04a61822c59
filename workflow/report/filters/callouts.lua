--[[ callouts.lua: Quarto callouts (`::: {.callout-note}` with a `## Title` first) for Pandoc.

HTML: <div class="callout callout-note"><div class="callout-title">..</div><div class="callout-body">..</div></div>
(styled by styles/report.css). Typst: the `callout` function of templates/report.typst,
a shaded box with a coloured rule; the title is bold text, not a section heading, so it
stays out of the table of contents in both outputs.

A div with a `lang` attribute (a quote in another language, Box 2) keeps it in HTML
(Pandoc writes `lang`); in Typst it becomes a block with `text(lang:, region:)`, the
region reset (or taken from the tag, "es-MX"), so the document's "en-GB" does not turn
Spanish into "es-GB".
]]

local KINDS = { note = true, tip = true, important = true, warning = true, caution = true }

local function callout_kind(el)
  for _, class in ipairs(el.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind and KINDS[kind] then return kind end
  end
  return nil
end

local function language_block(el)
  local lang = el.attributes["lang"]
  if FORMAT ~= "typst" or not lang then return nil end
  local code, region = lang:match("^(%a%a%a?)%-(%a%a)$")
  if not code then
    code = lang:match("^(%a%a%a?)$")
    if not code then error("callouts.lua: cannot read language tag '" .. lang .. "'") end
  end
  local region_arg = region and ('"' .. region:upper() .. '"') or "none"
  el.attributes["lang"] = nil
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#block[#set text(lang: \"" .. code:lower()
    .. "\", region: " .. region_arg .. ")") })
  blocks:extend(el.content)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

function Div(el)
  local kind = callout_kind(el)
  if not kind then return language_block(el) end
  local body = el.content:clone()
  local title = nil
  if el.attributes["title"] then
    title = pandoc.Inlines({ pandoc.Str(el.attributes["title"]) })
  elseif #body > 0 and body[1].t == "Header" then
    title = body[1].content
    body:remove(1)
  end
  if FORMAT == "typst" then
    local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#callout(kind: \"" .. kind .. "\")[") })
    if title then blocks:insert(pandoc.Para({ pandoc.Strong(title) })) end
    blocks:extend(body)
    blocks:insert(pandoc.RawBlock("typst", "]"))
    return blocks
  end
  local inner = pandoc.Blocks({})
  if title then inner:insert(pandoc.Div(pandoc.Plain(title), pandoc.Attr("", { "callout-title" }))) end
  inner:insert(pandoc.Div(body, pandoc.Attr("", { "callout-body" })))
  return pandoc.Div(inner, pandoc.Attr(el.identifier, { "callout", "callout-" .. kind }))
end
