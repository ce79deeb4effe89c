"""Early identification of children and young adults at risk of criminal exploitation: indicators
as data (indicators.yaml), evidence from every agency's records, explainable scores and levels as
at any date, kept history, missing-episode follow-up and a fairness report.

Other parts of Linewatch call `linewatch.screening.service`.
"""
