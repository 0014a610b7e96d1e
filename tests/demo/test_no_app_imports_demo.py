"""``demo`` is development-only data: it may import any app, and no other code imports it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("common", "config", "partnership", "referrals", "assessments", "recovery_plans", "safeguarding", "reporting")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_domain_app_imports_demo():
    offenders = [
        str(path.relative_to(ROOT))
        for app in DOMAIN
        for path in (ROOT / app).rglob("*.py")
        if any(name == "demo" or name.startswith("demo.") for name in _imports(path))
    ]
    assert offenders == []
