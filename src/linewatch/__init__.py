"""Linewatch: multi-agency safeguarding against county lines and child criminal exploitation."""

__version__ = "0.1.0"
