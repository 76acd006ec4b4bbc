"""Every string a page asks for exists: each page opened in AppTest (English; test_core checks that
both languages have the same keys) records no key missing (jabodash.core.i18n.MISSING). The static
check of test_page_rules expands a key family such as ``presentasi.kind.{k}`` only to the keys that
exist, so a new member without strings ("presentasi.kind.cooperation" shown as such on the presenter
page's editor) went unseen."""
import pytest
from support.apptest import open_page

from jabodash.core import i18n
from jabodash.core.paths import ROOT

PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_a_page_asks_for_no_missing_string(page):
    i18n.MISSING.clear()
    at = open_page(page, lang="en")
    assert not at.exception
    assert sorted(i18n.MISSING) == []
