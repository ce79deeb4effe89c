"""What a generation run produced: record counts by type and by the A-party's role."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from linewatch.synth.comms.phonebook import Role


@dataclass(slots=True)
class CommsSummary:
    records: int = 0
    voice: int = 0
    sms: int = 0
    by_role: dict[str, int] = field(default_factory=lambda: {role.name: 0 for role in Role})
    phones: int = 0
    handsets: int = 0
    lines: int = 0
    line_numbers: int = 0
    days: int = 0
    target_records: int = 0
    parts: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def by_event_type(self) -> dict[str, int]:
        return {"VOICE": self.voice, "SMS": self.sms}

    def count(self, sms: np.ndarray, a_role: np.ndarray) -> None:
        """Add a written block of records (SMS flags and the A-party's role per record)."""
        texts = int(sms.sum())
        self.records += len(sms)
        self.sms += texts
        self.voice += len(sms) - texts
        for role, n in enumerate(np.bincount(a_role, minlength=len(Role)).tolist()):
            self.by_role[Role(role).name] += n

    def __str__(self) -> str:
        rate = f", {self.records / self.seconds:,.0f} records/s" if self.seconds else ""
        lines = [
            f"communications data: {self.records:,} records over {self.days} days "
            f"(target {self.target_records:,}) in {len(self.parts)} part(s), "
            f"{self.seconds:.1f} s{rate}",
            f"  phones {self.phones:,}, handsets {self.handsets:,}, "
            f"lines {self.lines} using {self.line_numbers} numbers",
            f"  by type: VOICE {self.voice:,}  SMS {self.sms:,}",
            "  by A-party role: " + "  ".join(f"{name} {n:,}" for name, n in self.by_role.items()),
        ]
        return "\n".join(lines)
