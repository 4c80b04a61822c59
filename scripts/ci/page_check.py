"""Check the published HTML pages on a desktop and a phone width in headless Chromium.

    python scripts/ci/page_check.py [--scope 2020] [--out DIR] [--widths 1280,390] [page.html ...]

Without pages: every HTML document that exists among results/<scope>/report/*.html (the
Impact Story, the technical annex when there is one) and results/<scope>/audit/claims.html;
the scope is config.yaml's `scope` unless `--scope` names another. Screenshots go to
`--out` (default results/<scope>/page_check).

Desktop Chromium will not make a window narrower than 500 px, so each page is shown in an
iframe exactly `width` px wide (its own viewport: media queries and innerWidth are those
of a phone at 390 px). A copy of the page gets a small script that, once the page has
loaded, measures the layout and posts the result to the wrapper page, which writes it into
its DOM (read back with Chromium's --dump-dom):

* the page is wider than the window (document scrollWidth > innerWidth): something pushes
  the page sideways on that screen;
* elements that stick out of the window (right edge past innerWidth), not counting those
  inside a box that scrolls or clips sideways (a table in a scrolling wrapper is fine);
* images without a non-empty alt text.

Screenshots of the whole page at each width go to the output directory (not committed;
results/ is git-ignored), in parts of at most 10,000 px. Exit status 1 when any page fails, with one line per
problem. Chromium is Debian's `chromium` package (`.ci/run` installs it).
"""

from __future__ import annotations

import argparse
import glob
import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_PAGES = ("report/*.html", "audit/claims.html")  # under results/<scope>/
RESULT_ID = "page-check-result"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
    "--virtual-time-budget=10000",
]
SHOT_PART = 10000
MIN_WINDOW = 500  # desktop Chromium's narrowest window

# Runs after load (images decoded); posts its JSON to the wrapper page.
PROBE = """
<script>
window.addEventListener("load", function () {
  var vw = window.innerWidth, doc = document.documentElement;
  function clipped(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      var ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden" || ox === "clip") return true;
    }
    return false;
  }
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.className && typeof el.className === "string") s += "." + el.className.trim().split(/\\s+/).join(".");
    return s;
  }
  var wide = [];
  document.querySelectorAll("body *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1 && !clipped(el)) wide.push(name(el) + " (right edge " + Math.round(r.right) + " px)");
  });
  var noAlt = [];
  document.querySelectorAll("img").forEach(function (img, i) {
    var alt = img.getAttribute("alt");
    if (!alt || !alt.trim()) noAlt.push("img " + (i + 1) + " " + (img.getAttribute("src") || "").slice(0, 40));
  });
  parent.postMessage(JSON.stringify({
    innerWidth: vw, scrollWidth: doc.scrollWidth, scrollHeight: doc.scrollHeight,
    wide: wide.slice(0, 20), wideCount: wide.length, noAlt: noAlt
  }), "*");
});
</script>
""".replace("__ID__", RESULT_ID)

WRAPPER = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>html,body{{margin:0;padding:0;overflow:hidden;background:#fff}}
iframe{{position:absolute;left:0;top:{top}px;width:{width}px;height:{height}px;border:0}}</style>
</head><body><iframe src="{src}"></iframe><pre id="{rid}" hidden></pre>
<script>window.addEventListener("message", function (e) {{
  document.getElementById("{rid}").textContent = e.data; }});</script></body></html>
"""


def wrapper(src: str, width: int, height: int, top: int = 0) -> str:
    """A page holding `src` in an iframe of `width` x `height` px, shifted up by -top."""
    return WRAPPER.format(src=html.escape(src), width=width, height=height, top=top, rid=RESULT_ID)


def find_pages(results_dir: Path, patterns=DEFAULT_PAGES) -> list[Path]:
    return [Path(p) for pattern in patterns for p in sorted(glob.glob(str(results_dir / pattern)))]


def default_scope(config: Path = Path("config.yaml")) -> str:
    """The `scope` config.yaml sets (the scope `make run` builds without SCOPE=)."""
    import yaml

    return str(yaml.safe_load(config.read_text(encoding="utf-8"))["scope"])


def with_probe(page: str) -> str:
    """The page with the probe inserted before </body> (or appended)."""
    index = page.lower().rfind("</body>")
    return page + PROBE if index < 0 else page[:index] + PROBE + page[index:]


def read_result(dom: str) -> dict:
    """The probe's JSON out of Chromium's --dump-dom output."""
    start = dom.find(f'id="{RESULT_ID}"')
    if start < 0:
        raise RuntimeError("the page-check probe did not run (no result element in the dumped DOM)")
    body = dom[dom.index(">", start) + 1:dom.index("</pre>", start)]
    if not body.strip():
        raise RuntimeError("the page-check probe wrote nothing (load event never fired?)")
    return json.loads(html.unescape(body))


def problems(result: dict, label: str) -> list[str]:
    """The failures one measurement shows (empty list when the page passes)."""
    out = []
    if result["scrollWidth"] > result["innerWidth"]:
        out.append(f"{label}: page is {result['scrollWidth']} px wide in a {result['innerWidth']} px window")
    if result["wideCount"]:
        out.append(f"{label}: {result['wideCount']} element(s) wider than the window, e.g. "
                   + "; ".join(result["wide"][:5]))
    for img in result["noAlt"]:
        out.append(f"{label}: {img} has no alt text")
    return out


def chromium(exe: str, args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="page-check-chromium-")
    try:
        return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def check_page(exe: str, page: Path, width: int, out_dir: Path) -> list[str]:
    label = f"{page} at {width} px"
    probe_copy = out_dir / f"{page.stem}.probe.html"
    probe_copy.write_text(with_probe(page.read_text(encoding="utf-8")), encoding="utf-8")
    frame = out_dir / f"{page.stem}.frame.html"
    window = max(width, MIN_WINDOW)
    frame.write_text(wrapper(probe_copy.resolve().as_uri(), width, 900), encoding="utf-8")
    done = chromium(exe, [f"--window-size={window},900", "--dump-dom", frame.resolve().as_uri()])
    try:
        result = read_result(done.stdout)
    except (RuntimeError, ValueError) as err:
        return [f"{label}: {err}; chromium said: {done.stderr.strip()[-500:]}"]
    height = max(int(result["scrollHeight"]), 600)
    shots = []
    for part, top in enumerate(range(0, height, SHOT_PART), 1):
        shot = out_dir / f"{page.stem}_{width}_{part}.png"
        frame.write_text(wrapper(page.resolve().as_uri(), width, height, -top), encoding="utf-8")
        chromium(exe, [f"--window-size={window},{min(SHOT_PART, height - top)}",
                       f"--screenshot={shot.resolve()}", frame.resolve().as_uri()])
        if window > width and shot.exists():  # the window is wider than the iframe: keep the iframe
            from PIL import Image

            with Image.open(shot) as img:
                img.crop((0, 0, width, img.height)).save(shot)
        shots.append(shot.name)
    probe_copy.unlink()
    frame.unlink()
    found = problems(result, label)
    print(f"{label}: {'FAIL' if found else 'ok'} (page {result['scrollWidth']} px wide, "
          f"{result['scrollHeight']} px high; screenshots {', '.join(shots)} in {out_dir})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path)
    parser.add_argument("--scope", help="scope whose pages to check (default: config.yaml's `scope`)")
    parser.add_argument("--out", type=Path, help="screenshots (default: results/<scope>/page_check)")
    parser.add_argument("--widths", default="1280,390")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args(argv)
    results_dir = Path("results") / (args.scope or default_scope())
    args.out = args.out or results_dir / "page_check"
    pages = args.pages or find_pages(results_dir)
    if not pages:
        print("page check: no HTML page to check (run the workflow and the audit first)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    failures = []
    for page in pages:
        for width in (int(w) for w in args.widths.split(",")):
            failures += check_page(args.chromium, page, width, args.out)
    for line in failures:
        print(line, file=sys.stderr)
    print(f"page check: {len(pages)} page(s), {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
