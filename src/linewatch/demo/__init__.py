"""The demo: every stage that exists, run end to end on a synthetic county."""
