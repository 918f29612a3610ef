"""`manage.py` typed in a second terminal beside `make run` sees the settings `make run` serves with
(var/dev.env), and production without that file still refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cityplatform.env import load_dev_env

ROOT = Path(__file__).resolve().parents[2]


def _clean_env(**extra) -> dict:
    """The environment of a new terminal: none of the settings the Makefile or tests export."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "DEMO_MODE", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DEV_ENV_FILE"}}
    return {**env, **extra}


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_it_writes_the_file_make_run_uses_and_manage_py_then_works_without_exports(tmp_path):
    dev_env = tmp_path / "dev.env"
    subprocess.run(["scripts/dev-env.sh", str(dev_env)], cwd=ROOT, env=_clean_env(DEBUG="1"), check=True)
    assert "DEBUG=1" in dev_env.read_text().splitlines()
    assert oct(dev_env.stat().st_mode & 0o777) == "0o600"

    result = _manage("check", env=_clean_env(DEV_ENV_FILE=str(dev_env)))

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_the_file_production_still_refuses_to_start_without_a_secret(tmp_path):
    result = _manage("check", env=_clean_env(DEV_ENV_FILE=str(tmp_path / "absent.env")))

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    dev_env = tmp_path / "dev.env"
    dev_env.write_text("# comment\n\nDEBUG=1\nPLATFORM_DOMAIN=example.test\n")
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.delenv("PLATFORM_DOMAIN", raising=False)

    load_dev_env(dev_env)

    assert os.environ["DEBUG"] == "0"
    assert os.environ["PLATFORM_DOMAIN"] == "example.test"


@pytest.mark.parametrize("line", ["SECRET_KEY=abc", "DEBUG", "PDPA_ENCRYPTION_KEYS=x"])
def test_it_takes_no_secret_and_no_stray_line_from_the_file(tmp_path, line):
    dev_env = tmp_path / "dev.env"
    dev_env.write_text(line + "\n")

    with pytest.raises(ImproperlyConfigured, match="dev.env:1"):
        load_dev_env(dev_env)


def test_the_readme_template_command_writes_a_workbook_the_import_reads(tmp_path):
    dev_env = tmp_path / "dev.env"
    dev_env.write_text("DEBUG=1\n")
    target = tmp_path / "households.xlsx"

    result = _manage("import_template", "--dataset", "households", str(target),
                     env=_clean_env(DEV_ENV_FILE=str(dev_env)))

    assert result.returncode == 0, result.stderr
    from openpyxl import load_workbook

    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("รหัสบ้าน", "บ้านเลขที่") and rows[1][0] == "92020100001"
