"""Rules the thematic pages keep together: every string in both languages with the same
placeholders, every key the code uses exists, the pages stay thin, their queries take named
parameters only, and a page switch keeps the shared sidebar."""
import re

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import APP

from jabodash.core.i18n import strings
from jabodash.core.paths import ROOT

# --- population, public services, cooperation (Kependudukan, Layanan, Kerjasama) ------------------

SECTIONS = ("kependudukan", "layanan", "kerjasama")


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    ids = {k: v for k, v in strings("id").items() if k.split(".")[0] in SECTIONS}
    ens = {k: v for k, v in strings("en").items() if k.split(".")[0] in SECTIONS}
    assert ids.keys() == ens.keys() and len(ids) > 100
    for key in ids:
        assert ids[key].strip() and ens[key].strip(), key
        assert set(re.findall(r"{(\w+)}", ids[key])) == set(re.findall(r"{(\w+)}", ens[key])), key


@pytest.mark.parametrize("page", sorted(p.stem for p in (ROOT / "pages").glob("*.py")))
def test_every_page_is_its_set_up_and_its_ui_module(page):
    """A page is ``state = ui.page_setup("<slug>")`` and ``ui.<slug>.render(state)`` (under its
    docstring); its widgets are jabodash/ui/<slug>.py, which writes the view to the URL (the
    last step of the page, or of the fragment that the page calls last)."""
    import ast
    tree = ast.parse((ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8"))
    code = [ast.unparse(node) for node in tree.body[1:]]
    assert ast.get_docstring(tree) and code == [
        "from jabodash import ui", f"state = ui.page_setup('{page}')", f"ui.{page}.render(state)"], code
    assert "shell.sync_url(state" in (ROOT / "jabodash" / "ui" / f"{page}.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.sql")
                                        if p.stem.startswith(("kependudukan_", "layanan_", "kerjasama_"))))
def test_theme_queries_use_named_parameters_only(name):
    sql = (ROOT / "queries" / f"{name}.sql").read_text()
    assert "?" not in sql and "{" not in sql and "%s" not in sql
    assert re.search(r"\$[a-z_]+", sql)


@pytest.mark.parametrize("page", ["kependudukan", "layanan", "kerjasama"])
def test_page_switch_keeps_the_sidebar(page):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert at.radio(key="w_lang").value == "en"
    assert at.radio(key="w_region_set").value == "agglomeration"


# --- compare, data and methods (Bandingkan, Data) ------------------------------------------------

def test_every_used_key_exists_in_both_languages():
    """Every key the code passes to t() (literal, or an f-string family such as
    ``layanan.denominator.{x}``) exists in both languages."""
    keys = set()
    for path in sorted([*(ROOT / "jabodash").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]):
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""(?<![\w.])t\(\s*f?["']([a-z_]+(?:\.[a-z_{}]+)+)["']""", text))
    # expand the f-string families used in the modules
    expanded = set()
    for key in keys:
        if "{" in key:
            for real in strings("id"):
                if re.fullmatch(re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(key)), real):
                    expanded.add(real)
        else:
            expanded.add(key)
    assert len(expanded) > 400
    for lang in ("id", "en"):
        missing = sorted(k for k in expanded if k not in strings(lang))
        assert not missing, (lang, missing)


def test_compare_and_methods_strings_complete_in_both_languages():
    id_keys = {k for k in strings("id") if k.startswith(("bandingkan.", "data."))}
    en_keys = {k for k in strings("en") if k.startswith(("bandingkan.", "data."))}
    assert id_keys == en_keys and len(id_keys) > 100
    same = [k for k in id_keys if strings("id")[k] == strings("en")[k]]
    assert len(same) < 5, same  # translated, not copied


def test_my_sql_files_use_named_parameters_only():
    for path in sorted((ROOT / "queries").glob("*.sql")):
        if not path.name.startswith(("bandingkan_", "data_")):
            continue
        sql = path.read_text(encoding="utf-8")
        assert "{" not in sql and "%s" not in sql and "?" not in sql, path.name
        assert sql.lstrip().startswith("--"), f"{path.name} starts with a comment saying what it does"


def test_only_the_ui_package_imports_streamlit_and_its_modules_shadow_nothing():
    """Streamlit stays in jabodash/ui/ (and the server launcher, which hooks Streamlit's web app); a ui submodule never has a name that the package's
    __init__ binds otherwise (importing ``jabodash.ui.workspace`` once replaced the store's
    ``workspace`` module inside ui, and saved datasets vanished from the pages)."""
    import ast
    pkg = ROOT / "jabodash"
    users = sorted(str(p.relative_to(pkg)) for p in pkg.rglob("*.py")
                   if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(encoding="utf-8"), re.M))
    assert users and all(u.startswith(("ui/", "server/")) for u in users), users
    tree = ast.parse((pkg / "ui" / "__init__.py").read_text(encoding="utf-8"))
    bound = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
             if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    bound |= {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    submodules = {p.stem for p in (pkg / "ui").glob("*.py") if p.stem != "__init__"}
    assert submodules and not submodules & bound, submodules & bound
