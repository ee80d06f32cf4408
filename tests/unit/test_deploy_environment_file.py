"""The environment file docs/deploy.md gives for `EnvironmentFile=/etc/jixiao/env`:
systemd takes everything after `=` as the value, a `# comment` after it included, so
`JIXIAO_SNAPSHOT_KEY_FILE=/etc/jixiao/snapshot.key  # …` named a key file that is not
there. Each setting, and each commented one as it would be uncommented, holds its value
alone."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
SETTING = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$")


def _environment_file() -> list[str]:
    """The lines of the first code block after the file is introduced."""
    text = DEPLOY.read_text(encoding="utf-8")
    after = text[text.index("`/etc/jixiao/env` (mode 0640"):]
    block = after[after.index("```sh\n") + len("```sh\n"):]
    return block[:block.index("```")].splitlines()


def test_every_setting_of_the_environment_file_holds_its_value_alone() -> None:
    settings = [match for line in _environment_file() if (match := SETTING.match(line))]
    assert {"PERSISTENCE_MODULE", "JIXIAO_SNAPSHOT_KEY_FILE", "JIXIAO_MASTER_KEY_FILE",
            "POSTGRES_CONNECT_TIMEOUT"} <= {match[1] for match in settings}
    for match in settings:
        value = match[2]
        assert value, match[0]
        assert "#" not in value, match[0]
        assert value == value.strip(), match[0]
        assert not re.search(r"\s", value), match[0]
