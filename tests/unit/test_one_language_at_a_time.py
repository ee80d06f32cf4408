"""No text reads in both languages at once: a person reads Chinese by default and English
under `--lang en` (the catalogue, api/i18n), never 「账本已存在 / a ledger exists already」.
The sources of api/, domain/ and projections/ are parsed (nothing is imported) and every
string literal outside a docstring, f-strings included, is searched for Chinese followed by
" / " and a Latin word, the shape such texts had; and for Chinese followed by English words
in brackets, 「两次输入的密码不一致 (the passwords differ)」, the other shape (a ratchet: the
files that still hold one are listed, and the list only shrinks)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "domain", "projections")
# Chinese, then on the same line " / " and a Latin word (after a `{`, `-` or quote: an
# option, a placeholder, a quoted value)
BOTH = re.compile(r"[\u4e00-\u9fff][^\n]*? / [{\-`'\"(]*[A-Za-z]")

# Chinese (a closing quote or bracket after it allowed), then "(" and two or more English
# words: 「不一致 (the passwords differ)」, 「第 3 页 (page {n})」. One word in brackets is
# an id or a code beside its name (「工作量（quantity）」) and passes.
PAREN = re.compile(r"[\u4e00-\u9fff][」』”）]? ?\((?:\{\w+\} )?[A-Za-z][a-z'’]*"
                   r"(?: [a-z{][\w'’{}]*)+")
# The files that still held a text of that shape, converted as BOTH's were; the list is
# empty now and none joins it (kept so the test below keeps its ratchet's shape).
STILL_MIXED: frozenset[str] = frozenset()
# Of that shape but one language: an English sentence naming a Chinese proper name.
ONE_LANGUAGE: dict[tuple[str, str], str] = {
    ("api/cli/workspace.py", "Writing the {year} demo year of 兴和县医院"):
        "the demo hospital's name, inside an English sentence (its Chinese is 写入…)",
}

# Texts of either shape that must stay as they are, by file and the start of the text, with
# why. A new entry needs a reason as good as these.
ALLOWED: dict[tuple[str, str], str] = {
    ("api/usecases/exports.py", "英文标识 (line id)"):
        "an export's column header, not a message: the headers are Chinese whatever --lang "
        "says (docs/spreadsheets.md) and a program may find the column by it; the column "
        "holds the lines' English ids, which the bracket names",
    ("domain/calculations.py", "机动费用余额平均分配 (reserve leftover, split equally)"):
        "the default of a unit_rate calculation's leftover_label, a datum of the scheme: it "
        "is in the canonical form whose SHA-256 an adopted scheme is cited by "
        "(domain/grading_pools.canonical_grading) and in the pay lines a ledger already "
        "shows, so another text changes old ledgers' answers; a scheme's labels are its "
        "own words, as the shipped school-performance-pool.yaml's leftover_label is",
    **{("api/i18n/grades.py", label): (
        "a shipped scheme's `withheld_to` label as the adopted scheme holds it (hashed, so "
        "it stays), looked up to be said in one language: the key of WITHHELD_TO, never "
        "shown") for label in ("全县绩效考核奖励基金 (the county reward fund)",
                               "扣除的职务补助 (cut leadership allowance)",
                               "扣发的绩效工资 (withheld by the county)",
                               "待岗期间停发 (stopped during a stand-down)")},
}


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _texts(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal but docstrings; an f-string's values read
    as `{value}`, its pieces are not searched again on their own."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in node.values)
            yield node.lineno, "".join(
                part.value if isinstance(part, ast.Constant) else "{value}"
                for part in node.values)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in skip):
            yield node.lineno, node.value


def bilingual_texts(root: Path = ROOT) -> list[tuple[str, int, str]]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            for line, text in _texts(ast.parse(path.read_text(encoding="utf-8"))):
                if BOTH.search(text) and not any(
                        where == file and text.startswith(start) for file, start in ALLOWED):
                    found.append((where, line, text))
    return sorted(found)


def bracketed_texts(root: Path = ROOT) -> list[tuple[str, int, str]]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            for line, text in _texts(ast.parse(path.read_text(encoding="utf-8"))):
                if PAREN.search(text) and not any(
                        where == file and text.startswith(start)
                        for file, start in (*ONE_LANGUAGE, *ALLOWED)):
                    found.append((where, line, text))
    return sorted(found)


def test_no_new_file_puts_english_in_brackets_after_chinese() -> None:
    found = bracketed_texts()
    new = [f"{where}:{line}: {text[:100]!r}" for where, line, text in found
           if where not in STILL_MIXED]
    assert new == [], (
        "write the English text as the message id and its Chinese in the catalogue, as "
        "for a text of the \" / \" shape:\n" + "\n".join(new))
    done = sorted(STILL_MIXED - {where for where, _, _ in found})
    assert done == [], "no longer mixed: remove from STILL_MIXED:\n" + "\n".join(done)


def test_the_bracket_search_finds_such_a_text_and_passes_the_others(tmp_path: Path) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "api" / "m.py").write_text(
        '"""模块说明 (a docstring is no message)."""\n'
        'A = "两次输入的密码不一致 (the passwords differ)"\n'
        'B = f"第 {n} 页 (page {n} has no code)"\n'
        'C = "「{field}」太小 (too small: {msg})"\n'
        'D = "工作量（quantity）"  # an id beside its name\n'
        'E = "主密钥 (JIXIAO_MASTER_KEY_FILE)"  # a name, not words\n'
        'F = "the passwords differ (两次)"\n', encoding="utf-8")
    assert [(line, text[:4]) for _, line, text in bracketed_texts(tmp_path)] == [
        (2, "两次输入"), (3, "第 {v"), (4, "「{fi")]


def test_no_text_reads_in_both_languages_at_once() -> None:
    found = [f"{where}:{line}: {text[:100]!r}" for where, line, text in bilingual_texts()]
    assert found == [], (
        "write the English text as the message id (N_() where it is defined, _() or "
        "messages.translate where it is shown) and its Chinese in the catalogue "
        "(scripts/i18n.py update, fill the zh_CN .po, compile):\n" + "\n".join(found))


def test_the_search_finds_such_a_text_and_passes_the_others(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "domain").mkdir()
    (tmp_path / "projections").mkdir()
    (tmp_path / "api" / "m.py").write_text(
        '"""模块说明 / a docstring is no message."""\n'
        'A = "账本已存在 / a ledger exists already at {where}"\n'
        'def f(path):\n'
        '    """函数 / docstring"""\n'
        '    return f"{path!r}：无法读取 / cannot be read"\n'
        'B = ("密钥文件已存在，不覆盖 / "\n     "{path} exists already")\n'
        'C = "第 {page} 页 / 共 {total} 页"  # one language: Chinese both sides\n'
        'D = "a ledger exists already at {where}"\n', encoding="utf-8")
    assert [(line, text[:6]) for _, line, text in bilingual_texts(tmp_path)] == [
        (2, "账本已存在 "), (5, "{value"), (6, "密钥文件已存")]
