"""Phonetic codes for names, so that names spelt differently but said alike (Kacey and Kacie,
Mohammed and Muhamad) can agree. The code is NYSIIS (New York State Identification and
Intelligence System, Taft 1970), designed for personal names; neither DuckDB nor Spark has a
phonetic function, and computing it here once per distinct name gives both engines the same codes.

The steps follow the published algorithm; the code is not truncated to six letters (longer codes
separate more names, and nothing here needs the fixed length).
"""

from __future__ import annotations

from functools import lru_cache

_VOWELS = frozenset("AEIOU")

_FIRST_LETTERS = (("MAC", "MCC"), ("KN", "NN"), ("K", "C"), ("PH", "FF"), ("PF", "FF"), ("SCH", "SSS"))
_LAST_LETTERS = (("EE", "Y"), ("IE", "Y"), ("DT", "D"), ("RT", "D"), ("RD", "D"), ("NT", "D"), ("ND", "D"))


@lru_cache(maxsize=100_000)
def nysiis(name: str) -> str:
    """The NYSIIS code of a name (letters A-Z are used, anything else is ignored); "" for none."""
    word = "".join(ch for ch in name.upper() if "A" <= ch <= "Z")
    if not word:
        return ""
    for start, replacement in _FIRST_LETTERS:
        if word.startswith(start):
            word = replacement + word[len(start) :]
            break
    for end, replacement in _LAST_LETTERS:
        if word.endswith(end):
            word = word[: -len(end)] + replacement
            break
    code = [word[0]]
    position = 1
    while position < len(word):
        sounds, used = _translate(word, position)
        if sounds[-1] != code[-1][-1]:
            code.append(sounds)
        position += used
    key = "".join(code)
    if len(key) > 1 and key.endswith("S"):
        key = key[:-1]
    if key.endswith("AY"):
        key = key[:-2] + "Y"
    if len(key) > 1 and key.endswith("A"):
        key = key[:-1]
    return key


def _translate(word: str, position: int) -> tuple[str, int]:
    """What the letter at ``position`` sounds as, and how many letters that consumed."""
    letter = word[position]
    following = word[position + 1 : position + 3]
    previous = word[position - 1]
    if letter == "E" and following[:1] == "V":
        return "AF", 2
    if letter in _VOWELS:
        return "A", 1
    simple = {"Q": "G", "Z": "S", "M": "N"}
    if letter in simple:
        return simple[letter], 1
    if letter == "K":
        return ("N", 1) if following[:1] == "N" else ("C", 1)
    if letter == "S" and following == "CH":
        return "SS", 3
    if letter == "P" and following[:1] == "H":
        return "F", 2
    # A silent H repeats what came before (a vowel is written A); W after a vowel repeats the vowel
    # as spelt, which keeps Lewis (LAE) apart from Lee (LY).
    if letter == "H":
        next_is_vowel = following[:1] != "" and following[:1] in _VOWELS
        if previous not in _VOWELS or not next_is_vowel:
            return ("A" if previous in _VOWELS else previous), 1
    if letter == "W" and previous in _VOWELS:
        return previous, 1
    return letter, 1
