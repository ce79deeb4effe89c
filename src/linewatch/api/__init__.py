"""The web API: FastAPI routes (HTTP only) over services (the rules) over the store. Every route
passes through access control and declares the permission it needs and the s.62 operation it
performs; see docs/api.md and docs/security.md."""
