"""No text reads in both languages at once: a person reads Chinese by default and English
under `--lang en` (the catalogue, api/i18n), never 「账本已存在 / a ledger exists already」.
The sources of api/, domain/ and projections/ are parsed (nothing is imported) and every
string literal outside a docstring, f-strings included, is searched for Chinese followed by
" / " and a Latin word, the shape such texts had."""

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

# Texts that must stay as they are, by file and the start of the text, with why. A new
# entry needs a reason as good as these.
ALLOWED: dict[tuple[str, str], str] = {}


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
