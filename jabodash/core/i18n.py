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
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out)
    return out


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, /, **kwargs) -> str:
    """Translate key; format with kwargs ({name} placeholders)."""
    lang = normalize_lang(lang)
    text = strings(lang).get(key) or strings(DEFAULT_LANG).get(key) or key
    if kwargs:
        try:
            return text.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            return text
    return text
