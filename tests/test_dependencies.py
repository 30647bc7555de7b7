"""Dependencies point one way (DESIGN.md): events → organisations → initiatives.

The catalogue stands on its own; organisations may point at the catalogue but know
nothing of meetings; meetings may use both. Checked on every module's imports.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "initiatives": {"events", "organisations"},
    "organisations": {"events"},
    # The site-wide plumbing knows no app (urls.py includes them by name) ...
    "zorgzaam": {"events", "organisations", "initiatives"},
}
# ... except the home page, which shows what the apps offer.
COMPOSES_THE_APPS = {"zorgzaam/views.py"}


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_the_apps_that_build_on_it(app):
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {sorted(_imported_apps(path) & FORBIDDEN[app])}"
        for path in (ROOT / app).rglob("*.py")
        if _imported_apps(path) & FORBIDDEN[app]
        and str(path.relative_to(ROOT)) not in COMPOSES_THE_APPS
    )
    assert wrong == []
