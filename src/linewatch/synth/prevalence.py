"""Published rates the synthetic population is drawn at, in one table, each with its source.

docs/synthetic.md quotes the same sources. Where a publication gives a rate for a whole age range,
the generator spreads it over ages as noted; rates are per child unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    value: float
    source: str


PREVALENCE: dict[str, Rate] = {
    "looked_after": Rate(
        0.0070, "DfE, Children looked after in England, year ending 31 March 2023: 71 per 10,000 children"
    ),
    "care_leaver_18_21": Rate(
        0.0090,
        "DfE, Children looked after in England 2023 (care leavers aged 19-21 in touch); approximate share of 18-21s",
    ),
    "care_leaver_22_25": Rate(0.0040, "Leaving care support to 25 (Children and Social Work Act 2017); approximate"),
    "child_in_need": Rate(
        0.034,
        (
            "DfE, Characteristics of children in need 2023: 342.7 per 10,000 children (includes protection "
            "plans and looked after)"
        ),
    ),
    "child_protection_plan": Rate(
        0.0042, "DfE, Characteristics of children in need 2023: 42.0 per 10,000 children on a plan"
    ),
    "sen_support": Rate(
        0.136, "DfE, Special educational needs in England, January 2024: 13.6% of pupils on SEN support"
    ),
    "ehc_plan": Rate(0.048, "DfE, Special educational needs in England, January 2024: 4.8% of pupils with an EHC plan"),
    "persistent_absence": Rate(
        0.20, "DfE, Pupil absence in schools in England 2023/24: about 20% persistently absent (10%+ sessions)"
    ),
    "severe_absence": Rate(
        0.02, "DfE, Pupil absence in schools in England 2023/24: about 2% severely absent (50%+ sessions)"
    ),
    "suspension_secondary": Rate(
        0.058,
        (
            "DfE, Suspensions and permanent exclusions in England 2022/23: share of secondary pupils with one "
            "or more suspensions (approximate)"
        ),
    ),
    "suspension_primary": Rate(
        0.006,
        (
            "DfE, Suspensions and permanent exclusions in England 2022/23: share of primary pupils with one "
            "or more suspensions (approximate)"
        ),
    ),
    "permanent_exclusion": Rate(
        0.0011, "DfE, Suspensions and permanent exclusions in England 2022/23: 0.11 per 100 pupils"
    ),
    "alternative_provision": Rate(
        0.0015,
        (
            "DfE, Schools, pupils and their characteristics 2024: pupils in PRUs and AP academies, about "
            "0.15% of secondary-age pupils"
        ),
    ),
    "missing_education": Rate(
        0.004, "DfE, Children missing education, 2023/24 estimates: about 0.4% of school-age children"
    ),
    "home_educated": Rate(0.012, "DfE, Elective home education, 2023/24: about 1.2% of school-age children"),
    "girls_among_exploited": Rate(
        0.22,
        (
            "Home Office NRM statistics 2023: most child referrals for criminal exploitation are boys; about "
            "one in five are girls"
        ),
    ),
    "missing_child_per_year": Rate(
        0.012,
        (
            "NCA UK Missing Persons Unit data reports: roughly 1 in 80-100 children reported missing each "
            "year (approximate)"
        ),
    ),
    "looked_after_missing_per_year": Rate(
        0.11, "DfE, Children looked after in England 2023: 11% of looked-after children had a missing incident"
    ),
}

# England and Wales, Census 2021 (ONS, TS021 ethnic group, England): percentages of usual residents.
ETHNICITY_SHARES: dict[str, float] = {
    "white_british": 73.5,
    "white_irish": 0.9,
    "white_gypsy_traveller": 0.1,
    "white_roma": 0.2,
    "white_other": 6.3,
    "mixed_white_black_caribbean": 0.9,
    "mixed_white_black_african": 0.4,
    "mixed_white_asian": 0.8,
    "mixed_other": 0.9,
    "asian_indian": 3.3,
    "asian_pakistani": 2.7,
    "asian_bangladeshi": 1.1,
    "asian_chinese": 0.7,
    "asian_other": 1.7,
    "black_african": 2.6,
    "black_caribbean": 1.1,
    "black_other": 0.5,
    "arab": 0.6,
    "other": 1.6,
}


def rate(name: str) -> float:
    return PREVALENCE[name].value
