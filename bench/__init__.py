"""Benchmarks for jixiao (not part of the test suite).

* `bench.generator` - the rows: the `synthetic-organisation` scenario of the package's
  scenario generator (`api/scenarios/`), parameterised by organisations, departments,
  staff, events per person per period and years, with presets from a 40-person smoke test
  up to a province (100,000 staff in 2,000 departments).
* `bench.phases`    - one measured phase per child process (ingest, raw-store baseline,
  replay, queries), so each phase's peak RSS is its own.
* `bench.__main__`  - the runner: `python -m bench --preset county --backend sqlite`.
* `bench.targets`   - issue 18's targets from one run at one commit: every measurement
  they need (both presets, apply linearity, snapshots, the province what-if, the old-ledger
  fixture) and the table with figure, ratio and verdict:
  `python -m bench.targets --code HEAD --out docs/benchmarks-latest.md`.

Raw results go to `bench/results/*.json` (git-ignored); docs/benchmarks.md has the table.
"""
