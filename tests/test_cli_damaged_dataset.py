"""A damaged saved dataset: every command that reads the workspace says so once, in one line in
its language (--lang, default Bahasa Indonesia), without a Python warning or a source path."""
import os
import subprocess
import sys

import pytest
from support.data import ROOT

from jabodash.cli import main as cli_main
from jabodash.store import shelf

ID_LINE = "Dataset rusak-satu rusak dan dilewati (meta.json tidak dapat dibaca)."
EN_LINE = "Dataset rusak-satu is damaged and was skipped (meta.json cannot be read)."


@pytest.fixture
def damaged_workspace(tmp_path, monkeypatch):
    folder = tmp_path / "workspace"
    bad = folder / "datasets" / "rusak-satu"
    bad.mkdir(parents=True)
    (bad / "meta.json").write_text("{rusak")
    monkeypatch.setenv("JABODASH_WORKSPACE", str(folder))
    return folder


@pytest.mark.parametrize("lang, line", [(None, ID_LINE), ("id", ID_LINE), ("en", EN_LINE)])
def test_sql_command_says_it_once(damaged_workspace, lang, line):
    env = {**os.environ, "JABODASH_WORKSPACE": str(damaged_workspace), "PYTHONPATH": str(ROOT),
           "PYTHONWARNINGS": "default"}
    argv = [sys.executable, "-m", "jabodash", "sql", "SELECT 41 + 1 AS n", "--format", "csv"]
    run = subprocess.run(argv + (["--lang", lang] if lang else []), env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["n", "42"]
    assert run.stderr.splitlines() == [line]


def test_in_process_commands_say_it_once_each(damaged_workspace, capsys):
    shelf.list_datasets()   # seen before the command: not said by it
    assert cli_main(["sql", "SELECT count(*) AS n FROM region", "--format", "csv", "--lang", "en"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["n", "15"]
    assert out.err.splitlines() == [EN_LINE]
    assert cli_main(["sql", "SELECT 1 AS n", "--format", "csv"]) == 0   # the next command says it again
    assert capsys.readouterr().err.splitlines() == [ID_LINE]
    assert cli_main(["info", "--json"]) == 0   # lists the saved BPS refreshes: reads the workspace, says it once
    assert capsys.readouterr().err.splitlines() == [ID_LINE]
