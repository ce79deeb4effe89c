"""Every phone number in the synthetic county: its town, handsets over time, role and subscriber.

Behaviours refer to phones by index; the Phonebook turns indices back into export digits and
IMEIs when rows are written, and keeps the truth about who holds each number. A number given
twice (a customer who is also in the population) is one phone with several truth rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum

import numpy as np
import pyarrow as pa


class Role(IntEnum):
    """A phone's part in the county; when a number has several, the highest value is its main
    role (a runner who also buys is counted as a runner)."""

    background = 0
    customer = 1
    group = 2
    business = 3
    bulk_sender = 4
    runner = 5
    controller = 6
    line = 7


@dataclass(frozen=True, slots=True)
class RoleRow:
    """One row of truth/comms_roles.csv."""

    number: str  # E.164
    role: Role
    line_id: str
    person_id: str
    kind: str  # finer type, e.g. taxi, marketing, large_contact_list, burner


@dataclass(frozen=True, slots=True)
class Subscriber:
    """What the network holds about who registered a number."""

    name: str
    address: str
    registered: date
    pay_as_you_go: bool
    network: str


class PhonebookBuilder:
    """Collects phones while the behaviours are set up; `freeze` makes the lookup arrays."""

    def __init__(self) -> None:
        self.digits: list[str] = []
        self.town: list[int] = []
        self.handset: list[int] = []
        self.social: list[bool] = []
        self.role: list[int] = []
        self.profile: list[int] = []
        self.index_by_digits: dict[str, int] = {}
        self.imeis: list[str] = []
        self.index_by_imei: dict[str, int] = {}
        self.handset_swaps: list[tuple[int, int, int]] = []  # (day, phone, handset)
        self.role_rows: list[RoleRow] = []
        self.subscribers: dict[int, Subscriber] = {}
        self.person_ids: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.digits)

    def handset_index(self, imei: str) -> int:
        """Index of a handset; one IMEI used with two numbers (new SIM, same phone) is one."""
        index = self.index_by_imei.get(imei)
        if index is None:
            index = len(self.imeis)
            self.imeis.append(imei)
            self.index_by_imei[imei] = index
        return index

    def add(
        self,
        digits: str,
        town: int,
        imei: str,
        role: Role,
        *,
        social: bool,
        profile: int,  # a Profile; plain ints are accepted for speed in bulk
        kind: str,
        line_id: str = "",
        person_id: str = "",
    ) -> int:
        """Add a phone, or give an existing number one more role; returns its index."""
        index = self.index_by_digits.get(digits)
        if index is None:
            index = len(self.digits)
            self.index_by_digits[digits] = index
            self.digits.append(digits)
            self.town.append(town)
            self.handset.append(self.handset_index(imei))
            self.social.append(social)
            self.role.append(int(role))
            self.profile.append(int(profile))
        else:
            self.social[index] = self.social[index] or social
            if role > self.role[index]:
                self.role[index] = int(role)
        if person_id:
            self.person_ids.setdefault(index, person_id)
        self.role_rows.append(RoleRow("+" + digits, role, line_id, person_id or self.person_ids.get(index, ""), kind))
        return index

    def swap_handset(self, day: int, phone: int, imei: str) -> None:
        """From local day `day` on, the phone's SIM is in another handset."""
        handset = self.handset_index(imei)
        if handset != self.handset[phone]:
            self.handset_swaps.append((day, phone, handset))

    def freeze(self) -> Phonebook:
        return Phonebook(self)


class Phonebook:
    """The frozen phone table: numpy arrays indexed by phone, and Arrow arrays for writing."""

    def __init__(self, builder: PhonebookBuilder) -> None:
        self.size = len(builder.digits)
        self.digits = builder.digits
        self.index_by_digits = builder.index_by_digits
        self.number_array = pa.array(builder.digits, pa.string())
        self.imei_array = pa.array(builder.imeis, pa.string())
        self.imeis = builder.imeis
        self.town = np.asarray(builder.town, dtype=np.int32)
        self.social = np.asarray(builder.social, dtype=bool)
        self.role = np.asarray(builder.role, dtype=np.int8)
        self.profile = np.asarray(builder.profile, dtype=np.int8)
        self.role_rows = builder.role_rows
        self.subscribers = builder.subscribers
        self.person_ids = builder.person_ids
        self.initial_handset = np.asarray(builder.handset, dtype=np.int32)
        self.handset_swaps = sorted(builder.handset_swaps)
        self.handset_today = self.initial_handset.copy()
        self._next_swap = 0

    def advance_handsets(self, day: int) -> np.ndarray:
        """The handset each phone is in on `day`; days must be visited in order."""
        while self._next_swap < len(self.handset_swaps) and self.handset_swaps[self._next_swap][0] <= day:
            _, phone, handset = self.handset_swaps[self._next_swap]
            self.handset_today[phone] = handset
            self._next_swap += 1
        return self.handset_today

    def add_role(self, phone: int, role: Role, kind: str, line_id: str = "") -> None:
        """Give an existing phone one more truth role (chosen once the phone table exists)."""
        if role > self.role[phone]:
            self.role[phone] = int(role)
        person_id = self.person_ids.get(phone, "")
        self.role_rows.append(RoleRow("+" + self.digits[phone], role, line_id, person_id, kind))
