"""The `linewatch` command line."""
