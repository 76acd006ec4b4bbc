"""Unit tests of the command line (jabodash.cli): info as JSON and text, help without a command."""
import json

from jabodash.cli import main as cli_main


def test_cli_info_json(capsys):
    assert cli_main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert len(info["regions"]) == 15
    ind = {i["id"]: i for i in info["indicators"]}
    assert ind["population_census"]["coverage"] == {"2010": 13, "2020": 15}
    assert ind["ipm"]["years"][-1] == 2024
    assert any(d["id"] == "derived" for d in info["datasets"])


def test_cli_info_text_and_jabodetabek(capsys):
    assert cli_main(["info", "--region-set", "jabodetabek"]) == 0
    out = capsys.readouterr().out
    assert "14 regions" in out and "3203" not in out.split("Indicators")[0]


def test_cli_without_command_shows_help(capsys):
    assert cli_main([]) == 2
    assert "info" in capsys.readouterr().out
