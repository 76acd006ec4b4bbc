"""What a save tells its saver about the workspace beyond "saved" (issue 28): another saved
dataset with the same title, e.g. two workers saving one name at once. Both are kept (a save
never overwrites another's dataset); the second saver is told, with the other's id and time, so
one of them can be renamed. Reads the listing only; no lock is needed to read."""
from __future__ import annotations

from jabodash.store import shelf


def _norm(title) -> str:
    return " ".join(str(title or "").split()).casefold()


def same_title(dataset_id: str) -> list[dict]:
    """The other readable saved datasets whose title equals this one's (case and spacing
    aside), oldest first: ``{"id", "title", "created_at"}``."""
    saved = shelf.list_datasets()
    mine = next((m for m in saved if m.get("id") == dataset_id), None)
    if mine is None:
        return []
    others = [m for m in saved if m.get("id") != dataset_id and _norm(m.get("title")) == _norm(mine.get("title"))]
    return [{"id": m["id"], "title": m.get("title"), "created_at": m.get("created_at")}
            for m in sorted(others, key=lambda m: str(m.get("created_at") or ""))]
