--[[ figures.lua: Quarto figure numbering, `@fig-` cross-references, alt text and tables
that fit a phone, for Pandoc.

Figures whose id starts with `fig-` are numbered in document order (after conditional
content is removed). HTML: the caption gets "Figure N: " and a reference becomes a link
"Figure N". Typst numbers figures itself ("Figure N: caption") and a reference becomes
Typst's own `@fig-id`, which prints "Figure N": the same text in both outputs.
A reference to an unknown figure stops the render.

Alt text: the `fig-alt` attribute (after shortcodes.lua resolved any `{{< var >}}` in
it) becomes the image's alt text, as in Quarto. HTML: the `alt` attribute. Typst:
Pandoc's Typst writer drops alt text, so the image is written here as
`image("...", alt: "...")`, which Typst puts in the PDF's structure tree (/Alt).
A numbered figure without `fig-alt` stops the render: no figure is published without
alt text.

Run-in headings (Typst only): a paragraph that is only bold text ("**What changed after
the course**" before a list) is kept on the page of what follows it (`block(sticky:)`),
like a heading.

Tables (HTML only): each table is wrapped in `<div class="table-scroll">`, which
report.css lets scroll sideways inside its box on a narrow screen instead of widening
the page.
]]

local numbers = {}

local function number_figures(doc)
  local n = 0
  doc:walk({
    Figure = function(fig)
      if fig.identifier:match("^fig%-") then
        n = n + 1
        numbers[fig.identifier] = n
      end
    end,
  })
end

-- A Typst string literal: backslashes and double quotes escaped, one line.
local function typst_string(s)
  s = s:gsub("%s+", " "):gsub("\\", "\\\\"):gsub('"', '\\"')
  return '"' .. s .. '"'
end

-- Width/height attributes as Typst lengths ("50%", "8cm", "120px" -> "90pt").
local function typst_length(value)
  local number, unit = value:match("^([%d%.]+)%s*(%a*%%?)$")
  if not number then error("figures.lua: cannot read image size '" .. value .. "'") end
  if unit == "px" or unit == "" then return tostring(tonumber(number) * 0.75) .. "pt" end
  return number .. unit
end

local function typst_image(img, alt)
  local args = { typst_string(img.src), "alt: " .. typst_string(alt) }
  for _, key in ipairs({ "width", "height" }) do
    if img.attributes[key] then args[#args + 1] = key .. ": " .. typst_length(img.attributes[key]) end
  end
  return pandoc.RawInline("typst", "#image(" .. table.concat(args, ", ") .. ")")
end

local function set_alt(fig)
  return fig:walk({
    Image = function(img)
      local alt = img.attributes["fig-alt"]
      if not alt or alt:match("^%s*$") then
        error("figures.lua: figure #" .. fig.identifier .. " has no fig-alt (alt text)")
      end
      img.attributes["fig-alt"] = nil
      if FORMAT == "typst" then return typst_image(img, alt) end
      img.caption = pandoc.Inlines({ pandoc.Str(alt) })
      return img
    end,
  })
end

local function wrap_table(tbl)
  if FORMAT == "typst" then return nil end
  return pandoc.Div({ tbl }, pandoc.Attr("", { "table-scroll" }))
end

local function sticky_label(para)
  if FORMAT ~= "typst" or #para.content ~= 1 or para.content[1].t ~= "Strong" then return nil end
  return pandoc.Blocks({ pandoc.RawBlock("typst", "#block(sticky: true)["), para, pandoc.RawBlock("typst", "]") })
end

function Pandoc(doc)
  number_figures(doc)
  return doc:walk({
    Figure = function(fig)
      local n = numbers[fig.identifier]
      if not n then return nil end
      fig = set_alt(fig)
      if FORMAT ~= "typst" and #fig.caption.long > 0 then
        local first = fig.caption.long[1]
        first.content:insert(1, pandoc.Str("Figure " .. n .. ": "))
      end
      return fig
    end,
    Table = wrap_table,
    Para = sticky_label,
    Cite = function(cite)
      local id = cite.citations[1].id
      if #cite.citations ~= 1 or not id:match("^fig%-") then return nil end
      local n = numbers[id]
      if not n then error("figures.lua: reference to unknown figure @" .. id) end
      if FORMAT == "typst" then return pandoc.RawInline("typst", "@" .. id) end
      return pandoc.Link({ pandoc.Str("Figure " .. n) }, "#" .. id)
    end,
  })
end
