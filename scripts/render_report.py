"""Render one document of the Quarto project (input `qmd`: the Impact Story or the
technical annex) to the `html` and `pdf` outputs.

Reads only snakemake.input / params / output / log (see workflow/rules/report.smk).
The renderer is config `report.renderer` (auto | quarto | pandoc); rendering happens in
a fresh build directory under results/, then the two files are copied to their outputs.
"""

import shutil
from pathlib import Path

from lib.preamble import begin, loaded

log = begin(snakemake)

from lib.report_render import (
    choose_renderer,
    prepare_build,
    quarto_version,
    render_pandoc,
    render_quarto,
)

loaded()

generated = [Path(p) for p in snakemake.input.generated]
build = prepare_build(
    build_dir=Path(snakemake.params.build_dir),
    project_dir=Path(snakemake.input.qmd).parent,
    variables=Path(snakemake.input.variables),
    generated=generated,
    figures=[Path(p) for p in snakemake.input.figures],
    document=Path(snakemake.input.qmd).name,
)
version = quarto_version()
renderer = choose_renderer(snakemake.params.renderer, version)
log.write(f"renderer: {renderer} (config {snakemake.params.renderer!r}, quarto {version})\n")
html, pdf = (render_quarto if renderer == "quarto" else render_pandoc)(build, log, Path(snakemake.input.qmd).name)
for src, dst in ((html, snakemake.output.html), (pdf, snakemake.output.pdf)):
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
log.write(f"wrote {snakemake.output.html} and {snakemake.output.pdf}\n")
