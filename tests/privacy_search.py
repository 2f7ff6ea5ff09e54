"""Search everything a stack stored or wrote for numbers a person typed.

Used by the unit, model and production tests of the privacy rule
(core/privacy.py): every table of every SQLite file and PostgreSQL
database, and every byte of every file under the given folders (logs,
databases and their -wal files included), for each number in every written
form (with and without century, separators and groups).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

import psycopg2
import sqlite3

SQLITE_HEADER = b"SQLite format 3\x00"


def with_check_digit(nine: str) -> str:
    """Nine digits (YYMMDDNNN) and the Luhn check digit: a valid personnummer."""
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return nine + str((10 - total % 10) % 10)


def personnummer_forms(number: str) -> List[str]:
    """"19850101-1234" or "851231-4562" written every way the rule covers:
    with and without century, with '-', '+', a space or nothing."""
    digits = "".join(ch for ch in number if ch.isdigit())
    ten = digits[-10:]
    century = digits[:2] if len(digits) == 12 else "19"
    return sorted({f"{c}{ten[:6]}{sep}{ten[6:]}" for c in ("", century) for sep in ("", "-", "+", " ")})


def long_number_forms(number: str, group: int = 4) -> List[str]:
    """A card or account number: its digits alone and in groups of four with a space or dash."""
    digits = "".join(ch for ch in number if ch.isdigit())
    groups = [digits[i:i + group] for i in range(0, len(digits), group)]
    return sorted({digits, " ".join(groups), "-".join(groups), number})


# What the privacy tests type: the issue's two numbers (both with a wrong
# check digit), a valid personnummer and a card number.
ISSUE_NUMBERS = ("19850101-1234", "851231-4562")
VALID = with_check_digit("900315123")
CARD = "4111 1111 1111 1111"
TYPED = (f"Mitt personnummer är {ISSUE_NUMBERS[0]} eller {ISSUE_NUMBERS[1]} eller {VALID[:6]}-{VALID[6:]}. "
         f"Kort: {CARD}.")
# Each of them as a person may type it, one message each.
TYPED_ALONE = (*ISSUE_NUMBERS, "8501011234", "198512314562", f"mitt personnummer är {VALID[:6]}+{VALID[6:]}",
               f"19{VALID}", f"{VALID[:6]} {VALID[6:]}")
# Every written form of every number above: what must be found nowhere.
NEEDLES = tuple([form for number in (*ISSUE_NUMBERS, VALID) for form in personnummer_forms(number)]
                + long_number_forms(CARD))


def sqlite_files(*roots: Path) -> List[Path]:
    """Every SQLite database file under the folders, found by its header."""
    found = []
    for path in files_under(*roots):
        try:
            with path.open("rb") as handle:
                if handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
                    found.append(path)
        except OSError:
            continue
    return found


def files_under(*roots: Path) -> List[Path]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        for folder, _, names in os.walk(root):
            found.extend(Path(folder) / name for name in names)
    return sorted(found)


def sqlite_tables(path: Path) -> Dict[str, str]:
    """Every table of a SQLite file as text, read through SQLite (so the -wal file counts)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: json.dumps(db.execute(f'SELECT * FROM "{t}"').fetchall(), default=_text, ensure_ascii=False)  # noqa: S608
                for t in tables}


def postgres_tables(url: str) -> Dict[str, str]:
    """Every table of every schema but PostgreSQL's own, as text."""
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
            names = cursor.fetchall()
            dumped = {}
            for schema, table in names:
                cursor.execute(f'SELECT * FROM "{schema}"."{table}"')  # noqa: S608 - names from the catalogue
                dumped[f"{schema}.{table}"] = json.dumps(cursor.fetchall(), default=_text, ensure_ascii=False)
            return dumped
    finally:
        connection.close()


def _text(value: object) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def database_tables(url: str) -> Dict[str, str]:
    """Every table behind a service database URL (sqlite:///... or postgresql://...)."""
    if url.startswith("sqlite"):
        return sqlite_tables(Path(url.split(":///", 1)[1]))
    return postgres_tables(url.replace("postgresql+asyncpg://", "postgresql://").replace("+psycopg2", ""))


def where_found(
    needles: Iterable[str],
    *,
    roots: Sequence[Path] = (),
    database_urls: Sequence[str] = (),
) -> List[Tuple[str, str]]:
    """(where, needle) for each needle in any table or any file's bytes; [] when found nowhere.

    Every table of every SQLite file under `roots` and of each database URL is
    read; every file under `roots` is also searched byte for byte."""
    needles = sorted(set(needles))
    assert needles and all(len(n) >= 10 for n in needles), "search only for whole numbers"
    found: List[Tuple[str, str]] = []
    tables: Dict[str, str] = {}
    for path in sqlite_files(*roots):
        tables.update({f"{path.name}:{t}": text for t, text in sqlite_tables(path).items()})
    for url in database_urls:
        tables.update({f"{url.rsplit('/', 1)[-1]}:{t}": text for t, text in database_tables(url).items()})
    for where, text in tables.items():
        found += [(where, n) for n in needles if n in text]
    for path in files_under(*roots):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        found += [(str(path), n) for n in needles if n.encode("utf-8") in data]
    return found


def table_count(roots: Sequence[Path] = (), database_urls: Sequence[str] = ()) -> int:
    """How many tables where_found reads (so a test can tell it searched something)."""
    count = sum(len(sqlite_tables(path)) for path in sqlite_files(*roots))
    return count + sum(len(database_tables(url)) for url in database_urls)
