"""AppTest of the upload page (pages/unggah.py) and uploaded data on the overview page."""
import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import ROOT
from jabodash.features import unggah
from jabodash.store import shelf

NAMES = ["KOTA JAKARTA SELATAN", "KOTA JAKARTA TIMUR", "KOTA JAKARTA PUSAT", "KOTA JAKARTA BARAT",
         "KOTA JAKARTA UTARA", "KABUPATEN KEPULAUAN SERIBU", "KABUPATEN BOGOR", "KABUPATEN CIANJUR",
         "KABUPATEN BEKASI", "KOTA BOGOR", "KOTA BEKASI", "KOTA DEPOK", "KABUPATEN TANGERANG", "KOTA TANGERANG",
         "KOTA TANGSEL XYZ"]


def long_csv() -> bytes:
    lines = ["wilayah,tahun,jumlah_warung"]
    for year in (2021, 2022, 2023):
        for i, name in enumerate(NAMES):
            lines.append(f"{name},{year},{100 + i * 10 + year - 2021}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path))


def run_page(**session) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    at.switch_page("pages/unggah.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label):
    return {m.label: m.value for m in at.metric}[label]


def upload(at, name, data):
    at.file_uploader(key="u_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def overview_values(at, label_part):
    at.switch_page("pages/ringkasan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    sb = at.selectbox(key="w_indicator")
    ids = [o for o in sb.options if label_part in o]
    assert ids, sb.options
    return at, sb, ids


def test_upload_report_mapping_save_and_overview():
    at = run_page()
    assert at.title[0].value == "Unggah data"
    upload(at, "warung.csv", long_csv())
    assert metric(at, "Baris dibaca") == "45"
    assert metric(at, "Nilai") == "42"          # Tangsel XYZ not recognised: 3 rows skipped
    assert any("tidak dikenali" in w.value for w in at.warning)
    key = unggah.map_key("KOTA TANGSEL XYZ")
    at.selectbox(key=key).set_value("3674").run()
    assert not at.exception
    assert metric(at, "Nilai") == "45"
    assert at.text_input(key="u_desc_name").value  # default from the file
    at.text_input(key="u_desc_name").set_value("Warung kopi").run()
    at.button(key="u_save").click().run()
    assert not at.exception
    saved = shelf.list_datasets()
    assert len(saved) == 1 and saved[0]["indicator"] == "Warung kopi"
    assert saved[0]["region_mapping"] == {"KOTA TANGSEL XYZ": "3674"}
    # the overview ranks it
    at.switch_page("pages/ringkasan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    sb = at.selectbox(key="w_indicator")
    assert "Unggahan · Warung kopi" in sb.options  # options as shown (formatted)
    ind_id = shelf.indicator_id(saved[0]["id"], "Warung kopi")
    sb.set_value(ind_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="w_year").value == 2023
    ranking = at.get("plotly_chart")[0].proto.spec
    assert "Warung kopi" in ranking and "242" in ranking  # Tangerang Selatan, mapped by hand
    # a fresh session (restart) still sees the saved dataset
    at2 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at2.query_params["indicator"] = ind_id
    at2.run()
    assert not at2.exception, [e.value for e in at2.exception]
    assert at2.selectbox(key="w_indicator").value == ind_id


def test_uploaded_values_in_ranking_helpers():
    at = run_page()
    upload(at, "warung.csv", long_csv())
    at.selectbox(key=unggah.map_key("KOTA TANGSEL XYZ")).set_value("3674").run()
    at.button(key="u_use").click().run()
    entries = at.session_state[unggah.SESSION_KEY]
    assert len(entries) == 1
    sid = next(iter(entries))
    from jabodash.store import get_store, overlay
    from jabodash.store.datasource import DataSource
    src = DataSource.over(get_store(), overlay.collect(entries))
    inds = src.uploads.indicator
    vals = src.values(inds["id"][0], 2023, "agglomeration")
    assert vals.set_index("region_code").loc["3674", "value"] == 100 + 14 * 10 + 2
    assert vals["rank_desc"].iloc[0] == 1 and sid in inds["id"][0]
    # the overview picker lists it (session only, not saved)
    at.switch_page("pages/ringkasan.py").run()
    assert not at.exception
    assert any(o.startswith("Unggahan ·") for o in at.selectbox(key="w_indicator").options)
    assert shelf.list_datasets() == []
    # another session does not see it
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    other.run()
    assert not any(o.startswith("Unggahan ·") for o in other.selectbox(key="w_indicator").options)


def test_broken_file_keeps_earlier_upload():
    at = run_page()
    upload(at, "warung.csv", long_csv())
    at.button(key="u_use").click().run()
    for name, data in [("kosong.csv", b""), ("header.csv", b"wilayah,tahun,nilai\n"),
                       ("biner.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
                       ("jahat.csv", b"wilayah,tahun,nilai\n=HYPERLINK(\"http://x\"),2023,<script>alert(1)</script>\n")]:
        upload(at, name, data)
        assert at.error, name
        assert len(at.session_state[unggah.SESSION_KEY]) == 1, name
        assert all("<script>" not in e.value for e in at.error)


def test_session_seam_reads_bytes_like_an_upload():
    at = run_page(**{unggah.RAW_KEY: ("warung.csv", long_csv())})
    assert metric(at, "Baris dibaca") == "45"


def test_rename_and_delete_saved_ask_first_and_are_recorded():
    from jabodash.ingest import read_upload
    from jabodash.store import access
    res = read_upload(long_csv(), "warung.csv")
    ds = shelf.save_dataset(res, long_csv(), "warung.csv", {"indicator": "Warung"})
    at = run_page()
    at.text_input(key=f"u_title_{ds}").set_value("Warung baru").run()
    at.button(key=f"u_rename_{ds}").click().run()
    assert shelf.list_datasets()[0]["title"] == "Warung"          # not yet: a question first
    assert any("untuk semua orang" in w.value for w in at.warning)
    at.button(key=f"u_rename_{ds}__yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert shelf.list_datasets()[0]["title"] == "Warung baru"
    assert any(f"Nama dataset {ds} diganti" in s.value for s in at.success)
    at.button(key=f"u_delete_{ds}").click().run()
    at.button(key=f"u_delete_{ds}__no").click().run()                 # cancelled: still there
    assert [m["id"] for m in shelf.list_datasets()] == [ds]
    at.button(key=f"u_delete_{ds}").click().run()
    at.button(key=f"u_delete_{ds}__yes").click().run()
    assert not at.exception
    assert shelf.list_datasets() == []
    log = access.entries()
    assert [(e["action"], e["target"], e["result"]) for e in log] == [
        ("dataset.rename", f"{ds} -> Warung baru", "ok"), ("dataset.delete", ds, "ok")]
    assert len({e["session"] for e in log}) == 1 and log[0]["session"] not in ("", "unknown", "cli")
    assert all(e["time"].endswith("+00:00") for e in log)


def test_damaged_saved_datasets_are_shown_with_the_reason_and_can_be_removed():
    from jabodash.ingest import read_upload
    res = read_upload(long_csv(), "warung.csv")
    good = shelf.save_dataset(res, long_csv(), "warung.csv", {"indicator": "Warung"})
    cut = shelf.save_dataset(res, long_csv(), "warung.csv", {"indicator": "Terpotong"})
    bad = shelf.save_dataset(res, long_csv(), "warung.csv", {"indicator": "Meta rusak"})
    root = shelf.datasets_dir()
    parquet = root / cut / "cleaned.parquet"
    parquet.write_bytes(parquet.read_bytes()[:200])
    (root / bad / "meta.json").write_text("{ rusak")
    at = run_page()
    titles = [e.label for e in at.expander]
    assert any(t.startswith("Warung · ") for t in titles)
    assert f"⚠ Dataset rusak {cut}" in titles and f"⚠ Dataset rusak {bad}" in titles
    warned = " ".join(w.value for w in at.warning)
    assert "berkas datanya tidak dapat dibaca" in warned and "meta.json tidak dapat dibaca" in warned
    at.button(key=f"u_delete_{bad}").click().run()
    at.button(key=f"u_delete_{bad}__yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not (root / bad).exists() and (root / cut).exists()
    assert [m["id"] for m in shelf.list_datasets()] == [good]


def test_read_only_workspace_offers_no_change_and_says_why(monkeypatch):
    from jabodash.ingest import read_upload
    res = read_upload(long_csv(), "warung.csv")
    ds = shelf.save_dataset(res, long_csv(), "warung.csv", {"indicator": "Warung"})
    bad = shelf.save_dataset(res, long_csv(), "warung.csv", {"indicator": "Rusak"})
    (shelf.datasets_dir() / bad / "meta.json").write_text("{")
    monkeypatch.setenv("JABODASH_WORKSPACE_READONLY", "1")
    at = run_page()
    assert f"⚠ Dataset rusak {bad}" in [e.label for e in at.expander]
    assert any(f"workspace delete {bad}" in w.value for w in at.warning)
    upload(at, "warung.csv", long_csv())
    keys = {b.key for b in at.button}
    assert "u_use" in keys and not keys & {"u_save", f"u_rename_{ds}", f"u_delete_{ds}", f"u_delete_{bad}"}
    assert any("hanya-baca" in i.value and "JABODASH_WORKSPACE_READONLY" in i.value for i in at.info)
    assert "Menyimpan dimatikan" in " ".join(c.value for c in at.caption)
    at.button(key="u_use").click().run()                              # a session upload still works
    assert len(at.session_state[unggah.SESSION_KEY]) == 1


def test_ambiguous_numbers_and_xlsx_sheet_are_corrected_by_hand():
    at = run_page()
    upload(at, "angka.csv", b"wilayah,tahun,nilai\nKOTA DEPOK,2023,1.234\nKOTA BOGOR,2023,2.500\n")
    assert at.error and metric(at, "Nilai") == "0"
    radio = at.radio(key="u_numfmt_nilai")
    assert radio.value is None  # the analyst decides, nothing is assumed
    radio.set_value("id").run()
    assert not at.exception and not at.error
    assert metric(at, "Nilai") == "2"
    import io

    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.title = "catatan"
    wb.active.append(["x"])
    sheet = wb.create_sheet("data")
    for row in (["wilayah", "tahun", "nilai"], ["KOTA DEPOK", 2023, 5], ["KOTA BOGOR", 2023, 6]):
        sheet.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    upload(at, "buku.xlsx", buf.getvalue())
    assert at.error
    at.selectbox(key="u_sheet").set_value("data").run()
    assert not at.exception and not at.error
    assert metric(at, "Nilai") == "2"


CORPUS = ROOT / "tests" / "fixtures" / "ingest"


def shown(at) -> str:
    """Every message, caption and Markdown text on the page."""
    return "\n".join([e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
                     + [c.value for c in at.caption] + [m.value for m in at.markdown] + [s.value for s in at.success])


def frame_with(at, column):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


def test_ragged_rows_are_skipped_and_listed_in_both_languages():
    at = run_page()
    upload(at, "warung.csv", long_csv())
    at.button(key="u_use").click().run()
    upload(at, "ragged.csv", (CORPUS / "ragged.csv").read_bytes())
    assert not at.error
    assert "2 baris memiliki jumlah kolom yang berbeda dari tabel (3) dan dilewati." in shown(at)
    assert metric(at, "Dilewati") == "2" and metric(at, "Nilai") == "3"
    skipped = frame_with(at, "Alasan")
    assert list(skipped["Baris"]) == [3, 4]
    assert list(skipped["Alasan"]) == ["kolom lebih sedikit daripada judul kolom",
                                       "kolom lebih banyak daripada judul kolom"]
    assert list(skipped["Nilai"]) == ["Kota Bogor,2023", "Kota Bekasi,2023,30,extra,cells"]
    at.radio(key="w_lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Rows with a different number of fields than the table (3), skipped: 2." in shown(at)
    skipped = frame_with(at, "Reason")
    assert list(skipped["Row"]) == [3, 4]
    assert list(skipped["Reason"]) == ["fewer fields than the header", "more fields than the header"]
    # the upload used earlier in the session is kept
    assert len(at.session_state[unggah.SESSION_KEY]) == 1


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "Berkas kosong."),
    ("whitespace_only.csv", "Berkas kosong."),
    ("header_only.csv", "Berkas hanya berisi judul kolom, tanpa baris data."),
    ("binary.csv", "Ini bukan tabel teks, melainkan data biner. Unggah berkas CSV, TSV, atau XLSX."),
    ("png_named.csv", "Ini bukan tabel teks, melainkan berkas PNG. Unggah berkas CSV, TSV, atau XLSX."),
])
def test_bad_files_show_their_message_and_keep_session(name, message):
    at = run_page()
    upload(at, "warung.csv", long_csv())
    at.button(key="u_use").click().run()
    upload(at, name, (CORPUS / name).read_bytes())
    errors = [e.value for e in at.error]
    assert errors and errors[0].replace("\\", "") == message, errors
    assert "Berkas belum dapat dipakai." in shown(at)
    assert not [b for b in at.button if b.key in ("u_use", "u_save")]  # nothing to use or save
    assert len(at.session_state[unggah.SESSION_KEY]) == 1


def test_file_over_the_size_limit(monkeypatch):
    monkeypatch.setenv("JABODASH_MAX_UPLOAD_MB", "1")
    at = run_page()
    assert "Batas per berkas: 1 MB." in shown(at)
    big = long_csv() + b"".join(b"KOTA DEPOK,2020,%d\n" % i for i in range(56_000))
    assert 1.1 * 2**20 < len(big) < 1.3 * 2**20
    upload(at, "besar.csv", big)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors == ["Berkas terlalu besar (1.2 MB); batasnya 1 MB."], errors
    at.radio(key="w_lang").set_value("en").run()
    assert [e.value.replace("\\", "") for e in at.error] == ["The file is too large (1.2 MB); the limit is 1 MB."]
    monkeypatch.setenv("JABODASH_MAX_UPLOAD_MB", "200")
    upload(at, "warung.csv", long_csv())
    assert not at.error and metric(at, "Values") == "42"



def test_too_long_line_is_refused_by_line_and_keeps_earlier_upload(monkeypatch):
    from jabodash.ingest import caps
    monkeypatch.setattr(caps, "MAX_LINE_BYTES", 1024)
    at = run_page()
    upload(at, "warung.csv", long_csv())
    at.button(key="u_use").click().run()
    upload(at, "panjang.csv", long_csv() + b"KOTA DEPOK,2024," + b"9" * 5000)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors == ["Baris 47 terlalu panjang (5 KB); baris terpanjang yang diizinkan 1 KB. "
                      "Periksa bahwa berkas berupa tabel dengan satu baris data per baris."], errors
    assert not [b for b in at.button if b.key in ("u_use", "u_save")]
    assert len(at.session_state[unggah.SESSION_KEY]) == 1
    at.radio(key="w_lang").set_value("en").run()
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Line 47 is too long (5 KB); the longest line allowed is 1 KB. "
        "Check that the file is a table with one row per line."]
    assert len(at.session_state[unggah.SESSION_KEY]) == 1


def test_xlsx_zip_bomb_is_refused_and_keeps_earlier_upload(monkeypatch):
    import io
    import zipfile

    from jabodash.ingest import caps
    monkeypatch.setattr(caps, "RATIO_FLOOR_BYTES", 100_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<row><c><v>1</v></c></row>" * 40_000)
    at = run_page()
    upload(at, "warung.csv", long_csv())
    at.button(key="u_use").click().run()
    upload(at, "bom.xlsx", buf.getvalue())
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(
        "Lembar kerja ini tampak seperti bom zip: bagian xl/worksheets/sheet1.xml akan membesar dari "), errors
    assert errors[0].endswith("kali); batasnya 100 kali."), errors
    assert not [b for b in at.button if b.key in ("u_use", "u_save")]
    assert len(at.session_state[unggah.SESSION_KEY]) == 1

def test_hostile_text_is_shown_as_data_never_as_html_or_markdown():
    at = run_page()
    upload(at, "hostile.csv", (CORPUS / "hostile.csv").read_bytes())
    assert not at.exception
    text = shown(at)
    assert "8 sel tampak seperti rumus, HTML, atau tautan" in text
    assert "tidak pernah dijalankan atau ditampilkan sebagai HTML" in text
    # the example is Markdown-escaped: no live tag, link or emphasis reaches the page
    assert r"\<img src\=x onerror\=alert\(1\)\>" in text
    labels = [s.label for s in at.selectbox] + [e.label for e in at.expander]
    for raw in ("<img src=x", "<script>", "](http", "**tebal**"):
        assert raw not in text and not any(raw in label for label in labels), raw
    # the cells themselves are kept as plain data in the preview table
    preview = frame_with(at, "indikator")
    cells = set(preview["indikator"].astype(str))
    assert "<script>alert('x')</script>" in cells and "[klik di sini](http://example.invalid/x)" in cells
    assert '=HYPERLINK("http://example.invalid","x")' in cells


@pytest.mark.parametrize("lang, labels", [
    ("id", ["Templat (CSV)", "Templat (XLSX)", "Contoh bentuk panjang (CSV)", "Contoh bentuk lebar (CSV)"]),
    ("en", ["Template (CSV)", "Template (XLSX)", "Long example (CSV)", "Wide example (CSV)"]),
])
def test_template_and_example_downloads_in_the_ui_language(lang, labels):
    at = run_page()
    if lang == "en":
        at.radio(key="w_lang").set_value("en").run()
    buttons = {d.key: d.proto.label for d in at.get("download_button")}
    assert [buttons.get(k) for k in ("u_tpl_csv", "u_tpl_xlsx", "u_ex_long", "u_ex_wide")] == labels
    heading = "Mulai dari templat atau contoh" if lang == "id" else "Start from a template or an example"
    assert heading in [e.label for e in at.expander]


def test_typed_name_survives_a_page_switch_and_is_what_is_saved():
    at = run_page()
    upload(at, "warung.csv", long_csv())
    suggested = at.text_input(key="u_desc_name").value
    at.text_input(key="u_desc_name").set_value("Warung kopi ketik").run()
    at.text_input(key="u_desc_unit").set_value("unit ketik").run()
    at.switch_page("pages/ringkasan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/unggah.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="u_desc_name").value == "Warung kopi ketik" != suggested
    assert at.text_input(key="u_desc_unit").value == "unit ketik"
    at.button(key="u_save").click().run()
    saved = shelf.list_datasets()
    assert [(m["indicator"], m["unit"]) for m in saved] == [("Warung kopi ketik", "unit ketik")]


def test_rerun_without_change_reads_nothing_and_shows_the_same(monkeypatch):
    calls = []
    real_read = unggah.read

    def counting_read(*args, **kwargs):
        calls.append(args[1])
        return real_read(*args, **kwargs)

    monkeypatch.setattr(unggah, "read", counting_read)
    at = run_page()
    upload(at, "warung.csv", long_csv())
    assert calls == ["warung.csv"]
    before = (metric(at, "Nilai"), shown(at), at.dataframe[0].value)
    at.run()
    at.run()  # reruns that change neither the file nor the options
    assert not at.exception
    assert calls == ["warung.csv"]
    after = (metric(at, "Nilai"), shown(at), at.dataframe[0].value)
    assert before[:2] == after[:2] and before[2].equals(after[2])
    key = unggah.map_key("KOTA TANGSEL XYZ")  # a changed option reads again, once
    at.selectbox(key=key).set_value("3674").run()
    assert calls == ["warung.csv"] * 2 and metric(at, "Nilai") == "45"
    at.run()
    assert calls == ["warung.csv"] * 2
    memo = at.session_state[unggah.READ_MEMO_KEY]
    assert set(memo) == {"key", "sha256", "data", "kecamatan", "result"}  # one entry, not a growing dict


def test_read_cached_keys_on_bytes_and_options(monkeypatch):
    calls = []
    real_read = unggah.read
    monkeypatch.setattr(unggah, "read", lambda *a, **k: calls.append(a[1]) or real_read(*a, **k))
    session = {}
    data = long_csv()
    first = unggah.read_cached(session, data, "a.csv", unggah.IngestOptions())
    assert unggah.read_cached(session, bytes(bytearray(data)), "a.csv", unggah.IngestOptions()) is first
    assert len(calls) == 1
    unggah.read_cached(session, data + b"KOTA DEPOK,2024,1\n", "a.csv", unggah.IngestOptions())
    unggah.read_cached(session, data, "a.csv", unggah.IngestOptions(layout="long"))
    assert len(calls) == 3
    other = {}  # another session reads for itself
    unggah.read_cached(other, data, "a.csv", unggah.IngestOptions())
    assert len(calls) == 4


def test_a_partial_file_says_its_coverage_neutral_by_default_and_the_map_opens_on_it():
    """Issue 27: a file of 5 of the 15 regions says so in its report; a count's direction is
    neutral unless its name says otherwise; after "Pakai di sesi ini" the map shows the upload."""
    lines = ["wilayah,tahun,jumlah_warung"] + [f"{name},2023,{100 + i}" for i, name in enumerate(NAMES[:5])]
    at = run_page()
    upload(at, "warung5.csv", ("\n".join(lines) + "\n").encode())
    assert metric(at, "Wilayah") == "5 dari 15"
    assert any("mencakup 5 dari 15 wilayah" in i.value for i in at.info)
    assert at.radio(key="u_desc_dir").value == "neutral"
    at.text_input(key="u_desc_name").set_value("Warung kopi").run()
    at.button(key="u_use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sid = next(iter(at.session_state[unggah.SESSION_KEY]))
    want = shelf.indicator_id(sid, "Warung kopi")
    assert any(link.label == "Buka di peta →" for link in at.get("page_link"))
    at.switch_page("pages/peta.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="w_indicator").value == want
    at.switch_page("pages/ringkasan.py").run()
    assert at.selectbox(key="w_indicator").value == want


def test_a_full_file_has_no_partial_note_and_names_suggest_a_direction():
    at = run_page()
    upload(at, "warung.csv", long_csv())
    at.selectbox(key=unggah.map_key("KOTA TANGSEL XYZ")).set_value("3674").run()
    assert metric(at, "Wilayah") == "15 dari 15" and not [i for i in at.info if "mencakup" in i.value]
    from jabodash.ingest import suggest_higher_is_better
    assert suggest_higher_is_better("Jumlah penduduk") is None
    assert suggest_higher_is_better("Persentase penduduk miskin") is False
    assert suggest_higher_is_better("IPM 2023") is True and suggest_higher_is_better("Angka harapan hidup") is True
