"""Text normalisation and the database search index behind selectors.initiatives_search.

Both the stored `search_document` and the query go through `normalise`: lower case, no
accents (coöperatie = cooperatie) and one spelling for naoberzorg/noaberzorg. Substring
matching then finds parts of compound words ("cirkel" in "voorzorgcirkel"). On SQLite an
FTS5 trigram index answers the substring query; on PostgreSQL a pg_trgm GIN index does.
"""

import unicodedata

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# Spelling variants that mean the same thing, mapped to one form.
VARIANTS = {"noaber": "naober"}

MAX_TERMS = 8
TRIGRAM = 3  # the trigram index needs at least three characters per term

SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS initiatives_search USING fts5("
    "search_document, content='initiatives_initiative', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS initiatives_search_ai AFTER INSERT ON initiatives_initiative "
    "BEGIN INSERT INTO initiatives_search(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS initiatives_search_ad AFTER DELETE ON initiatives_initiative "
    "BEGIN INSERT INTO initiatives_search(initiatives_search, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS initiatives_search_au AFTER UPDATE OF search_document "
    "ON initiatives_initiative BEGIN "
    "INSERT INTO initiatives_search(initiatives_search, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO initiatives_search(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
]


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    for variant, canonical in VARIANTS.items():
        text = text.replace(variant, canonical)
    return " ".join(text.split())


def query_terms(query: str) -> list[str]:
    """The distinct words of a search, normalised, without quotes; at most MAX_TERMS."""
    terms = []
    for word in normalise(query.replace('"', " ")).split():
        word = word.strip(".,;:!?()[]{}*^'")
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def match_condition(terms: list[str]) -> Q:
    """Rows whose search_document contains every term (through the index where it can)."""
    condition = Q()
    long_terms = [term for term in terms if len(term) >= TRIGRAM]
    short_terms = [term for term in terms if len(term) < TRIGRAM]
    if connection.vendor == "sqlite" and long_terms:
        # Each double-quoted string is a substring match in a trigram table; spaces AND.
        match = " ".join('"' + term + '"' for term in long_terms)
        condition &= Q(
            pk__in=RawSQL(
                "SELECT rowid FROM initiatives_search WHERE initiatives_search MATCH %s",
                [match],
            )
        )
    else:
        short_terms = terms
    for term in short_terms:
        condition &= Q(search_document__contains=term)
    return condition


def ensure_index(using: str = "default", **kwargs) -> None:
    """Recreate the SQLite search table and triggers when a migration rebuilt the table.

    SQLite drops a table's triggers when Django remakes the table to alter it, so this
    runs after every migrate; it rebuilds the index only when a trigger was missing.
    """
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'initiatives_initiative'")
        if cursor.fetchone() is None:
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'initiatives_search_%'"
        )
        if cursor.fetchone()[0] == 3:
            return
        for statement in SQLITE_INDEX:
            cursor.execute(statement)
        cursor.execute("INSERT INTO initiatives_search(initiatives_search) VALUES ('rebuild')")
