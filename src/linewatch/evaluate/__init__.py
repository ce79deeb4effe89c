"""`linewatch evaluate`: quality figures measured against the synthetic county's truth.

Only this package reads truth/. Each capability registers the metrics it can be judged by.
"""
