"""The audit trail (Data Protection Act 2018 s.62): every collection, alteration, consultation,
disclosure, combination and erasure of personal data, with who, agency, role, when, which records
and why; append-only and hash-chained so that an edited or deleted entry is detected."""
