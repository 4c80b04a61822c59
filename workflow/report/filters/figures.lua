--[[ figures.lua: Quarto figure numbering and `@fig-` cross-references for Pandoc.

Figures whose id starts with `fig-` are numbered in document order (after conditional
content is removed). HTML: the caption gets "Figure N: " and a reference becomes a link
"Figure N". Typst numbers figures itself ("Figure N: caption") and a reference becomes
Typst's own `@fig-id`, which prints "Figure N": the same text in both outputs.
The `fig-alt` attribute becomes the image's alt text (Quarto's behaviour). A reference to
an unknown figure stops the render.
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

local function set_alt(fig)
  return fig:walk({
    Image = function(img)
      local alt = img.attributes["fig-alt"]
      if alt then
        img.caption = pandoc.Inlines({ pandoc.Str(alt) })
        img.attributes["fig-alt"] = nil
      end
      return img
    end,
  })
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
