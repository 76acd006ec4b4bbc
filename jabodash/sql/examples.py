"""The example queries of the SQL console: queries/examples/*.sql, with their titles in both languages."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jabodash.core.paths import QUERIES_DIR

EXAMPLES_DIR = QUERIES_DIR / "examples"


@dataclass
class Example:
    id: str
    title_en: str
    title_id: str
    sql: str

    def title(self, lang: str = "id") -> str:
        return self.title_id if lang == "id" and self.title_id else self.title_en

    def sql_for(self, lang: str = "id") -> str:
        """The query with its comments in the UI language: a ``-- id: ...`` line is the Indonesian
        of the English comment line(s) before it (the file's SQL stays English for the CLI)."""
        lines = self.sql.splitlines()
        if not any(line.startswith("-- id: ") for line in lines):
            return self.sql
        out: list[str] = []
        for line in lines:
            if line.startswith("-- id: "):
                if lang == "id":
                    while out and out[-1].startswith("--"):
                        out.pop()
                    out.append("-- " + line[len("-- id: "):])
            else:
                out.append(line)
        return "\n".join(out).strip() + "\n"


def examples(folder: Path | None = None) -> list[Example]:
    """The example queries of queries/examples/*.sql (sorted by file name). Each file starts with
    ``-- title: ...`` (English) and ``-- title_id: ...`` (Indonesian); those two lines are left out of
    the SQL loaded into the editor."""
    out = []
    for path in sorted((folder or EXAMPLES_DIR).glob("*.sql")):
        title_en = title_id = ""
        body = []
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^--\s*title(_id|_en)?\s*:\s*(.*)$", line)
            if m and not body:
                if m.group(1) == "_id":
                    title_id = m.group(2).strip()
                else:
                    title_en = m.group(2).strip()
                continue
            body.append(line)
        out.append(Example(id=path.stem, title_en=title_en or path.stem, title_id=title_id,
                           sql="\n".join(body).strip() + "\n"))
    return out
