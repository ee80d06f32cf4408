"""The stages of a grading pipeline, by name, in the order of seeds-003-004.md §5.6.

The order is part of the rule: eligibility before the figures, so a rank counts only
those assessed; vetoes and forced grades before the bands, so a fixed grade can act as a
ceiling on the band; ceilings before quotas, so a capped subject takes no quota place;
quotas last of the grade stages, with their recorded tie-breaks; then the note of what
an appeal changed (everything above already ran on the corrected inputs), the
consequences of the result, and the pay that depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from projections.grading.appeals import note_appeals
from projections.grading.bands import band_grades
from projections.grading.ceilings import cap_grades
from projections.grading.consequences import follow_consequences
from projections.grading.context import Stage
from projections.grading.exclude import check_eligibility
from projections.grading.pay import pay_by_grade
from projections.grading.pools import allocate_pools
from projections.grading.population import compute_pools
from projections.grading.quotas import apply_quotas
from projections.grading.score import compute_figures
from projections.grading.veto import force_grades

STAGES: Mapping[str, Stage] = MappingProxyType({
    "eligibility": check_eligibility,    # exclude: not assessed, or assessed with no grade
    "figures": compute_figures,          # score: the subject's numbers, each explained
    "calculations": compute_pools,       # per-point pools, cuts redistributed: figures
    "forced": force_grades,              # veto: vetoes and forced grades, most severe wins
    "bands": band_grades,                # grade: score bands, or the proposed grade
    "ceilings": cap_grades,              # grade: 不得评为优秀 …
    "quotas": apply_quotas,              # rank and quota, with recorded tie-breaks
    "appeals": note_appeals,             # appeal adjustments: inputs an appeal changed
    "consequences": follow_consequences,
    "pay": pay_by_grade,
    "pools": allocate_pools,             # pools shared out once every member's pay is known
})
