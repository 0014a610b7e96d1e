"""Dependencies point one way (README, "Layout"):

    common <- partnership <- referrals <- assessments <- recovery_plans

``safeguarding`` and ``reporting`` may use all of those, and ``reporting`` may use
``safeguarding``, but ``safeguarding`` may not use ``reporting``. ``demo`` may import anything
and nothing imports it except the settings. Every import counts: absolute or relative, at the
top of a module or inside a function. Migrations are history, so they are not walked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent

CHAIN = ["common", "partnership", "referrals", "assessments", "recovery_plans"]
ALLOWED: dict[str, set[str]] = {app: set(CHAIN[: i + 1]) for i, app in enumerate(CHAIN)}
ALLOWED["safeguarding"] = {*CHAIN, "safeguarding"}
ALLOWED["reporting"] = {*CHAIN, "safeguarding", "reporting"}
OURS = set(ALLOWED) | {"demo"}
ALLOWED["demo"] = set(OURS)
# Who may import demo, besides demo: the settings only (development data is switched on there).
DEMO_IMPORTERS = ("config/settings/",)


def _module_name(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported_packages(path: Path, root: Path) -> list[tuple[int, str, str]]:
    """``(line, top-level package, dotted name)`` for every import in the file, relative imports
    resolved against the file's own package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0], alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] if node.level > 1 else package
                dotted = ".".join([*base, *([node.module] if node.module else [])])
            else:
                dotted = node.module or ""
            if dotted:
                found.append((node.lineno, dotted.split(".")[0], dotted))
        elif (
            # apps.get_model("referrals", ...) reaches into another app as surely as an import.
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            label = node.args[0].value.split(".")[0]
            found.append((node.lineno, label, f"get_model({node.args[0].value!r})"))
    return found


def wrong_way_imports(root: Path) -> list[str]:
    """Every import in our apps (and config) that goes against the order, as readable lines."""
    problems = []
    for app in sorted(OURS) + ["config"]:
        app_dir = root / app
        if not app_dir.is_dir():
            continue
        for path in sorted(app_dir.rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative:
                continue
            for line, imported, dotted in _imported_packages(path, root):
                if imported not in OURS or imported == app:
                    continue
                if imported == "demo" and app != "demo":
                    if not relative.startswith(DEMO_IMPORTERS):
                        problems.append(f"{relative}:{line} imports {dotted}: nothing but the settings imports demo")
                    continue
                if app != "config" and imported not in ALLOWED[app]:
                    others = ", ".join(sorted(ALLOWED[app] - {app}))
                    rule = f"{app} may import only {others}" if others else f"{app} may import no other app of ours"
                    problems.append(f"{relative}:{line} imports {dotted}: {rule}")
    return problems


def test_imports_point_one_way():
    problems = wrong_way_imports(ROOT)
    assert not problems, "Imports going the wrong way (see README, Layout):\n" + "\n".join(problems)


def test_partnership_models_point_into_no_other_app_of_ours():
    wrong = []
    for model in apps.get_app_config("partnership").get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            # Forward relations only: other apps may point at partnership, not the reverse.
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target in OURS and target not in ALLOWED["partnership"]:
                wrong.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert not wrong, "partnership models pointing into another app of ours:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "partnership/views.py",
            "from referrals.models import Person\n",
            "partnership/views.py:1 imports referrals.models",
        ),
        (
            "partnership/grants.py",
            "def f():\n    from referrals import models\n",
            "partnership/grants.py:2 imports referrals",
        ),
        ("referrals/sub/mod.py", "from ...assessments import models\n", "referrals/sub/mod.py:1 imports assessments"),
        ("safeguarding/x.py", "import reporting.tasks\n", "safeguarding/x.py:1 imports reporting.tasks"),
        ("reporting/x.py", "import safeguarding.selectors\n", None),
        ("referrals/x.py", "import demo.data\n", "referrals/x.py:1 imports demo.data: nothing but the settings"),
        ("config/settings/local.py", "import demo\n", None),
        ("partnership/x.py", "from django.apps import apps\napps.get_model('referrals', 'Person')\n", "get_model"),
        ("partnership/migrations/0009_x.py", "from referrals.models import Person\n", None),
    ],
)
def test_a_wrong_way_import_is_reported(tmp_path, path, source, expected):
    """The checker itself: a planted import in a copy of the layout is found (or allowed)."""
    file = tmp_path / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(source)
    problems = wrong_way_imports(tmp_path)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems


def test_relative_imports_are_resolved_against_their_package(tmp_path):
    (tmp_path / "partnership" / "sub").mkdir(parents=True)
    (tmp_path / "partnership" / "sub" / "__init__.py").write_text("from .. import models\nfrom .mod import x\n")
    (tmp_path / "common" / "sub").mkdir(parents=True)
    (tmp_path / "common" / "sub" / "mod.py").write_text("from ...partnership import access\n")
    assert wrong_way_imports(tmp_path) == [
        "common/sub/mod.py:1 imports partnership: common may import no other app of ours"
    ]
