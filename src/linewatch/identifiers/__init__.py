"""Identifier checking: normalise and validate the identifiers agencies hold (NHS number, UPN,
postcode, phone, IMEI, vehicle registration, UPRN, PNC ID), so records can be linked on them and
bad values reported rather than silently dropped.

Every check takes a string and returns a ``Checked``; none raises on any string. The ``make_*``
helpers build valid identifiers for synthetic data and tests.
"""

from __future__ import annotations

from collections.abc import Callable

from linewatch.identifiers.checked import Checked
from linewatch.identifiers.imei import check_imei, make_imei
from linewatch.identifiers.nhs import check_nhs_number, make_nhs_number
from linewatch.identifiers.phone import check_phone
from linewatch.identifiers.pnc import check_pnc_id, make_pnc_id
from linewatch.identifiers.postcode import check_postcode
from linewatch.identifiers.upn import check_upn, make_upn
from linewatch.identifiers.uprn import check_uprn
from linewatch.identifiers.vrm import check_vrm

# Keyed by the property type names used in model/schemata (e.g. `nhs_number: {type: nhs_number}`).
CHECKERS: dict[str, Callable[[str], Checked]] = {
    "nhs_number": check_nhs_number,
    "upn": check_upn,
    "postcode": check_postcode,
    "phone": check_phone,
    "imei": check_imei,
    "vrm": check_vrm,
    "uprn": check_uprn,
    "pnc_id": check_pnc_id,
}

__all__ = [
    "CHECKERS",
    "Checked",
    "check_imei",
    "check_nhs_number",
    "check_phone",
    "check_pnc_id",
    "check_postcode",
    "check_upn",
    "check_uprn",
    "check_vrm",
    "make_imei",
    "make_nhs_number",
    "make_pnc_id",
    "make_upn",
]
