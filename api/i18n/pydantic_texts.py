"""pydantic's own validation texts that reach a person (a cell of an import, a field of
a JSON Lines command), as templates for api/i18n/messages.py.

They are pydantic-core's message templates (`pydantic_core.list_all_errors()`) for the
types the command models use, written out: `{expected_plural}` is spelt both ways, since
a template's placeholder stands for a value of at least one character.
tests/unit/test_pydantic_translations.py checks each against the installed pydantic, so
an upgrade that rewords one fails there instead of showing English."""

from __future__ import annotations

from typing import Final

from api.i18n import N_

PYDANTIC_TEMPLATES: Final = (
    N_("Input should be greater than {gt}"),
    N_("Input should be greater than or equal to {ge}"),
    N_("Input should be less than {lt}"),
    N_("Input should be less than or equal to {le}"),
    N_("Input should be a multiple of {multiple_of}"),
    N_("Input should be a finite number"),
    N_("Input should be a valid string"),
    N_("String should have at least {min_length} character"),
    N_("String should have at least {min_length} characters"),
    N_("String should have at most {max_length} character"),
    N_("String should have at most {max_length} characters"),
    N_("String should match pattern '{pattern}'"),
    N_("Input should be {expected}"),
    N_("Input should be a valid dictionary"),
    N_("Input should be a valid list"),
    N_("Input should be a valid boolean"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be a valid integer"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid integer, got a number with a fractional part"),
    N_("Input should be a valid number"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid decimal"),
    N_("Decimal input should be an integer, float, string or Decimal object"),
    N_("Decimal input should have no more than {max_digits} digits in total"),
    N_("Decimal input should have no more than {decimal_places} decimal places"),
    N_("Decimal input should have no more than {decimal_places} decimal place"),
    N_("Decimal input should have no more than {whole_digits} digits before the decimal "
       "point"),
    N_("Input should be a valid date"),
    N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    N_("Input should be a valid date or datetime, {error}"),
    N_("Datetimes provided to dates should have zero time - e.g. be exact dates"),
    N_("Input should be a valid datetime"),
    N_("Input should be a valid datetime, {error}"),
    N_("Input should be a valid datetime or date, {error}"),
    N_("Input should have timezone info"),
    N_("Input should be a valid UUID, {error}"),
)

# The {error} of a date or time a cell holds (pydantic-core's date parser, speedate),
# translated as the value it is (api/i18n/messages.py `_value`).
DATE_ERRORS: Final = (
    N_("input is too short"),
    N_("input is too long"),
    N_("invalid character in year"),
    N_("invalid character in month"),
    N_("invalid character in day"),
    N_("invalid date separator, expected `-`"),
    N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
    N_("month value is outside expected range of 1-12"),
    N_("day value is outside expected range"),
    N_("unexpected extra characters at the end of the input"),
)
