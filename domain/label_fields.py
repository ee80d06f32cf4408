"""A label field of a scheme's model: one text, or {zh, en} read as that one text.

Apart from domain/labels.py, which the renderers import to read a label in the reader's
language: a warm `jixiao payout` reads labels but imports no pydantic (≈65 ms), and
only the scheme's model needs the field type."""

from typing import Annotated

from pydantic import BeforeValidator

from domain.labels import read_label

LabelText = Annotated[str, BeforeValidator(read_label)]
