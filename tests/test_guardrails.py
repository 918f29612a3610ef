"""The guardrails `make lint` runs (and so `make test` and CI): they must fail on the mistakes they
exist for, not only pass on today's tree."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ROOT_PACKAGES = PYPROJECT["tool"]["importlinter"]["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _project_packages() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/__init__.py")}


def test_every_package_of_the_project_is_first_party_for_isort_and_checked_for_layering():
    first_party = set(PYPROJECT["tool"]["ruff"]["lint"]["isort"]["known-first-party"])

    assert _project_packages() <= first_party
    assert _project_packages() - {"tests"} <= set(ROOT_PACKAGES)


def _tree_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the project's Python packages with one import line added to `module`."""
    for package in ROOT_PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}\n")
    return tmp_path


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          timeout=300, check=False, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)})


def test_the_layering_holds_on_the_tree():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module, line, contract", [
    ("infrastructure/services/__init__.py", "import smarthealth.models  # noqa", "The two domains never"),
    ("kernel/text.py", "import tenants.models  # noqa", "The kernel imports no app"),
    ("imports/engine.py", "import infrastructure.models  # noqa", "The import engine imports no domain"),
    ("tenants/models/__init__.py", "import dashboards.models  # noqa", "tenants (the ground floor)"),
    ("smarthealth/selectors.py", "import api.auth  # noqa", "The house"),
])
def test_a_broken_layer_fails_the_check_and_names_the_contract(tmp_path, module, line, contract):
    result = _lint_imports(_tree_with(tmp_path, module, line))

    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(contract) for row in broken), result.stdout
