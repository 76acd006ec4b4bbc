"""Rules the thematic pages keep together: every string in both languages with the same
placeholders, every key the code uses exists, the pages stay thin, their queries take named
parameters only, and a page switch keeps the shared sidebar."""
import re

import pytest
from conftest import APP
from streamlit.testing.v1 import AppTest

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


def test_every_key_used_by_the_code_exists():
    used = set()
    for path in ["pages/kependudukan.py", "pages/layanan.py", "pages/kerjasama.py", "jabodash/features/kependudukan.py",
                 "jabodash/features/layanan.py", "jabodash/features/kerjasama.py", "jabodash/charts/kependudukan.py",
                 "jabodash/charts/layanan.py", "jabodash/charts/kerjasama.py"]:
        text = re.sub(r'per_data_version\("[^"]+"', "", (ROOT / path).read_text())   # cache names, not keys
        used |= set(re.findall(r'"((?:kependudukan|layanan|kerjasama)\.[a-z0-9_.]+)"', text))
    missing = {k for k in used if k not in strings("id") and not k.endswith(".")}
    assert not missing


@pytest.mark.parametrize("page", ["kependudukan", "layanan", "kerjasama"])
def test_pages_stay_thin(page):
    text = (ROOT / "pages" / f"{page}.py").read_text()
    assert len(text.splitlines()) < 120
    assert "import pandas" not in text and "plotly" not in text.replace("plotly_chart", "")
    assert not re.search(r"\bSELECT\b|\bFROM\b", text)
    assert "ui.page_setup(" in text.splitlines()[8] or "ui.page_setup(" in text[:600]
    # the view goes to the URL last: at the end of the page, or at the end of the page's fragment that
    # the page calls last (pages/kependudukan.py: the census year reruns alone and must write the URL)
    last = text.rstrip().splitlines()[-1]
    assert text.rstrip().endswith("ui.sync_url(state)") or (
        "@st.fragment" in text and last.startswith(re.search(r"@st\.fragment\ndef (\w+)\(", text)[1] + "(")
        and "    ui.sync_url(state" in text)


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

MY_FILES = ["jabodash/features/bandingkan.py", "jabodash/features/data.py", "jabodash/charts/bandingkan.py",
            "jabodash/charts/data.py", "pages/bandingkan.py", "pages/data.py"]


def test_every_used_key_exists_in_both_languages():
    keys = set()
    for name in MY_FILES:
        text = (ROOT / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r"""t\(\s*f?["']([a-z_]+(?:\.[a-z_{}]+)+)["']""", text))
    # expand the f-string families used in the modules
    expanded = set()
    for key in keys:
        if "{" in key:
            for real in strings("id"):
                if re.fullmatch(re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(key)), real):
                    expanded.add(real)
        else:
            expanded.add(key)
    assert len(expanded) > 40
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


def test_compare_and_data_pages_stay_thin():
    for name in ("pages/bandingkan.py", "pages/data.py"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert len(text.splitlines()) < 120
        assert "import pandas" not in text and "import plotly" not in text and "update_layout" not in text
        assert not re.search(r"\bSELECT\b|\bFROM\b", text), "no SQL in pages"
        assert "ui.page_setup(" in text and text.rstrip().endswith(")") and "ui.sync_url(state)" in text


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


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*.py")))
def test_every_page_is_at_most_120_lines(page):
    """Pages stay thin: read the view, call one feature module, render; widget blocks live in
    jabodash/ui/ helpers and logic in jabodash/features/."""
    lines = (ROOT / "pages" / page).read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 120, f"pages/{page} has {len(lines)} lines"
