"""Every bound on what may enter the ledger, in one place, each named with its unit.

A value outside these is refused at the door (a 422 or a row error naming the field); a
stored value outside them (written by an older version) is read as an invalid entry
(domain/facts.py), so one bad value cannot take every report down with it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

# Money: no amount in a pay ledger comes near a trillion yuan, and the bound keeps every
# sum well inside the calculation context's 34 digits.
AMOUNT_LIMIT_CNY = Decimal(10) ** 12
AMOUNT_DECIMALS_MAX = 2

# Exact quantities that are not money (workloads, coefficients, limits, actual values):
# the same trillion, and no more decimals than any measurement needs.
QUANTITY_LIMIT = Decimal(10) ** 12
QUANTITY_DECIMALS_MAX = 6

# Points of a score item, a deduction or an annual target: a scheme's items are worth tens
# to thousands of points, so a million is far past any of them.
POINTS_LIMIT = Decimal(10) ** 6

# Days of attendance in one period: a year has at most 366.
PERIOD_DAYS_MAX = 366

# Occurrences of one deduction in one entry, and minutes of one lateness.
DEDUCTION_COUNT_MAX = 1000
DEDUCTION_MINUTES_MAX = 24 * 60

# Years a fact may name (a period's year, an assessment's year).
YEAR_MIN, YEAR_MAX = 2000, 2099

# Business dates a command may carry, unless the shell configures another window.
DAY_FIRST_DEFAULT = date(2000, 1, 1)
DAY_LAST_DEFAULT = date(2099, 12, 31)

# Digits of an integer field given as text: nothing the ledger counts needs more.
INTEGER_DIGITS_MAX = 18

# JSON: how deep a document may nest (a command is 3 deep; a scheme document about 8).
JSON_DEPTH_MAX = 32

# Ids listed on one read of personal data (domain/access_log.py); a larger read is counted,
# not listed.
SUBJECTS_MAX = 1000
