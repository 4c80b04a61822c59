"""Render a document of the Quarto project (the Impact Story, the technical annex) to one
self-contained HTML file and a PDF.

Two renderers give the same content:

* **quarto** (Quarto >= 1.4 on PATH): ``quarto render`` to html and typst in the build copy;
* **pandoc** (default here and in CI): Pandoc 3 from ``pypandoc-binary`` with the Lua
  filters in ``workflow/report/filters`` (conditional content, ``var``/``include``
  shortcodes, callouts, figure numbering and ``@fig-`` references), HTML with
  ``--embed-resources``, PDF through Pandoc's Typst writer and the ``typst`` package.

Rendering happens in a fresh build directory per document (the project, the generated
variables and blocks, and the figures are copied there), so the source tree is never
written to. Both documents share the template, filters and styles, and read their cover
(`_generated/cover.yml`) and flags (`_generated/scope.yml`) as metadata files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

PROJECT_ITEMS = ("_quarto.yml", "filters", "templates", "styles")
FILTERS = ("conditional.lua", "shortcodes.lua", "callouts.lua", "figures.lua")
DOCUMENT = "impact_story.qmd"
DOCUMENTS = ("impact_story.qmd", "technical_annex.qmd")
METADATA_FILES = ("_generated/scope.yml", "_generated/cover.yml")
MIN_QUARTO = (1, 4)
RENDERERS = ("auto", "quarto", "pandoc")


class RenderError(RuntimeError):
    """A renderer failed; the message carries the tool's own error output."""


def prepare_build(build_dir: Path, project_dir: Path, variables: Path, generated: list[Path],
                  figures: list[Path], document: str = DOCUMENT) -> Path:
    """A fresh copy of the Quarto project (with `document`) and `_variables.yml`,
    `_generated/` and `figures/`."""
    if document not in DOCUMENTS:
        raise ValueError(f"unknown document {document!r}; expected one of {', '.join(DOCUMENTS)}")
    build_dir = Path(build_dir)
    if build_dir.exists():
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True)
    for item in (*PROJECT_ITEMS, document):
        src = Path(project_dir) / item
        if src.is_dir():
            shutil.copytree(src, build_dir / item)
        else:
            shutil.copy2(src, build_dir / item)
    shutil.copy2(variables, build_dir / "_variables.yml")
    (build_dir / "_generated").mkdir()
    for path in generated:
        shutil.copy2(path, build_dir / "_generated" / Path(path).name)
    (build_dir / "figures").mkdir()
    for path in figures:
        shutil.copy2(path, build_dir / "figures" / Path(path).name)
    return build_dir


def quarto_version(which=shutil.which) -> tuple[int, ...] | None:
    """Version of the `quarto` on PATH, or None when there is none."""
    exe = which("quarto")
    if exe is None:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(x) for x in match.groups() if x is not None) if match else None


def choose_renderer(setting: str, version: tuple[int, ...] | None) -> str:
    """config `report.renderer` (auto | quarto | pandoc) and the Quarto found -> renderer."""
    if setting not in RENDERERS:
        raise ValueError(f"config report.renderer is {setting!r}; expected one of {', '.join(RENDERERS)}")
    usable = version is not None and version[:2] >= MIN_QUARTO
    if setting == "quarto" and not usable:
        found = "no quarto on PATH" if version is None else "quarto " + ".".join(map(str, version))
        raise RenderError(f"config report.renderer is 'quarto' but {found}; Quarto >= 1.4 is needed "
                          "(or set report.renderer to auto or pandoc)")
    if setting == "auto":
        return "quarto" if usable else "pandoc"
    return setting


def _run(cmd: list[str], cwd: Path, log) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", LC_ALL="C.UTF-8")
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    log.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    if proc.returncode != 0:
        raise RenderError(f"{Path(cmd[0]).name} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")


def pandoc_command(pandoc: str, to: str, output: str, document: str = DOCUMENT) -> list[str]:
    """The Pandoc call for `to` = html or typst, run inside the build directory."""
    cmd = [pandoc, document, "--from", "markdown", "--standalone"]
    cmd += [arg for m in METADATA_FILES for arg in ("--metadata-file", m)]
    cmd += ["--toc", "--toc-depth", "2", "--wrap", "none", "--output", output]
    cmd += [arg for f in FILTERS for arg in ("--lua-filter", f"filters/{f}")]
    if to == "html":
        cmd += ["--to", "html5", "--embed-resources", "--section-divs", "--css", "styles/report.css",
                "--css", "styles/cover.css"]
    else:
        cmd += ["--to", "typst", "--template", "templates/report.typst"]
    return cmd


# templates/report.typst floats figures to the top or bottom of a page; see render_pandoc
FLOATING_FIGURES = "#show figure.where(kind: image): set figure(placement: auto)"
TYPST_TAG_BUG = "tags weren't properly closed"


def render_pandoc(build_dir: Path, log, document: str = DOCUMENT) -> tuple[Path, Path]:
    """HTML and PDF with Pandoc + Lua filters + Typst; returns their paths in the build dir."""
    import pypandoc
    import typst

    pandoc = pypandoc.get_pandoc_path()
    stem = Path(document).stem
    _run(pandoc_command(pandoc, "html", f"{stem}.html", document), build_dir, log)
    _run(pandoc_command(pandoc, "typst", f"{stem}.typ", document), build_dir, log)
    pdf = build_dir / f"{stem}.pdf"
    typ = build_dir / f"{stem}.typ"
    try:
        typst.compile(str(typ), output=str(pdf), root=str(build_dir))
    except typst.TypstError as err:
        if TYPST_TAG_BUG not in str(err) or FLOATING_FIGURES not in typ.read_text(encoding="utf-8"):
            raise RenderError(f"typst failed on {stem}.typ: {err}") from err
        # Typst 0.15's PDF tagging fails on some layouts with floating figures (seen on a
        # 200-edition benchmark report): lay the figures out where they stand instead
        print(f"{stem}.typ: typst {TYPST_TAG_BUG!r} with floating figures; figures placed inline", file=log)
        typ.write_text(typ.read_text(encoding="utf-8").replace(FLOATING_FIGURES, ""), encoding="utf-8")
        try:
            typst.compile(str(typ), output=str(pdf), root=str(build_dir))
        except typst.TypstError as err2:
            raise RenderError(f"typst failed on {stem}.typ: {err2}") from err2
    return build_dir / f"{stem}.html", pdf


def render_quarto(build_dir: Path, log, document: str = DOCUMENT) -> tuple[Path, Path]:
    """HTML and PDF with Quarto (>= 1.4) in the build directory."""
    exe = shutil.which("quarto")
    stem = Path(document).stem
    _run([exe, "render", document, "--to", "html"], build_dir, log)
    _run([exe, "render", document, "--to", "typst"], build_dir, log)
    return build_dir / f"{stem}.html", build_dir / f"{stem}.pdf"
