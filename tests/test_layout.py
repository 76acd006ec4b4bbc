"""The layout holds (README "Layout"): every feature goes by its URL slug from the page to its
logic, widgets, strings and tests; the packages import only the layers below them; no file name
repeats across packages but a slug's; test helpers come from tests/support, never from conftest."""
import ast
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "jabodash"

# The import layers, lowest first: a package imports only packages of lower layers (and itself).
# Within the issue's "geo, ingest" and "official, sql, presenter, charts" the order is the one the
# code has: the upload reader resolves regions with geo's matcher, the presenter draws with charts.
LAYERS = [{"core"}, {"geo"}, {"ingest"}, {"store"}, {"official", "sql", "charts"}, {"presenter"},
          {"features", "brief"}, {"ui"}]
TOP = {"cli", "cluster", "server"}   # entry points: may import any package, each other too
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer} | {name: len(LAYERS) for name in TOP}
# Imports that break the layers, each with its reason; empty: none is allowed.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def slugs() -> list[str]:
    """The URL paths of app.py's navigation (the first is the default page)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets))
    return [ast.literal_eval(item)[2] for item in pages.elts]


SLUGS = slugs()


def test_the_navigation_and_the_pages_folder_name_the_same_slugs():
    assert SLUGS and sorted(SLUGS) == sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets))
    for path, title_key, url in (ast.literal_eval(item) for item in pages.elts):
        assert path == f"pages/{url}.py" and title_key == f"nav.{url}"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_slug_has_its_page_feature_ui_module_strings_and_tests(slug):
    assert (ROOT / "pages" / f"{slug}.py").is_file()
    # the logic: features/<slug>.py, or a package of its own (the SQL console: jabodash/sql/)
    assert (PKG / "features" / f"{slug}.py").is_file() or (PKG / slug / "__init__.py").is_file()
    ui = (PKG / "ui" / f"{slug}.py").read_text(encoding="utf-8")
    assert re.search(r"^def render\(state\b", ui, re.M), f"jabodash/ui/{slug}.py has no render(state)"
    for lang in ("id", "en"):
        strings = tomllib.loads((PKG / "locales" / lang / f"{slug}.toml").read_text(encoding="utf-8"))
        assert slug in strings, f"locales/{lang}/{slug}.toml has no [{slug}] section"
    tests = ROOT / "tests"
    assert (tests / f"test_{slug}.py").is_file() or (tests / slug).is_dir(), f"no logic tests of {slug}"
    assert (tests / f"test_page_{slug}.py").is_file() or (tests / slug).is_dir(), f"no page tests of {slug}"


def imports(path: Path):
    """(line, imported jabodash package) of every import in the file, inside functions too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "jabodash":
                yield from ((node.lineno, alias.name) for alias in node.names)
            elif node.module.startswith("jabodash."):
                yield node.lineno, node.module.split(".")[1]
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, a.name.split(".")[1]) for a in node.names if a.name.startswith("jabodash."))


def layer_breaks() -> dict[tuple[str, str], int]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        if len(rel.parts) == 1:
            continue   # jabodash/__init__.py, __main__.py: the package's own entry
        mine = rel.parts[0]
        assert mine in RANK, f"jabodash/{mine}/ is in no layer: add it to LAYERS or TOP (and the README)"
        for line, other in imports(path):
            if other in RANK and other != mine and RANK[other] >= RANK[mine] and not (mine in TOP and other in TOP):
                out[(str(rel), f"jabodash.{other}")] = line
    return out


def test_packages_import_only_lower_layers():
    found = layer_breaks()
    unexplained = {k: v for k, v in found.items() if k not in EXCEPTIONS}
    assert not unexplained, unexplained
    assert not set(EXCEPTIONS) - set(found), "an exception that no longer happens: remove it"


def test_pages_and_the_app_import_only_the_ui_and_core():
    for path in [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]:
        used = {other for _, other in imports(path)}
        assert used <= {"ui", "core"}, (path.name, used)


def test_no_file_name_repeats_across_packages_but_a_slugs_or_a_commands():
    """A slug names its page, feature, charts, widgets and strings; a command of the command line
    (jabodash/cli/<command>.py) is named by its command. No other module name repeats."""
    commands = {p.stem for p in (PKG / "cli").glob("*.py")}
    names = Counter(p.name for p in PKG.rglob("*.py") if p.stem not in {"__init__", "__main__"}
                    and p.stem not in SLUGS and not (p.parent.name == "cli" and p.stem in commands))
    assert not [n for n, c in names.items() if c > 1]


def test_test_helpers_come_from_tests_support_not_conftest():
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from conftest import|import conftest)", text, re.M), path.name
