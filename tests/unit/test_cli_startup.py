"""`dasan --help` stays light: no heavy library is imported to print the help."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sklearn", "duckdb", "ortools", "matplotlib", "pandas", "numpy", "sqlalchemy",
         "fastapi", "httpx", "pydantic_settings", "onnxruntime", "asyncio",
         "typer.rich_utils")  # Rich's help renderer: ~0.3 s of imports (plain help instead)


def test_help_imports_no_heavy_library() -> None:
    # Modules registered by `cli_support.lazy_module` (not yet executed) do not count.
    code = ("import sys, json\nfrom typer.testing import CliRunner\nfrom dasan.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0, r.output\n"
            "print(json.dumps(sorted({n if n == 'typer.rich_utils' else n.split('.')[0]\n"
            "                         for n, m in sys.modules.items()\n"
            "                         if type(m).__name__ != '_LazyModule'})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


# Loaded on first use (an export, a scan, a forecast, a solve, the first search index), never
# when the web app is imported: every server start and every test that spawns one pays for them.
WEB_LAZY = ("sklearn", "pandas", "duckdb", "ortools", "scipy", "holidays", "xlsxwriter",
            "bm25s", "matplotlib", "joblib")


def test_web_app_import_leaves_analytics_and_ml_libraries_for_later() -> None:
    code = ("import sys, json\nimport dasan.web.app\n"
            "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(WEB_LAZY), sorted(loaded & set(WEB_LAZY))
