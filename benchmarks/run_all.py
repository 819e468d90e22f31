"""Run every benchmark and write their figures as a table into benchmarks/README.md.

Usage: .venv/bin/python benchmarks/run_all.py [--quick] [--only export_xlsx,startup]
Each script runs as its own process from this folder, with its defaults (or, with --quick,
smaller rounds and fewer repeats: a look, not a measurement). Its full output goes to
benchmarks/results/<script>.txt; its last line (`ratio: ...`) goes into the table between the
`<!-- run_all -->` markers of README.md, with the time it took and the load average before
and after (other work on the machine makes every figure slower; say so when quoting them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
START, END = "<!-- run_all -->", "<!-- /run_all -->"

# (script, what its ratio is, arguments for --quick)
SCRIPTS = [
    ("criteria_round.py", "engine / bare pass (<= 10x)", ["--applications", "100"]),
    ("results_page.py", "fresh worker's first view / 150 ms (<= 1.0x)", ["--repeat", "2"]),
    ("export_xlsx.py", "xlsx export / fastest bare writer (<= 1.2x)", ["--repeat", "1"]),
    ("export_csv.py", "xlsx time / score csv time (>= 10x)", ["--repeat", "1"]),
    (
        "scoring_page.py",
        "scoring page at 2,000 / at 30 applications (<= 1.2x)",
        ["--sizes", "30,300", "--repeat", "5"],
    ),
    ("startup.py", "CLI start-up / target (<= 1.0x)", ["--repeat", "3"]),
    (
        "save_latency.py",
        "save p95 during an export / without (<= 1.5x)",
        ["--applications", "100", "--saves", "10"],
    ),
    ("mail.py", "queued letters by one worker / bare smtplib (<= 2x)", ["--letters", "200"]),
]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated script names (no .py)")
    args = parser.parse_args()
    only = {f"{n.strip()}.py" for n in args.only.split(",") if n.strip()}
    (HERE / "results").mkdir(exist_ok=True)
    rows = []
    for script, meaning, quick in SCRIPTS:
        if only and script not in only:
            continue
        before = load()
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, script, *(quick if args.quick else [])],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=False,
        )
        took = time.perf_counter() - start
        output = done.stdout + (f"\n--- stderr ---\n{done.stderr}" if done.returncode else "")
        (HERE / "results" / f"{Path(script).stem}.txt").write_text(output)
        lines = [line for line in done.stdout.splitlines() if line.startswith("ratio")]
        last = lines[-1] if lines else f"failed (exit {done.returncode}; see results/)"
        rows.append(f"| `{script}` | {meaning} | {last} | {took:.0f} s | {before} / {load()} |")
        print(f"{script}: {last}", flush=True)
    text = README.read_text()
    if only and START in text:  # keep the rows of the scripts not run this time
        kept = [
            line
            for line in text.split(START, 1)[1].split(END, 1)[0].splitlines()
            if line.startswith("| `") and line.split("`")[1] not in only
        ]
        order = [name for name, _m, _q in SCRIPTS]
        rows = sorted(kept + rows, key=lambda line: order.index(line.split("`")[1]))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    table = "\n".join(
        [
            START,
            f"Last run: {stamp}{' (--quick)' if args.quick else ''}"
            f"{' (only ' + ', '.join(sorted(only)) + '; other rows kept)' if only else ''}, "
            f"{os.cpu_count()} cores, Python {sys.version.split()[0]}.",
            "",
            "| Script | Ratio of | Last line | Took | Load average before / after |",
            "|---|---|---|---|---|",
            *rows,
            END,
        ]
    )
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + table + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Latest figures (`run_all.py`)\n\n" + table + "\n"
    README.write_text(text)
    print(f"Wrote the table into {README}")


if __name__ == "__main__":
    main()
