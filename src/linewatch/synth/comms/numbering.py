"""Phone numbers and handset IMEIs: reading the ones the spec gives and minting new ones.

Numbers are held as the 12 digits an operator export shows (447...), E.164 without the plus.
Minted mobile numbers use only 07xx ranges that the phonenumbers metadata accepts as valid GB
mobiles for every possible suffix, so ingest validation passes without a per-number check.
Minted IMEIs carry a correct Luhn check digit.
"""

from __future__ import annotations

import numpy as np

from linewatch.synth.comms.errors import CommsSpecError

# National-number prefixes "7AB" where every "7ABxxxxxxx" is a valid GB mobile in phonenumbers
# (checked exhaustively for the 4th and 5th digit when this table was made; a test re-checks a
# sample). 7624 (Isle of Man) and 791x (Guernsey) are among the ranges left out.
MOBILE_PREFIXES: tuple[int, ...] = (
    710, 711, 712, 713, 714, 715, 716, 717, 718, 719,
    720, 721, 722, 723, 724, 725, 726, 727, 728, 729,
    730, 731, 732, 733, 734, 735, 736, 737, 738, 739,
    740, 741, 742, 743, 744, 746, 747, 748, 749,
    751, 753, 754, 755, 756, 757, 758, 759,
    771, 772, 773, 774, 775, 776, 777,
    780, 781, 784, 785, 786, 787, 788, 789,
    790, 792, 794, 795, 796, 797, 798, 799,
)  # fmt: skip

# Type allocation codes of the sort seen on UK handsets (the first 8 digits of an IMEI). They
# are illustrative: a TAC names a make and model, which the generator does not model.
HANDSET_TACS: tuple[str, ...] = (
    "35209900", "35328115", "35391110", "35407115", "35465010", "35580811",
    "35674108", "35713611", "35875110", "35925406", "86012304", "86115304",
    "86280905", "86467803", "86769104", "86891203", "35161508", "35332811",
)  # fmt: skip
TAC_DIGITS = np.array([[int(c) for c in tac] for tac in HANDSET_TACS], dtype=np.int64)


def export_digits(e164: str, where: str) -> str:
    """The operator-export form of an E.164 number: its digits without the plus."""
    if not (e164.startswith("+") and e164[1:].isascii() and e164[1:].isdigit()):
        raise CommsSpecError(f"{where}: {e164!r} is not an E.164 number (expected +44...)")
    if not 8 <= len(e164) - 1 <= 15:
        raise CommsSpecError(f"{where}: {e164!r} has {len(e164) - 1} digits (E.164 allows 8-15)")
    return e164[1:]


def mint_mobile_numbers(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """`count` new, distinct UK mobile numbers as export digits, none of them in `taken`;
    adds them to `taken`."""
    minted: list[str] = []
    seen = taken
    while len(minted) < count:
        need = count - len(minted)
        prefixes = np.asarray(MOBILE_PREFIXES, dtype=np.int64)[rng.integers(0, len(MOBILE_PREFIXES), size=need)]
        national = prefixes * 10_000_000 + rng.integers(0, 10_000_000, size=need)
        for value in (440_000_000_000 + national).tolist():
            digits = str(value)
            if digits not in seen:
                seen.add(digits)
                minted.append(digits)
    return minted


def luhn_check_digits(body: np.ndarray) -> np.ndarray:
    """Luhn check digit for each row of a (n, 14) array of digits."""
    doubled = body.copy()
    # Counting from the right of the 14-digit body, every first, third, ... digit is doubled,
    # which for a 14-digit body is every odd position counting from zero on the left.
    doubled[:, 1::2] *= 2
    doubled[doubled > 9] -= 9
    return (10 - doubled.sum(axis=1) % 10) % 10


def mint_imeis(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """`count` new, distinct 15-digit IMEIs with valid Luhn digits, none of them in `taken`;
    adds them to `taken`."""
    minted: list[str] = []
    seen = taken
    while len(minted) < count:
        need = count - len(minted)
        body = np.empty((need, 14), dtype=np.int64)
        body[:, :8] = TAC_DIGITS[rng.integers(0, len(HANDSET_TACS), size=need)]
        body[:, 8:] = rng.integers(0, 10, size=(need, 6))
        full = np.concatenate([body, luhn_check_digits(body)[:, None]], axis=1)
        # Every TAC starts with 3 or 8, so the integer form keeps all 15 digits.
        values = full @ (10 ** np.arange(14, -1, -1, dtype=np.int64))
        for value in values.tolist():
            imei = str(value)
            if imei not in seen:
                seen.add(imei)
                minted.append(imei)
    return minted


class NumberSource:
    """Mints numbers and IMEIs that collide neither with each other nor with the spec's."""

    def __init__(self, rng: np.random.Generator, taken_numbers: set[str], taken_imeis: set[str]) -> None:
        self.rng = rng
        self.taken_numbers = set(taken_numbers)
        self.taken_imeis = set(taken_imeis)

    def mobiles(self, count: int) -> list[str]:
        return mint_mobile_numbers(self.rng, count, self.taken_numbers)

    def imeis(self, count: int) -> list[str]:
        return mint_imeis(self.rng, count, self.taken_imeis)

    def mobile(self) -> str:
        return self.mobiles(1)[0]

    def imei(self) -> str:
        return self.imeis(1)[0]
