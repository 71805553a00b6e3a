"""Name matching for "search before create": the Kölner Phonetik (Postel 1969), the standard
phonetic code for German names, plus a plain folded form. "Meyer", "Maier" and "Mayr" meet;
"Müller" and "Mueller" meet; transliterations such as "Mohammed"/"Muhammad" meet too."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "æ": "ae",
        "ø": "oe",
        "œ": "oe",
        "ı": "i",
        "ł": "l",
        "đ": "d",
    }
)


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents removed, only letters, digits and spaces."""
    text = (text or "").casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9 ]+", " ", text).strip()


def cologne(word: str) -> str:
    """Kölner Phonetik code of one word (digits, duplicates and inner zeros removed)."""
    letters = re.sub(
        r"[^a-z]", "", fold(word).replace("ae", "a").replace("oe", "o").replace("ue", "u")
    )
    if not letters:
        return ""
    codes = []
    for i, ch in enumerate(letters):
        prev = letters[i - 1] if i > 0 else "#"
        nxt = letters[i + 1] if i + 1 < len(letters) else "#"
        if ch in "aeijouy":
            code = "0"
        elif ch == "h":
            code = ""
        elif ch == "b":
            code = "1"
        elif ch == "p":
            code = "3" if nxt == "h" else "1"
        elif ch in "dt":
            code = "8" if nxt in "csz" else "2"
        elif ch in "fvw":
            code = "3"
        elif ch in "gkq":
            code = "4"
        elif ch == "c":
            if i == 0:
                code = "4" if nxt in "ahkloqrux" else "8"
            else:
                code = "8" if prev in "sz" or nxt not in "ahkoqux" else "4"
        elif ch == "x":
            code = "8" if prev in "ckq" else "48"
        elif ch == "l":
            code = "5"
        elif ch in "mn":
            code = "6"
        elif ch == "r":
            code = "7"
        elif ch in "sz":
            code = "8"
        else:
            code = ""
        codes.append(code)
    raw = "".join(codes)
    collapsed = [raw[0]] if raw else []
    for digit in raw[1:]:
        if digit != collapsed[-1]:
            collapsed.append(digit)
    result = "".join(collapsed)
    return result[0] + result[1:].replace("0", "") if result else ""


def name_key(*names: str) -> str:
    """Space-separated phonetic codes of all name parts, order-independent."""
    parts = [cologne(part) for name in names for part in fold(name).split()]
    return " ".join(sorted(p for p in parts if p))


def has_name_part(first_name: str, last_name: str) -> bool:
    """A search names at least two letters of a name: a birth date alone lists nobody."""
    return sum(ch.isalpha() for ch in f"{first_name}{last_name}") >= 2
