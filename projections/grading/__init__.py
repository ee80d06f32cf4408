"""Grades, derived warnings and grade-dependent pay: a pure function of (facts, scheme).

One module per stage of seeds-003-004.md §5.6, dispatched by name from `stages.STAGES`:

    gather        collect: the live facts, indexed; the scheme in force
    run           the population of each pipeline, then every stage in order
    exclude       1. eligibility: not assessed, or assessed with no grade
    score         2. figures from inputs (expressions: env, functions, rollups)
    veto          3. vetoes and forced grades, the most severe wins
    bands         4. score bands or the proposed grade
    ceilings      5. ceilings
    quotas        6. quotas per scope, ranked, with recorded tie-breaks; cascades
    appeals       7. appeal adjustments: inputs an appeal changed
    consequences, pay                     what follows from the grade
    procedures, report                    deadlines (ZC) and the canonical report

Policies (domain/policies.py) derive warnings, obligations and ineligibility from the
live sanctions and complaints first; pipelines count them like recorded ones. Every
figure is in a `Ledgerbook` (formula, inputs, rule, event ids), and every step that moved
a grade says why, with its rule and the entries behind it. This package imports nothing
of its own here, so its modules import each other in one direction only.
"""
