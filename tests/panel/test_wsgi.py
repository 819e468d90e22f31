"""panel.wsgi: the app gunicorn serves, with the objects of start-up frozen out of the GC."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_module_builds_the_app_and_freezes_what_start_up_loaded(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
    env["PANEL_DATABASE_URL"] = f"sqlite:///{tmp_path}/wsgi.sqlite3"
    env["PANEL_SECRET_KEY"] = "5f" * 32
    code = (
        "import gc, panel.wsgi as w; "
        "print(w.app.name, 'results.results' in w.app.view_functions, gc.get_freeze_count())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    name, routed, frozen = done.stdout.split()
    assert (name, routed) == ("panel", "True")
    assert int(frozen) > 10_000  # the modules, app and config; a bare interpreter has none
