"""Synthetic communications data for a county: call and SMS records of deal lines, gang phones,
ordinary people and innocent look-alikes, with subscriber and cell-site lists and the truth.

The population generator builds a CommsSpec (linewatch.synth.comms_spec) and calls
generate_comms; see README.md in this folder for the export format and what is modelled.
"""

from linewatch.synth.comms.errors import CommsSpecError
from linewatch.synth.comms.generate import generate_comms
from linewatch.synth.comms.rates import BackgroundRates, CommsRates, LineRates, LookalikeRates
from linewatch.synth.comms.summary import CommsSummary
from linewatch.synth.comms.writer import CALL_RECORD_SCHEMA

__all__ = [
    "CALL_RECORD_SCHEMA",
    "BackgroundRates",
    "CommsRates",
    "CommsSpecError",
    "CommsSummary",
    "LineRates",
    "LookalikeRates",
    "generate_comms",
]
