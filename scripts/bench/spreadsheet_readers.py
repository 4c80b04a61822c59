"""Time the spreadsheet readers on one 10,000-row sheet (docs/benchmarks.md, issue 13).

    .venv/bin/python scripts/bench/spreadsheet_readers.py [--rows 10000] [--repeat 5]

Writes a grade-export-like sheet (names, e-mail, six numeric grades, "-" for no grade,
the export timestamp as text) as .xlsx and .ods with scripts/datagen/spreadsheets.py in a
temporary directory, then reads it with each reader into a list of rows, best of
``--repeat`` runs each (wall time, one process, after one warm-up read):

- python-calamine directly (``load_workbook`` + ``to_python``), as lib.io.read_export does,
  and the same followed by read_export's conversion of every cell to its text;
- pandas.read_excel(engine="calamine", header=None);
- openpyxl (``load_workbook(read_only=True)``, ``iter_rows(values_only=True)``) for .xlsx,
  pandas.read_excel(engine="odf") (odfpy) for .ods;
- ``lib.io.read_export`` end to end (detection, text, frame), and on the same table
  written as a CSV export, for comparison.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from datagen.spreadsheets import write_ods, write_xlsx  # noqa: E402

from lib import io as lib_io  # noqa: E402

HEADER = [
    "First name",
    "Last name",
    "Email address",
    *[f"Quiz: Module {i} (Real)" for i in range(1, 7)],
    "Course total (Real)",
    "Last downloaded from this course",
]


def rows(n: int) -> list[list]:
    rnd = random.Random(13)
    out = []
    for i in range(n):
        grades = [rnd.choice(["-", round(rnd.uniform(0, 100), 2)]) for _ in range(6)]
        total = round(sum(g for g in grades if g != "-"), 2)
        out.append([f"Name{i}", f"Surname{i}", f"learner{i}@example.org", *grades, total, "1584580020"])
    return out


def best(fn, repeat: int) -> float:
    fn()  # warm-up (imports, page cache)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import openpyxl
    import pandas as pd
    import python_calamine

    data = rows(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"xlsx": Path(tmp) / "grades.xlsx", "ods": Path(tmp) / "grades.ods", "csv": Path(tmp) / "grades.csv"}
        write_xlsx(paths["xlsx"], HEADER, data, sheet="Grades")
        write_ods(paths["ods"], HEADER, data, sheet="Grades")
        with paths["csv"].open("w", encoding="utf-8", newline="") as f:  # the same table as a CSV export
            csv.writer(f, lineterminator="\n").writerows([HEADER, *data])

        def calamine(p):
            return python_calamine.load_workbook(str(p)).get_sheet_by_index(0).to_python(skip_empty_area=False)

        def calamine_text(p):
            return [[lib_io.cell_text(c) for c in row] for row in calamine(p)]

        def pandas_calamine(p):
            return pd.read_excel(p, engine="calamine", header=None).values.tolist()

        def openpyxl_rows(p):
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            out = list(wb.worksheets[0].iter_rows(values_only=True))
            wb.close()
            return out

        def pandas_odf(p):
            return pd.read_excel(p, engine="odf", header=None).values.tolist()

        def read_export(p):
            return lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source=p.name)

        readers = {
            "xlsx": [
                ("python-calamine", calamine),
                ("python-calamine + cell text", calamine_text),
                ('pandas.read_excel(engine="calamine")', pandas_calamine),
                ("openpyxl (read-only)", openpyxl_rows),
                ("lib.io.read_export", read_export),
            ],
            "ods": [
                ("python-calamine", calamine),
                ("python-calamine + cell text", calamine_text),
                ('pandas.read_excel(engine="calamine")', pandas_calamine),
                ('pandas.read_excel(engine="odf") (odfpy)', pandas_odf),
                ("lib.io.read_export", read_export),
            ],
            "csv": [("lib.io.read_export (csv module)", read_export)],
        }
        print(f"{args.rows:,} rows x {len(HEADER)} columns; best of {args.repeat}")
        print("| file | size | reader | seconds |\n|---|---:|---|---:|")
        for kind, path in paths.items():
            size = f"{path.stat().st_size / 1024:,.0f} KB"
            for name, fn in readers[kind]:
                print(
                    f"| .{kind} | {size} | {name} | {best(lambda fn=fn, p=path: fn(p), args.repeat):.3f} |", flush=True
                )


if __name__ == "__main__":
    main()
