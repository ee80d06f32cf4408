"""A scheme document read as its rules: every `ref` with what it applies to, in the
scheme's own words (a label, or the Chinese the YAML quotes beside it) or in English (the
key and its values); and two documents compared rule by rule."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from domain.labels import document_label
from domain.records import frozen_record

Path = tuple[str, ...]
_CJK = re.compile(r"[\u3400-\u9fff]")
_LABEL_KEYS = ("label", "name", "effect")
# The text of a rule a value computes besides its own: English, the message id (`--json`
# is data), worded by `scheme show`; its Chinese is a template of api/i18n/error_templates.py
ALSO_COMPUTED = "computed by {at} too"


@frozen_record
class RuleLine:
    path: str  # where in the file: pool, pipelines.0.bands
    rule: str  # the catalogue id: S11-R06
    source: str  # the seed line: 002_db447562deed9801.txt:L849
    default: str | None  # the ambiguity default applied
    text: str  # in Chinese where the scheme says it, else the key and its values
    line: int | None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "rule": self.rule, "source": self.source,
                "default": self.default, "text": self.text, "line": self.line}


def _is_ref(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("rule"), str) \
        and "source" in value


def _scalars(node: Mapping[str, Any], key: str, top: bool) -> str:
    """The values a rule governs, in English: those named like its `*_ref` key, else (below
    the top level) all the node's plain values."""
    stem = "" if key == "ref" else key.removesuffix("_ref")
    plain = [(k, v) for k, v in node.items() if not isinstance(v, Mapping | list)
             and not str(k).endswith("_ref") and k != "ref"]
    named = [(k, v) for k, v in plain if stem and str(k).startswith(stem)]
    parts = [] if top else named or plain
    return ", ".join(f"{k}={v}" for k, v in parts[:6])


def _comment(text_lines: list[str], line: int | None) -> str | None:
    """The Chinese a YAML comment quotes on `line`, if any."""
    if line is None or not 0 < line <= len(text_lines):
        return None
    raw = text_lines[line - 1]
    at = raw.find("#")
    while at >= 0 and (raw[:at].count('"') % 2 or raw[:at].count("'") % 2):
        at = raw.find("#", at + 1)
    comment = raw[at + 1:].strip() if at >= 0 else ""
    return comment if _CJK.search(comment) else None


def _node_comment(node: Mapping[str, Any], key: str, path: Path,
                  lines: Mapping[Path, int], text_lines: list[str]) -> str | None:
    """The Chinese quoted beside a rule: on its own key's line, on the node's line, or
    beside the values it governs (`quantity_ref` → `quantity_per_head`)."""
    stem = "" if key == "ref" else str(key).removesuffix("_ref")
    near = [(*path, str(key)), path] + [
        (*path, str(k)) for k in node if str(k).startswith(stem) and k != key]
    for at in near:
        if (found := _comment(text_lines, lines.get(at))) is not None:
            return found
    return None


def rule_lines(document: Mapping[str, Any], lines: Mapping[Path, int],
               text: str) -> list[RuleLine]:
    """Every rule a scheme document cites, in file order."""
    text_lines = text.splitlines()
    found: list[RuleLine] = []

    def walk(node: Any, path: Path, label: str | None) -> None:
        if isinstance(node, Mapping):
            # a label written {zh, en} is the one text `zh (en)`, as the model reads it
            own = next((said for k in _LABEL_KEYS
                        if (said := document_label(node.get(k))) and _CJK.search(said)), None)
            label = own or label
            for key, value in node.items():
                here = (*path, str(key))
                if key == "ref" or (str(key).endswith("_ref") and _is_ref(value)):
                    if not _is_ref(value):
                        continue
                    at = path if key == "ref" else here
                    line = lines.get(at) or lines.get(here)
                    words = own or _node_comment(node, key, path, lines, text_lines) or label
                    english = f"{'.'.join(at)}: {_scalars(node, str(key), not path)}".rstrip(": ")
                    found.append(RuleLine(".".join(at), value["rule"], str(value["source"]),
                                          value.get("default"), words or english, line))
                else:
                    walk(value, here, label)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, str(index)), label)

    walk(document, (), None)
    # A rule a value computes besides its own ref's: shown at that value's path.
    for index, cited in enumerate(document.get("also_implements") or ()):
        if _is_ref(cited):
            found.append(RuleLine(str(cited.get("at")), cited["rule"], str(cited["source"]),
                                  cited.get("default"),
                                  ALSO_COMPUTED.format(at=cited.get("at")),
                                  lines.get(("also_implements", str(index)))))
    found.sort(key=lambda r: r.line or 0)
    return found


# ---------------------------------------------------------------------------- diff


@frozen_record
class Change:
    path: str
    before: Any  # None: not in A
    after: Any  # None: not in B
    rules: tuple[str, ...]  # the rules the changed value belongs to

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after,
                "rules": list(self.rules)}


def _flatten(node: Any, path: Path, rules: tuple[str, ...]) -> Iterator[tuple[Path, Any,
                                                                               tuple[str, ...]]]:
    if isinstance(node, Mapping):
        refs = {str(k): v["rule"] for k, v in node.items()
                if (k == "ref" or str(k).endswith("_ref")) and _is_ref(v)}
        if "ref" in refs:
            rules = (refs["ref"],)
        elif refs and path:  # a section with only named refs: all of them, by default
            rules = tuple(sorted(set(refs.values())))
        elif not path:
            rules = ()  # the scheme's identity (id, version, title) is no rule's
        for key, value in node.items():
            if _is_ref(value):
                yield (*path, str(key)), _ref_text(value), (value["rule"],)
                continue
            # `quantity_ref` governs `quantity_per_head`: the value's own rule.
            own = tuple(sorted({rule for name, rule in refs.items() if name != "ref"
                                and str(key).startswith(name.removesuffix("_ref"))}))
            yield from _flatten(value, (*path, str(key)), own or rules)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _flatten(item, (*path, str(index)), rules)
    else:
        yield path, node, rules


def _ref_text(ref: Mapping[str, Any]) -> str:
    default = f" ({ref['default']})" if ref.get("default") else ""
    return f"{ref['rule']} {ref['source']}{default}"


def changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Change]:
    """What differs from A to B, value by value, each under the rules it belongs to;
    ordered by rule, then by place."""
    left = {p: (v, r) for p, v, r in _flatten(a, (), ())}
    right = {p: (v, r) for p, v, r in _flatten(b, (), ())}
    found = []
    for path in sorted(set(left) | set(right), key=_natural_path):
        before, rules_a = left.get(path, (None, ()))
        after, rules_b = right.get(path, (None, ()))
        if str(before) != str(after) or (path in left) != (path in right):
            rules = tuple(sorted(set(rules_a) | set(rules_b)))
            found.append(Change(".".join(path), _plain(before), _plain(after), rules))
    found.sort(key=lambda c: (c.rules or ("",), _natural_path(tuple(c.path.split(".")))))
    return found


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def _natural_path(path: Path) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in path)
