"""Folding text for search, so `nguyen thi tuoi` finds `Nguyễn Thị Tươi` on any database."""
from __future__ import annotations

import unicodedata

# đ/Đ are letters of their own in Unicode, not d with a combining mark, so NFD leaves them.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Lower case, without diacritics, with runs of whitespace collapsed to one space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def matches(query: str, *values: str | None) -> bool:
    """Whether the folded query occurs in any of the folded values."""
    needle = fold(query)
    return any(needle in fold(value) for value in values if value)
