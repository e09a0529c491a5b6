"""Folding text for search, so `nguyen thi tuoi` finds `Nguyễn Thị Tươi` on any database; and file
names made of Vietnamese words."""
from __future__ import annotations

import re
import unicodedata

# đ/Đ are letters of their own in Unicode, not d with a combining mark, so NFD leaves them.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
# What no disk or mail client takes in a file name, and whitespace: both become a hyphen.
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|;\x00-\x1f\x7f\s]+')


BAD_CHARACTERS = "Chuỗi chứa ký tự không hợp lệ (NUL hoặc nửa cặp UTF-16)."


def clean_text(value: str) -> bool:
    """No NUL (PostgreSQL refuses it in text) and no lone surrogate (not encodable as UTF-8)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(value: str) -> str:
    """`value` with each NUL and lone surrogate made U+FFFD, so that a message can name it."""
    return "".join("\ufffd" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch for ch in value)


def fold(text: str) -> str:
    """Lower case, without diacritics, with runs of whitespace collapsed to one space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def matches(query: str, *values: str | None) -> bool:
    """Whether the folded query occurs in any of the folded values."""
    needle = fold(query)
    return any(needle in fold(value) for value in values if value)


def bare(text: str) -> str:
    """The same letters without diacritics, case kept ("Bình Minh" → "Binh Minh"); characters with no
    ASCII form are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def file_name(*parts: str, extension: str) -> str:
    """Parts joined by hyphens into a file name, whitespace and characters a disk refuses made hyphens:
    ("QĐ", "05", "QĐ-UBND", "2026", "UBND xã Bình Minh") → "QĐ-05-QĐ-UBND-2026-UBND-xã-Bình-Minh.docx"."""
    stem = "-".join(part for part in (_NOT_IN_NAMES.sub("-", p).strip("-") for p in parts) if part)
    return f"{re.sub(r'-{2,}', '-', stem)}.{extension}"
