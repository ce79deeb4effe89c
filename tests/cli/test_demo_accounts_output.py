"""The demo prints each account's password once: it must come out whole on any terminal width."""

from __future__ import annotations

import io

from rich.console import Console

from linewatch.demo.serve_stage import print_accounts

ACCOUNTS = [
    ("transportpolice.practitioner", "practitioner", "transport_police", "E7R3uJp3fTUKxUgfS5Qz9wLmNbVc"),
    ("chris.chair", "panel_chair", "social_care", "FHXti66kJxhmxIEStnA1b2C3d4E5"),
]


def test_usernames_and_passwords_are_printed_whole_on_a_narrow_terminal() -> None:
    for width in (40, 80, 200):
        out = io.StringIO()
        print_accounts(Console(file=out, width=width, force_terminal=False), ACCOUNTS)
        text = out.getvalue()
        for username, _, _, password in ACCOUNTS:
            line = next(line for line in text.splitlines() if username in line)
            assert password in line, (width, line)
        assert "…" not in text, width
