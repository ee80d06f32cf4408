"""Every English error text the domain and its adapters raise, found by walking their
source (nothing is imported): the message given to a domain error type (domain/errors.py
and its subclasses) and the reason of each `Problem`. A message is followed to where it
is written: a string, an f-string (each `{expr}` becomes a `{name}` placeholder), a
module constant filled in with `.format` (here or imported), a constant dictionary's
entry, a local variable, or the parameter of a helper that passes it on (then each call
of the helper is a site). Used by test_error_translations.py."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "api/usecases", "api/storage", "api/sheets",
            "api/documents")
# InvariantError (an AssertionError) is a bug, never shown as a refusal: not walked.
ROOT_ERRORS = ("DomainError",)
PLACEHOLDER = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")


@dataclass(frozen=True)
class Site:
    where: str  # path:line of the message (or of the call that gives it)
    function: str  # the enclosing function, "" at module level
    template: str | None  # None: built where the walker cannot follow it


@dataclass
class Module:
    name: str  # dotted
    path: str  # relative
    tree: ast.Module
    constants: dict[str, ast.expr]
    imports: dict[str, tuple[str, str]]  # alias → (module, name or "" for a module)


# a message's expression, its module and the function it is in
Found = tuple[ast.expr, Module, ast.FunctionDef | None]


def _dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module(path: Path) -> Module:
    tree = ast.parse(path.read_text(), str(path))
    constants: dict[str, ast.expr] = {}
    imports: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            constants[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and \
                node.value is not None:
            constants[node.target.id] = node.value
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imports[alias.asname or alias.name] = (node.module, alias.name)
    # A function's own import (a module imported only when needed) is followed as a
    # module's would be, unless the module binds that name itself.
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imports.setdefault(alias.asname or alias.name, (node.module, alias.name))
    return Module(_dotted(path), str(path.relative_to(ROOT)), tree, constants, imports)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


class Walker:
    def __init__(self) -> None:
        paths = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
        self.modules = {m.name: m for m in map(_module, paths)}
        self.kinds = self._error_types()
        # (module, function) → index of the parameter that carries a message
        self.helpers: dict[tuple[str, str], tuple[int, str]] = {}

    def _error_types(self) -> dict[str, bool]:
        """Each domain error class → whether its first argument is the message (no
        __init__ of its own, or one whose first parameter is `message`)."""
        classes: dict[str, tuple[list[str], bool | None]] = {}
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef):
                    classes[node.name] = ([_name(b) for b in node.bases], _takes_message(node))
        kinds = dict.fromkeys(ROOT_ERRORS, True)
        grew = True
        while grew:
            grew = False
            for name, (bases, own) in classes.items():
                parent = next((b for b in bases if b in kinds), None)
                if name not in kinds and parent is not None:
                    kinds[name] = kinds[parent] if own is None else own
                    grew = True
        return kinds

    # --- following a message to its text

    def templates(self, node: ast.expr, module: Module,
                  function: ast.FunctionDef | None, depth: int = 0) -> list[str] | None:
        """Every text `node` can be (a conditional gives two); None if one is unseen."""
        if depth > 8:
            return None
        def again(inner: ast.expr) -> list[str] | None:
            return self.templates(inner, module, function, depth + 1)

        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return self._joined(node, module, function, depth)
        if isinstance(node, ast.IfExp):
            body, orelse = again(node.body), again(node.orelse)
            return None if body is None or orelse is None else body + orelse
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = again(node.left), again(node.right)
            return None if left is None or right is None else [
                a + b for a in left for b in right]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "format":
            found = again(node.func.value)
            return None if found is None else [PLACEHOLDER.sub(r"{\1}", t) for t in found]
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            tables = self._values_of(node.value, module, function)
            table = tables[0] if tables and len(tables) == 1 else None
            if table is not None and isinstance(table[0], ast.Dict):
                for key, value in zip(table[0].keys, table[0].values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == node.slice.value:
                        return self.templates(value, table[1], None, depth + 1)
            return None
        if isinstance(node, ast.Name | ast.Attribute):
            values, texts = self._values_of(node, module, function), list[str]()
            for value, where, scope in values or []:
                found = self.templates(value, where, scope, depth + 1)
                if found is None:
                    return None
                texts += found
            return texts if values else None
        if isinstance(node, ast.Call):
            return self._returned(node, module, depth)
        return None

    def _joined(self, node: ast.JoinedStr, module: Module, function: ast.FunctionDef | None,
                depth: int) -> list[str]:
        """An f-string's templates: a local variable of a few written-out texts is put in
        (one template for each), any other value is a placeholder, and two different
        expressions of one name get two names."""
        texts, names = [""], dict[str, str]()
        for value in node.values:
            if isinstance(value, ast.Constant):
                texts = [t + str(value.value) for t in texts]
            elif isinstance(value, ast.FormattedValue):
                inlined = self._inlined(value, module, function, depth)
                if inlined is not None:
                    texts = [t + i for t in texts for i in inlined]
                    continue
                name, expression = _placeholder(value.value), ast.dump(value.value)
                while names.setdefault(name, expression) != expression:
                    name += "_"
                texts = [t + "{" + name + "}" for t in texts]
        return texts

    def _inlined(self, value: ast.FormattedValue, module: Module,
                 function: ast.FunctionDef | None, depth: int) -> list[str] | None:
        if function is None or not isinstance(value.value, ast.Name) or \
                value.conversion != -1 or value.format_spec is not None:
            return None
        local = _local_values(function, value.value.id)
        found = [self.templates(v, module, function, depth + 1) for v in local]
        return None if not local or None in found else [t for f in found if f for t in f]

    def _returned(self, call: ast.Call, module: Module, depth: int) -> list[str] | None:
        """The texts a helper returns (a message built by a function of its own)."""
        found = self._function(call.func, module)
        if found is None:
            return None
        function, where = found
        texts: list[str] = []
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and node.value is not None and not (
                    isinstance(node.value, ast.Constant) and node.value.value in {None, ""}):
                more = self.templates(node.value, where, function, depth + 1)
                if more is None:
                    return None
                texts += more
        return texts or None

    def _function(self, node: ast.expr, module: Module
                  ) -> tuple[ast.FunctionDef, Module] | None:
        name, where = _name(node), module
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            source, imported = module.imports.get(node.value.id, ("", ""))
            where = self.modules.get(f"{source}.{imported}") or module
        elif name in module.imports:
            source, imported = module.imports[name]
            where, name = self.modules.get(source) or module, imported
        for item in where.tree.body:
            if isinstance(item, ast.FunctionDef) and item.name == name:
                return item, where
        return None

    def _values_of(self, node: ast.expr, module: Module, function: ast.FunctionDef | None
                   ) -> list[Found] | None:
        if isinstance(node, ast.Name):
            local = _local_values(function, node.id) if function is not None else []
            if local:
                return [(value, module, function) for value in local]
            loops = _loops_over(function, node.id) if function is not None else []
            if loops:
                items = [self._items(i, module, function) for i in loops]
                return None if None in items else [v for i in items if i for v in i]
            if node.id in module.constants:
                return [(module.constants[node.id], module, None)]
            source, name = module.imports.get(node.id, ("", ""))
            other = self.modules.get(source)
            if other is not None and name in other.constants:
                return [(other.constants[name], other, None)]
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            source, name = module.imports.get(node.value.id, ("", ""))
            other = self.modules.get(f"{source}.{name}")
            if other is not None and node.attr in other.constants:
                return [(other.constants[node.attr], other, None)]
        return None

    def _items(self, node: ast.expr, module: Module, function: ast.FunctionDef | None,
               depth: int = 0) -> list[Found] | None:
        """The elements of a list of messages: written out, or built by a helper."""
        if depth > 12:
            return None
        def again(inner: ast.expr) -> list[Found] | None:
            return self._items(inner, module, function, depth + 1)

        if isinstance(node, ast.List | ast.Tuple):
            found: list[Found] = []
            for element in node.elts:
                more = again(element.value) if isinstance(element, ast.Starred) else [
                    (element, module, function)]
                if more is None:
                    return None
                found += more
            return found
        if isinstance(node, ast.ListComp):
            return [(node.elt, module, function)]
        if isinstance(node, ast.IfExp | ast.BinOp):
            parts = [again(node.body), again(node.orelse)] if isinstance(node, ast.IfExp) \
                else [again(node.left), again(node.right)]
            return None if None in parts else [v for p in parts if p for v in p]
        if isinstance(node, ast.Name) and function is not None:
            values = _local_values(function, node.id)
            appended = [c.args[0] for c in ast.walk(function) if isinstance(c, ast.Call)
                        and isinstance(c.func, ast.Attribute) and c.func.attr == "append"
                        and isinstance(c.func.value, ast.Name) and c.func.value.id == node.id
                        and c.args]
            parts = [again(v) for v in values]
            return None if None in parts or not values else [
                v for p in parts if p for v in p] + [(a, module, function) for a in appended]
        if isinstance(node, ast.Call):
            helper = self._function(node.func, module)
            if helper is None:
                return None
            returns = [r.value for r in ast.walk(helper[0])
                       if isinstance(r, ast.Return) and r.value is not None]
            parts = [self._items(r, helper[1], helper[0], depth + 1) for r in returns]
            return None if None in parts or not parts else [v for p in parts if p for v in p]
        return None

    # --- the sites

    def message_of(self, call: ast.Call, module: Module, in_error: bool) -> ast.expr | None:
        name = _name(call.func)
        if name == "Problem":
            reason = [k.value for k in call.keywords if k.arg == "reason"]
            return reason[0] if reason else (call.args[2] if len(call.args) > 2 else None)
        if self.kinds.get(name) and call.args:
            return call.args[0]
        helper = self._helper(call, module)
        if helper is not None:
            index, keyword = helper
            given = [k.value for k in call.keywords if k.arg == keyword]
            return given[0] if given else (call.args[index] if len(call.args) > index
                                           else None)
        is_super_init = (isinstance(call.func, ast.Attribute)
                         and call.func.attr == "__init__"
                         and isinstance(call.func.value, ast.Call)
                         and _name(call.func.value.func) == "super")
        return call.args[0] if in_error and is_super_init and call.args else None

    def _helper(self, call: ast.Call, module: Module) -> tuple[int, str] | None:
        name = _name(call.func)
        if (module.name, name) in self.helpers:
            return self.helpers[(module.name, name)]
        source, imported = module.imports.get(name, ("", ""))
        return self.helpers.get((source, imported))

    def sites(self) -> list[Site]:
        """Every site; helpers that pass a parameter on are found first, to a fixed point."""
        while True:
            known = len(self.helpers)
            found = [s for m in self.modules.values()
                     for s in self._sites_in(m.tree, m, None, False)]
            if len(self.helpers) == known:
                return found

    def _sites_in(self, node: ast.AST, module: Module, function: ast.FunctionDef | None,
                  in_error: bool) -> Iterator[Site]:
        for child in ast.iter_child_nodes(node):
            scope, error_class = function, in_error
            if isinstance(child, ast.FunctionDef):
                scope = child
            elif isinstance(child, ast.ClassDef):
                error_class = child.name in self.kinds
            if isinstance(child, ast.Call):
                message = self.message_of(child, module, in_error)
                if message is not None:
                    yield from self._site(message, child, module, function)
            yield from self._sites_in(child, module, scope, error_class)

    def _site(self, message: ast.expr, call: ast.Call, module: Module,
              function: ast.FunctionDef | None) -> Iterator[Site]:
        where, name = f"{module.path}:{call.lineno}", function.name if function else ""
        parameter = _parameter(function, message)
        if parameter is not None:
            assert function is not None
            self.helpers[(module.name, function.name)] = parameter
            return  # the helper's callers are the sites
        # a variable given its text in several places: each is a message of its own, so
        # one the walker cannot follow hides none of the others
        local = _local_values(function, message.id) if function is not None and isinstance(
            message, ast.Name) else []
        for each in local or [message]:
            found = self.templates(each, module, function)
            for template in found if found is not None else [None]:
                yield Site(where, name, template)


def _placeholder(node: ast.expr) -> str:
    while isinstance(node, ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return _name(node).strip("_") or "value"


def _takes_message(node: ast.ClassDef) -> bool | None:
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            params = item.args.args[1:]
            return bool(params) and params[0].arg == "message"
    return None


def _local_values(function: ast.FunctionDef, name: str) -> list[ast.expr]:
    values: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            values.append(node.value)
        elif isinstance(node, ast.NamedExpr) and node.target.id == name:
            values.append(node.value)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(
                node.target, ast.Name) and node.target.id == name and node.value is not None:
            values.append(node.value)
    return values


def _loops_over(function: ast.FunctionDef, name: str) -> list[ast.expr]:
    """What a loop variable runs over, in a `for` statement or a comprehension."""
    loops: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.For | ast.comprehension) and isinstance(
                node.target, ast.Name) and node.target.id == name:
            loops.append(node.iter)
    return loops


def _parameter(function: ast.FunctionDef | None,
               message: ast.expr) -> tuple[int, str] | None:
    """(index, name) of the parameter `message` is, when the function passes it on."""
    if function is None or not isinstance(message, ast.Name):
        return None
    params = [a.arg for a in function.args.posonlyargs + function.args.args]
    if message.id not in params or _local_values(function, message.id):
        return None
    index = params.index(message.id)
    return (index - 1 if params[0] in {"self", "cls"} else index), message.id


def sites() -> list[Site]:
    return Walker().sites()


def sample_values(template: str) -> dict[str, str]:
    """A value of its kind for each placeholder of a template, a different one for each."""
    values: dict[str, str] = {}
    for name in PLACEHOLDER.findall(template):
        if name in values:
            continue
        if "period" in name or name in {"quarter", "month", "year"}:
            values[name] = f"2026-Q{len(values) % 4 + 1}"
        elif name in {"day", "date", "on", "when"} or name.endswith("_on"):
            values[name] = f"2026-03-{len(values) + 10}"
        else:
            values[name] = f"'X{len(values) + 1}'"
    return values


def sample(template: str) -> str:
    """A text as raised from the template, with sample_values filled in."""
    values = sample_values(template)
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def shape(template: str) -> str:
    """A template with its placeholder names left out, so two names for one text agree."""
    return PLACEHOLDER.sub("{}", template)
