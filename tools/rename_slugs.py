# ruff: noqa: B023  (the closures run inside their loop iteration)
"""One-off (issue 22, phase A): every feature by its URL slug, no file name repeated across packages.

Moves files with ``git mv`` and rewrites every reference: dotted module paths, file paths, the local
name a module was imported under, query names, locale sections and keys. Run once from the
repository root on a clean tree; kept in the commit so the change can be read and replayed.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (old dotted module, new dotted module, rename the bare local name)
MODULES = [
    ("jabodash.charts.maps", "jabodash.charts.peta", True),
    ("jabodash.ui.peta_panels", "jabodash.ui.peta", True),
    ("jabodash.ui.population", "jabodash.ui.kependudukan", True),
    ("jabodash.ui.cooperation", "jabodash.ui.kerjasama", True),
    ("jabodash.ui.bps", "jabodash.ui.data", True),
    ("jabodash.ui.sql_console", "jabodash.ui.sql", True),
    ("jabodash.ui.story_editor", "jabodash.ui.presentasi", True),
    ("jabodash.ui.upload_form", "jabodash.ui.unggah", True),
    ("jabodash.presenter.editor", "jabodash.features.presentasi", True),
    ("jabodash.store.uploads", "jabodash.store.overlay", True),
    ("jabodash.store.workspace", "jabodash.store.shelf", True),
    ("jabodash.store.sharing", "jabodash.store.access", True),
    ("jabodash.ui.sharing", "jabodash.ui.workspace", True),
    ("jabodash.sql.uploads", "jabodash.sql.relations", True),
    ("jabodash.sql.results", "jabodash.sql.output", True),
    ("jabodash.ingest.results", "jabodash.ingest.outcome", True),
    ("jabodash.ingest.regions", "jabodash.ingest.resolve", True),
    ("jabodash.ingest.limits", "jabodash.ingest.caps", True),
    ("jabodash.official.refresh", "jabodash.official.fetch", True),
    ("jabodash.official.store", "jabodash.official.dataset", False),   # bare `store` fixed by hand
]
ALIASES = {"uploads_mod": "overlay", "workspace_ui": "workspace", "sql_uploads": "sql_relations"}
TESTS = [("tests/test_maps.py", "tests/test_peta.py"), ("tests/test_stories.py", "tests/test_presentasi.py"),
         ("tests/test_workspace.py", "tests/test_shelf.py"),
         ("tests/test_workspace_shared.py", "tests/test_shelf_shared.py")]
QUERY_PREFIX = {"cmp_": "bandingkan_", "coop_": "kerjasama_", "pop_": "kependudukan_", "svc_": "layanan_",
                "meta_": "data_"}
QUERY_RENAME = {"upload_sources": "data_upload_sources"}
# locale sections: old -> new (top level of the key)
SECTIONS = {"overview": "ringkasan", "maps": "peta.map", "population": "kependudukan", "services": "layanan",
            "cooperation": "kerjasama", "compare": "bandingkan", "methods": "data", "bps_refresh": "data.refresh",
            "presenter": "presentasi"}
NAV = {"overview": "ringkasan", "maps": "peta", "population": "kependudukan", "space": "wilayah",
       "services": "layanan", "cooperation": "kerjasama", "compare": "bandingkan", "upload": "unggah",
       "presenter": "presentasi"}
KEY_FALSE_FRIENDS = {"bps_refresh.json", "overview.png"}


def git(*args):
    subprocess.run(["git", *args], cwd=ROOT, check=True)


def path_of(module):
    return ROOT / (module.replace(".", "/") + ".py")


def text_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    keep = (".py", ".md", ".toml", ".sql", ".sh", ".ini", ".txt", ".yml", ".cfg")
    return [ROOT / p for p in out.split() if p.endswith(keep) and not p.startswith("tests/fixtures/")
            and p != "tools/rename_slugs.py"]


def rename_locals(text, old, new):
    """Attribute access on the bare name a module was imported under, where the file imports it bare
    (other uses of the name are found by ruff and fixed by hand)."""
    return re.sub(rf"(?<![\w.'\"/-]){old}\.(?=[A-Za-z_])", new + ".", text)


def rewrite_modules(text):
    for old, new, bare in MODULES:
        o_pkg, o_name = old.rsplit(".", 1)
        n_pkg, n_name = new.rsplit(".", 1)
        imported_bare = re.search(rf"^\s*from {re.escape(o_pkg)} import [^\n]*\b{o_name}\b(?! as)", text, re.M)
        # the new name already bound by an import from another package: <name>_<package>
        local = n_name
        if imported_bare and re.search(rf"^\s*from (?!{re.escape(o_pkg)} )[\w.]+ import [^\n]*\b{n_name}\b", text, re.M):
            local = f"{n_name}_{o_pkg.rsplit('.', 1)[1]}"
        # from pkg import a, old, b  ->  (same package) rename in the list / (other package) its own line
        def fix_import(m):
            names = [n.strip() for n in m.group(2).split(",")]
            moved = [n for n in names if n.split(" as ")[0] == o_name]
            if not moved:
                return m.group(0)
            rest = [n for n in names if n.split(" as ")[0] != o_name]
            item = moved[0].replace(o_name, n_name if local == n_name else f"{n_name} as {local}", 1)
            item = re.sub(r" as (\w+)", lambda a: "" if ALIASES.get(a.group(1)) == n_name else a.group(0), item)
            if n_pkg == o_pkg:
                return f"{m.group(1)}from {o_pkg} import {', '.join(sorted(rest + [item], key=str.lower))}"
            lines = [f"{m.group(1)}from {n_pkg} import {item}"]
            if rest:
                lines.insert(0, f"{m.group(1)}from {o_pkg} import {', '.join(rest)}")
            return "\n".join(lines)
        text = re.sub(rf"^([ \t]*)from {re.escape(o_pkg)} import ([\w ,]+?)([ \t]*#[^\n]*)?$",
                      lambda m: fix_import(m) + (m.group(3) or "") if fix_import(m) != m.group(0) else m.group(0),
                      text, flags=re.M)
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
        text = text.replace(old.replace(".", "/") + ".py", new.replace(".", "/") + ".py")
        if bare and imported_bare and o_name != n_name:
            text = rename_locals(text, o_name, local)
    for alias, new in ALIASES.items():
        text = re.sub(rf"\b{alias}\b", new, text)
    return text


def query_map():
    out = {}
    for name in sorted(p.stem for p in (ROOT / "queries").glob("*.sql")):
        new = QUERY_RENAME.get(name) or next((QUERY_PREFIX[p] + name[len(p):] for p in QUERY_PREFIX
                                              if name.startswith(p)), None)
        if new:
            out[name] = new
    return out


QUERIES = query_map()


def rewrite_queries(text):
    """A query's name as the first argument of a call, or in a path queries/<name>.sql."""
    for name, new in QUERIES.items():
        text = re.sub(rf"(?<=\()(\s*[\"']){name}(?=[\"'])", rf"\g<1>{new}", text)
        text = re.sub(rf"(?<![\w-]){name}\.sql", f"{new}.sql", text)
    text = text.replace('QUERIES_DIR / "uploads"', 'QUERIES_DIR / "overlay"').replace("queries/uploads/", "queries/overlay/")
    return text


def rewrite_keys(text):
    def key(m):
        body = m.group(2)
        if body in KEY_FALSE_FRIENDS:
            return m.group(0)
        top, rest = body.split(".", 1)
        if top == "nav":
            sub = rest.split(".")[0]
            return m.group(1) + "nav." + NAV.get(sub, sub) + rest[len(sub):]
        return m.group(1) + SECTIONS[top] + "." + rest
    prefixes = "|".join(list(SECTIONS) + ["nav"])
    return re.sub(rf"([\"'])((?:{prefixes})\.[\w{{}}.]+)", key, text)


def move_files():
    for old, new, _ in MODULES:
        git("mv", str(path_of(old)), str(path_of(new)))
    for old, new in TESTS:
        git("mv", old, new)
    for name, new in QUERIES.items():
        git("mv", f"queries/{name}.sql", f"queries/{new}.sql")
    git("mv", "queries/uploads", "queries/overlay")


def rewrite_locales():
    for lang in ("id", "en"):
        folder = ROOT / "jabodash" / "locales" / lang
        maps = (folder / "maps.toml").read_text()
        peta = folder / "peta.toml"
        peta.write_text(peta.read_text().rstrip("\n") + "\n\n" + maps)
        git("rm", "-q", str(folder / "maps.toml"))
        for path in folder.glob("*.toml"):
            text = path.read_text()
            for old, new in SECTIONS.items():
                text = re.sub(rf"^\[{old}([.\]])", rf"[{new}\1", text, flags=re.M)
            if path.name == "common.toml":
                def nav(m):
                    body = m.group(1)
                    for old, new in NAV.items():
                        body = re.sub(rf"^{old}(\s*=)", rf"{new}\1", body, flags=re.M)
                    return "[nav]" + body
                text = re.sub(r"\[nav\](.*?)(?=^\[)", nav, text, count=1, flags=re.M | re.S)
            path.write_text(text)


# uses of a bare module name other than attribute access (what ruff found after the rewrite)
BY_HAND = {
    "tests/test_ingest_limits.py": [("setattr(limits,", "setattr(caps,")],
    "tests/test_page_unggah.py": [("setattr(limits,", "setattr(caps,")],
    "tests/test_shelf.py": [("setattr(workspace,", "setattr(shelf,")],
    "tests/test_sql.py": [("setattr(workspace,", "setattr(shelf,")],
    "jabodash/cli/refresh.py": [("from jabodash.official import dataset\n    return store.save",
                                 "from jabodash.official import dataset\n    return dataset.save")],
    "jabodash/features/data.py": [("    return store.save(", "    return dataset.save("),
                                  ("    for meta in store.saved_refreshes", "    for meta in dataset.saved_refreshes"),
                                  ("    return store.set_precedence", "    return dataset.set_precedence")],
    "tests/test_page_rules.py": [('SECTIONS = ("population", "services", "cooperation")',
                                  'SECTIONS = ("kependudukan", "layanan", "kerjasama")'),
                                 ("(?:population|services|cooperation)", "(?:kependudukan|layanan|kerjasama)"),
                                 ('startswith(("compare.", "methods."))', 'startswith(("bandingkan.", "data."))'),
                                 ('startswith(("pop_", "svc_", "coop_"))', 'startswith(("kependudukan_", "layanan_", "kerjasama_"))'),
                                 ('startswith(("cmp_", "meta_"))', 'startswith(("bandingkan_", "data_"))')],
    "tests/test_ingest.py": [("in ingest.results.__doc__", "in ingest.outcome.__doc__")],
    "jabodash/ui/__init__.py": [("(store.uploads)", "(store.overlay)")],
    "tests/test_official.py": [("return store.save(", "return official_dataset.save("),
                               ("store.set_precedence(", "official_dataset.set_precedence("),
                               ("import client, dataset, fetch,", "import client, fetch,"),
                               ("from jabodash.official import client",
                                "from jabodash.official import dataset as official_dataset\nfrom jabodash.official import client")],
}


def by_hand():
    for name, pairs in BY_HAND.items():
        path = ROOT / name
        text = path.read_text()
        for old, new in pairs:
            if old not in text:
                sys.exit(f"{name}: {old!r} not found")
            text = text.replace(old, new)
        path.write_text(text)


def main():
    if subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                      capture_output=True, text=True).stdout.strip():
        sys.exit("clean tree first")
    move_files()
    rewrite_locales()
    for path in text_files():
        if not path.exists():
            continue
        if "locales" in path.parts:   # the file names in their comments
            path.write_text(rewrite_modules(path.read_text()))
            continue
        old = path.read_text()
        new = rewrite_keys(rewrite_queries(rewrite_modules(old)))
        if new != old:
            path.write_text(new)
    by_hand()


if __name__ == "__main__":
    main()
