"""Browser time of an upload of a big file on the upload page (issue 14), in headless Chromium
against the real server started as tools/bench/browser.py starts it.

    python tools/bench/upload.py --scratch /tmp/x FILE [FILE ...] [--runs 3]

For each file, a new session opens /unggah and picks the file; measured from the pick to the
validation report shown with the script finished (``report``), then from the click on "Pakai di
sesi ini" (use in this session) to its confirmation (``use``). The server's resident memory (its
process, /proc) is printed after each file, with the load average. Files: tests/support/ingest_files.py.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import browser  # noqa: E402  (tools/bench/browser.py: server, Chromium options, probes)

REPORT = "Laporan validasi"
READY = "Siap:"


def _rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def upload_once(br, url: str, path: Path) -> dict:
    page, _ = browser.new_page(br, url + "/unggah")
    page.goto(url + "/unggah")
    page.wait_for_function(browser.SETTLED, timeout=browser.TIMEOUT_MS)
    start = time.perf_counter()
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(path))
    page.get_by_text(REPORT).wait_for(timeout=browser.TIMEOUT_MS)
    page.wait_for_function(browser.SETTLED, timeout=browser.TIMEOUT_MS)
    report = time.perf_counter() - start
    start = time.perf_counter()
    page.get_by_role("button", name="Pakai di sesi ini").click()
    page.get_by_text(READY, exact=False).wait_for(timeout=browser.TIMEOUT_MS)
    use = time.perf_counter() - start
    page.context.close()
    return {"report": report, "use": use}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    scratch = Path(args.scratch).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    proc, url = browser.start_server(HERE.parent.parent, scratch)
    try:
        with sync_playwright() as p:
            br = p.chromium.launch(executable_path=browser.CHROMIUM, headless=True, args=browser.CHROMIUM_ARGS)
            for name in args.files:
                path = Path(name)
                runs = [upload_once(br, url, path) for _ in range(args.runs)]
                print(json.dumps({"file": path.name, "mb": round(path.stat().st_size / 1e6, 1),
                                  "report_s": round(statistics.median(r["report"] for r in runs), 2),
                                  "use_s": round(statistics.median(r["use"] for r in runs), 2),
                                  "runs": [{k: round(v, 2) for k, v in r.items()} for r in runs],
                                  "server_rss_mb": _rss_mb(proc.pid), "load": browser._load()}), flush=True)
            br.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
