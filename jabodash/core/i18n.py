"""Every UI string by key, Bahasa Indonesia by default, English as a switch.

Strings live in jabodash/locales/<lang>/*.toml (one file per area of the app, so that
work on one page never touches another's file). Keys are dotted: "ringkasan.title".
A missing English key falls back to Indonesian; a key missing everywhere is returned
as-is so that a gap is visible instead of crashing.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache

from jabodash.core.paths import LOCALES_DIR

LANGUAGES = ("id", "en")
DEFAULT_LANG = "id"


def _flatten(prefix: str, node: dict, out: dict[str, str]) -> None:
    for key, value in node.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@lru_cache(maxsize=None)
def strings(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    folder = LOCALES_DIR / lang
    for path in sorted(folder.glob("*.toml")):
        if path.name == "phrases.toml":   # data_text's table, not keyed strings
            continue
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out)
    return out


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


# (language, key) of the strings asked for and missing in that language (an English gap falls back to
# Indonesian, a key missing everywhere shows as itself): tests open every page and expect none.
# Bounded: keys made from data must not grow it without end.
MISSING: set[tuple[str, str]] = set()
_MISSING_MAX = 500


def t(key: str, lang: str = DEFAULT_LANG, /, **kwargs) -> str:
    """Translate key; format with kwargs ({name} placeholders)."""
    lang = normalize_lang(lang)
    text = strings(lang).get(key)
    if text is None and len(MISSING) < _MISSING_MAX:
        MISSING.add((lang, key))
    text = text or strings(DEFAULT_LANG).get(key) or key
    if kwargs:
        try:
            return text.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            return text
    return text


@lru_cache(maxsize=None)
def _phrases(lang: str) -> dict[str, str]:
    """locales/<lang>/phrases.toml: [phrases] "English stock phrase in data/" = "translation"."""
    path = LOCALES_DIR / lang / "phrases.toml"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return dict(tomllib.load(fh).get("phrases", {}))


def data_text(text, lang: str = DEFAULT_LANG):
    """Stock phrases that data/ and the store write in English (a licence not stated, the
    derived-figures dataset, grade reasons), in the UI language; any other text (a title, a
    name, a quote) is data and is returned unchanged. Whole texts and "; "-separated parts match."""
    if not isinstance(text, str) or not text:
        return text
    table = _phrases(normalize_lang(lang))
    if not table:
        return text
    if text in table:
        return table[text]
    parts = text.split("; ")
    return "; ".join(table.get(p, p) for p in parts) if any(p in table for p in parts) else text
