"""Time the CLI as a process: `flask --app panel --help` and a small `export`, and what start-up
imports (from `python -X importtime`).

Usage: .venv/bin/python benchmarks/startup.py [--repeat 7] [--top 12]
Makes a scratch SQLite database (`flask db upgrade`, `seed-synthetic` 5 x 3 x 4), then times
each command `--repeat` times as a fresh process and prints the medians, and the modules that
`create_app` spends most on. Prints figures; asserts nothing. Targets: `--help` under 0.4 s and
a small `export` under 0.6 s; the ratio is the worse of the two against its target.

`flask --help` builds no more of the app than its list of commands (an app made by the `flask`
command is finished when a command runs or at its first request: panel/__init__.py), so it is
timed beside `python -c pass`; a command that reads the database also pays for Flask and
SQLAlchemy, timed alone as the floor under `export`. The imports listed are those of
`create_app()` called directly, as gunicorn and any running command get it (the whole app).

Bytecode is written and used, as in any installed app: PYTHONDONTWRITEBYTECODE is dropped from
the commands' environment (with it set, every run compiles the app's 200-odd modules from
source again, about 0.15 s). CPU time (user + sys) is printed beside wall time: on a shared,
loaded machine it moves less than wall time.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELP_TARGET = 0.4
EXPORT_TARGET = 0.6


CPU: list[float] = []


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(args: list[str], env: dict[str, str]) -> float:
    """Wall time of one process; its CPU time (user + sys) is appended to CPU."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    wall = time.perf_counter() - start
    CPU.append(_children_cpu() - cpu)
    return wall


def timed(args: list[str], env: dict[str, str], repeat: int) -> tuple[list[float], list[float]]:
    CPU.clear()
    walls = [run(args, env) for _ in range(repeat)]
    return walls, list(CPU)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="panel-startup-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PANEL_", "FLASK_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PANEL_DATABASE_URL"] = f"sqlite:///{folder / 'startup.sqlite3'}"
    env["PANEL_SECRET_KEY"] = secrets.token_hex(32)
    flask = [sys.executable, "-m", "flask", "--app", "panel"]
    run([*flask, "db", "upgrade"], env)
    run(
        [*flask, "seed-synthetic", "--applications", "5", "--panellists", "3", "--criteria", "4"],
        env,
    )

    load_before = os.getloadavg()
    help_times, help_cpu = timed([*flask, "--help"], env, args.repeat)
    export = [*flask, "export", "1", "--format", "xlsx", "--output", str(folder / "small.xlsx")]
    run(export, env)  # the export's own modules get their bytecode written
    export_times, export_cpu = timed(export, env, args.repeat)
    bare, bare_cpu = timed([sys.executable, "-c", "pass"], env, args.repeat)
    floor = "import flask, flask_sqlalchemy, sqlalchemy.orm"
    libs, libs_cpu = timed([sys.executable, "-c", floor], env, args.repeat)

    probe = "from panel import create_app; create_app()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    top: dict[str, int] = {}
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            package = m[4].split(".")[0]
            top[package] = top.get(package, 0) + int(m[1])
    print("create_app's imports, self time by top-level package:")
    for package, micros in sorted(top.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {micros / 1000:7.1f} ms  {package}")
    t_help, t_export = statistics.median(help_times), statistics.median(export_times)
    med = statistics.median
    print("medians of wall time, and of CPU time (user + sys):")
    print(
        f"python -c pass:                 {med(bare):.3f} s, cpu {med(bare_cpu):.3f} s (the floor)"
    )
    print(
        f"import flask, SQLAlchemy:       {med(libs):.3f} s, cpu {med(libs_cpu):.3f} s"
        " (the floor of a command that reads the database)"
    )
    print(
        f"flask --app panel --help:       {t_help:.3f} s, cpu {med(help_cpu):.3f} s"
        f" (target < {HELP_TARGET} s)"
    )
    print(
        f"flask --app panel export (5x3): {t_export:.3f} s, cpu {med(export_cpu):.3f} s"
        f" (target < {EXPORT_TARGET} s)"
    )
    loads = [" ".join(f"{x:.2f}" for x in load) for load in (load_before, os.getloadavg())]
    print(f"load average before / after the timings: {loads[0]} / {loads[1]}")
    ratio = max(t_help / HELP_TARGET, t_export / EXPORT_TARGET)
    print(f"ratio: {ratio:.2f}x (target <= 1.0x; the worse of --help / 0.4 s and export / 0.6 s)")


if __name__ == "__main__":
    main()
