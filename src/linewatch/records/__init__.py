"""Records management: what the store holds about a subject, retention rules with review dates,
erasure (itself audited, with a ledger re-applied after a restore) and subject access export."""
