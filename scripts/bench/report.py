"""Targets of issue 8 checked against a bench result, and the printed table."""

from __future__ import annotations

# (id, description, limit); a missing measurement is reported as not measured
TARGETS = [
    ("default_cold_s", "default data, cold run (s)", 10.0),
    ("default_noop_s", "default data, no-op rerun (s)", 1.5),
    ("default_touch_scoped", "touch one edition: only its chain + aggregates rerun", True),
    ("portfolio_wall_s", "largest portfolio, full run (s)", 90.0),
    ("portfolio_rss_mb", "largest portfolio, peak RSS (MB)", 4096.0),
    ("portfolio_ratio", "largest portfolio, run / pyarrow parse floor", 3.0),
    ("portfolio_truth", "largest portfolio, metrics = ground truth", True),
]


def _measured(result: dict) -> dict:
    got: dict = {}
    d = result.get("default")
    if d:
        got |= {"default_cold_s": d["cold"]["wall_s"], "default_noop_s": d["noop"]["wall_s"],
                "default_touch_scoped": d["touch"]["only_that_edition_and_aggregates"]}  # fmt: skip
    if result.get("portfolios"):
        p = max(result["portfolios"], key=lambda p: (p["participants"], p["editions"]))
        got |= {"portfolio_wall_s": p["wall_s"], "portfolio_rss_mb": p["peak_rss_mb"],
                "portfolio_ratio": p["ratio_to_floor"], "portfolio_truth": p["truth_check"]["ok"]}  # fmt: skip
    return got


def targets(result: dict) -> list[dict]:
    """One row per target: measured value and met (True / False / None = not measured)."""
    got = _measured(result)
    rows = []
    for key, text, limit in TARGETS:
        value = got.get(key)
        if value is None:
            met = None
        elif isinstance(limit, bool):
            met = value is limit
        else:
            met = value <= limit
        rows.append({"target": key, "description": text, "limit": limit, "measured": value, "met": met})
    return rows


def _plugin_line(seconds) -> str:
    if seconds == "absent":
        return "snakemake start: no SLURM executor plugin in this environment (it lives in .venv-slurm)"
    return f"snakemake start: importing the SLURM executor plugin takes {seconds} s (part of every run below)"


def table(result: dict) -> str:
    m = result["machine"]
    lines = [f"machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['mem_gb']} GB, Python {m['python']}, "
             f"load {m['load_before']} -> {m.get('load_after')}",
             _plugin_line(m.get("slurm_plugin_import_s")), ""]  # fmt: skip
    d = result.get("default")
    if d:
        cpu = {k: f"{d[k]['cpu_s']:8.2f}" if "cpu_s" in d[k] else f"{'-':>8s}" for k in ("cold", "noop", "touch")}
        lines += ["default data           wall s    CPU s   jobs",
                  f"  cold full run      {d['cold']['wall_s']:9.2f} {cpu['cold']} {d['cold']['jobs']:6d}",
                  f"  no-op rerun        {d['noop']['wall_s']:9.2f} {cpu['noop']} {d['noop']['jobs']:6d}",
                  f"  touch {d['touch']['file']:<12.12s} {d['touch']['wall_s']:9.2f} {cpu['touch']} {d['touch']['jobs']:6d}"
                  f"  (scoped: {d['touch']['only_that_edition_and_aggregates']})", ""]  # fmt: skip
    if result.get("portfolios"):
        lines.append("portfolio (editions x participants x responses)   wall s  peak RSS MB  jobs  "
                     "floor s  ratio  truth")  # fmt: skip
        for p in result["portfolios"]:
            size = f"{p['editions']} x {p['participants']:,} x {p['responses']:,}"
            tc = p["truth_check"]
            lines.append(f"  {size:<46s} {p['wall_s']:8.2f} {p['peak_rss_mb']:12.0f} {p['jobs']:5d} "
                         f"{p['floor']['seconds']:8.2f} {p['ratio_to_floor']:6.1f}  "
                         f"{'ok' if tc['ok'] else 'DIFFERS'} ({tc['checked']} keys)")  # fmt: skip
            stages = ", ".join(f"{k} {v['job_seconds']:.1f}s/{v['jobs']}j" for k, v in p["stages"].items())
            lines.append(f"    job seconds by stage: {stages}")
            for problem in tc["problems"]:
                lines.append(f"    truth: {problem}")
        lines.append("")
    lines.append("targets")
    for t in result.get("targets", []):
        verdict = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        lines.append(f"  {t['description']:<55s} {t['measured']!s:>10s} (limit {t['limit']}) {verdict}")
    return "\n".join(lines)
