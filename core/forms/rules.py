"""The expression language of form definitions (docs/forms.md): one evaluator for visibility,
required-if, form validators, computed values and the print view.

Our own tokenizer and recursive-descent parser build a small tree of tuples; the evaluator walks
it. Nothing here reaches Python's ``eval``, ``compile`` or ``ast``: a name is a field path looked
up in the answers (never an attribute), a call is one of :data:`FUNCTIONS`. The text is bounded
(:data:`MAX_LENGTH`, :data:`MAX_DEPTH`), there is no exponent and no repetition of strings or
lists, so a definition cannot make the server work hard. Evaluation never raises: a value of the
wrong kind makes a comparison false and arithmetic null, exactly as a missing answer does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

#: Longest expression text accepted.
MAX_LENGTH = 2_000
#: Deepest nesting of the tree (brackets, operators, calls).
MAX_DEPTH = 40
#: Longest number literal (digits), so no literal is a huge integer.
MAX_NUMBER_DIGITS = 30

#: The functions an expression may call, with their allowed number of arguments.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "count": (1, 1),
    "len": (1, 1),
    "sum": (1, 1),
    "min": (1, None),
    "max": (1, None),
    "any": (1, 1),
    "all": (1, 1),
    "is_set": (1, 1),
    "today": (0, 0),
    "years_between": (2, 2),
    "age": (1, 1),
    "date": (1, 1),
    "round": (1, 2),
    "count_where": (2, 2),
    "selected": (2, 2),
}

KEYWORDS = {"and", "or", "not", "in", "if", "else", "true", "false", "null"}
#: Python spellings accepted for the constants (definitions are written by people who know both).
CONSTANTS = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


class ExpressionError(ValueError):
    """A malformed expression: ``message`` says what is wrong, ``position`` where (0-based
    character offset into the text)."""

    def __init__(self, message: str, position: int = 0):
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


# --- tokens --------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<name>[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n"}


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, keyword, end
    value: Any
    position: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; anything the language does not know is an
    :class:`ExpressionError`."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if char in "'\"":
                raise ExpressionError("unterminated string", position)
            if char == "*" or text.startswith("**", position):
                raise ExpressionError("unknown operator", position)
            raise ExpressionError(f"unexpected character {char!r}", position)
        kind = match.lastgroup or ""
        value: Any = match.group()
        if kind == "space":
            position = match.end()
            continue
        if kind == "number":
            if len(value.replace(".", "")) > MAX_NUMBER_DIGITS:
                raise ExpressionError("number too long", position)
            value = Decimal(value) if "." in value else int(value)
        elif kind == "string":
            value = _unescape(value[1:-1], position)
        elif kind == "name":
            if value in CONSTANTS:
                kind = "constant"
                value = CONSTANTS[value]
            elif value in KEYWORDS:
                kind = "keyword"
            elif "." in value and any(part in KEYWORDS for part in value.split(".")):
                raise ExpressionError(f"keyword inside the field path {value!r}", position)
        elif kind == "op" and value == "*" and text.startswith("**", position):
            raise ExpressionError("no exponent operator '**'", position)
        tokens.append(Token(kind, value, position))
        position = match.end()
    tokens.append(Token("end", None, len(text)))
    return tokens


def _unescape(body: str, position: int) -> str:
    out = []
    chars = iter(enumerate(body))
    for offset, char in chars:
        if char == "\\":
            _o, nxt = next(chars, (offset, ""))
            if nxt not in _ESCAPES:
                raise ExpressionError(f"unknown escape '\\{nxt}'", position + 1 + offset)
            out.append(_ESCAPES[nxt])
        else:
            out.append(char)
    return "".join(out)


# --- parser --------------------------------------------------------------------------------
#
# Tree nodes are tuples: ("lit", value) ("name", path) ("list", items) ("not", x) ("neg", x)
# ("and", a, b) ("or", a, b) ("cmp", op, a, b) ("in", a, b, negated) ("arith", op, a, b)
# ("if", then, cond, else) ("call", name, args) ("where", repeat, predicate-expression)

_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.names: set[str] = set()
        self.functions: set[str] = set()
        self.predicates: list[tuple[str, Expression]] = []

    # helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, value: Any = None) -> bool:
        token = self.token
        return token.kind == kind and (value is None or token.value == value)

    def expect(self, kind: str, value: Any, what: str) -> Token:
        if not self.at(kind, value):
            raise ExpressionError(f"expected {what}", self.token.position)
        return self.advance()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels", self.token.position)

    def leave(self) -> None:
        self.depth -= 1

    # grammar
    def parse(self) -> tuple:
        if not self.text.strip():
            raise ExpressionError("empty expression", 0)
        node = self.conditional()
        if not self.at("end"):
            raise ExpressionError(f"unexpected {self._describe(self.token)}", self.token.position)
        return node

    def conditional(self) -> tuple:
        self.enter()
        node = self.or_()
        if self.at("keyword", "if"):
            self.advance()
            cond = self.or_()
            self.expect("keyword", "else", "'else'")
            other = self.conditional()
            node = ("if", node, cond, other)
        self.leave()
        return node

    def or_(self) -> tuple:
        node = self.and_()
        while self.at("keyword", "or"):
            self.advance()
            self.enter()
            node = ("or", node, self.and_())
        return node

    def and_(self) -> tuple:
        node = self.not_()
        while self.at("keyword", "and"):
            self.advance()
            self.enter()
            node = ("and", node, self.not_())
        return node

    def not_(self) -> tuple:
        if self.at("keyword", "not"):
            self.advance()
            self.enter()
            node = ("not", self.not_())
            self.leave()
            return node
        return self.comparison()

    def comparison(self) -> tuple:
        node = self.additive()
        token = self.token
        if token.kind == "op" and token.value in _COMPARISONS:
            self.advance()
            node = ("cmp", token.value, node, self.additive())
        elif self.at("keyword", "in"):
            self.advance()
            node = ("in", node, self.additive(), False)
        elif (
            self.at("keyword", "not")
            and self.tokens[self.index + 1].kind == "keyword"
            and (self.tokens[self.index + 1].value == "in")
        ):
            self.index += 2
            node = ("in", node, self.additive(), True)
        else:
            return node
        nxt = self.token
        if (nxt.kind == "op" and nxt.value in _COMPARISONS) or self.at("keyword", "in"):
            raise ExpressionError(
                "chained comparison: combine the comparisons with 'and'", nxt.position
            )
        return node

    def additive(self) -> tuple:
        node = self.term()
        while self.token.kind == "op" and self.token.value in ("+", "-"):
            op = self.advance().value
            self.enter()
            node = ("arith", op, node, self.term())
        return node

    def term(self) -> tuple:
        node = self.unary()
        while self.token.kind == "op" and self.token.value in ("*", "/"):
            op = self.advance().value
            self.enter()
            node = ("arith", op, node, self.unary())
        return node

    def unary(self) -> tuple:
        if self.token.kind == "op" and self.token.value in ("-", "+"):
            op = self.advance().value
            self.enter()
            operand = self.unary()
            self.leave()
            return ("neg", operand) if op == "-" else ("arith", "+", ("lit", 0), operand)
        return self.primary()

    def primary(self) -> tuple:
        token = self.token
        if token.kind in ("number", "string", "constant"):
            self.advance()
            return ("lit", token.value)
        if token.kind == "op" and token.value == "(":
            self.advance()
            self.enter()
            node = self.conditional()
            self.leave()
            self.expect("op", ")", "')'")
            return node
        if token.kind == "op" and token.value == "[":
            self.advance()
            self.enter()
            items = []
            if not self.at("op", "]"):
                items.append(self.conditional())
                while self.at("op", ","):
                    self.advance()
                    if self.at("op", "]"):
                        break
                    items.append(self.conditional())
            self.expect("op", "]", "']'")
            self.leave()
            return ("list", tuple(items))
        if token.kind == "name":
            self.advance()
            if self.at("op", "("):
                return self.call(token)
            self.names.add(token.value)
            return ("name", tuple(token.value.split(".")))
        if token.kind == "end":
            raise ExpressionError("unexpected end of expression", token.position)
        raise ExpressionError(f"unexpected {self._describe(token)}", token.position)

    def call(self, name_token: Token) -> tuple:
        name = name_token.value
        if name not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name!r}", name_token.position)
        self.functions.add(name)
        self.advance()  # (
        self.enter()
        args: list[tuple] = []
        arg_positions: list[int] = []
        if not self.at("op", ")"):
            arg_positions.append(self.token.position)
            args.append(self.conditional())
            while self.at("op", ","):
                self.advance()
                arg_positions.append(self.token.position)
                args.append(self.conditional())
        self.expect("op", ")", "')' or ','")
        self.leave()
        low, high = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = str(low) if low == high else f"{low} to {high}" if high else f"at least {low}"
            raise ExpressionError(
                f"{name}() takes {wanted} argument(s), got {len(args)}", name_token.position
            )
        if name == "count_where":
            repeat, predicate = args
            if repeat[0] != "name":
                raise ExpressionError(
                    "count_where() needs a repeat field as first argument", arg_positions[0]
                )
            if predicate[0] != "lit" or not isinstance(predicate[1], str):
                raise ExpressionError(
                    'count_where() needs the condition as a string, e.g. "item.alter < 18"',
                    arg_positions[1],
                )
            try:
                inner = compile_expression(predicate[1])
            except ExpressionError as exc:
                raise ExpressionError(
                    f"in the condition of count_where(): {exc.message}", arg_positions[1]
                ) from None
            self.predicates.append((".".join(repeat[1]), inner))
            return ("where", repeat, inner)
        return ("call", name, tuple(args))

    @staticmethod
    def _describe(token: Token) -> str:
        if token.kind == "end":
            return "end of expression"
        return f"{token.value!r}"


# --- the compiled expression ---------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A parsed expression. ``names`` are the field paths it reads (``item.x`` inside a repeat);
    ``predicates`` the ``(repeat path, condition)`` pairs of its ``count_where`` calls."""

    text: str
    tree: tuple = field(repr=False, compare=False)
    names: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    predicates: tuple[tuple[str, Expression], ...] = field(default=(), repr=False, compare=False)

    def evaluate(
        self,
        answers: Mapping[str, Any] | None,
        item: Mapping[str, Any] | None = None,
        today: date | None = None,
    ) -> Any:
        """The value of the expression for ``answers`` (nested: groups are dicts, repeats lists of
        dicts; dates as ``date`` or ISO text). ``item`` is the current repeat row (``item.x``);
        ``today`` defaults to the real day. Never raises on any answers."""
        env = _Env(answers or {}, item, today or date.today())
        try:
            return _eval(self.tree, env)
        except (ArithmeticError, ValueError, TypeError, OverflowError, RecursionError):
            return None

    def test(
        self,
        answers: Mapping[str, Any] | None,
        item: Mapping[str, Any] | None = None,
        today: date | None = None,
    ) -> bool:
        """The value as a condition (null and empty are false)."""
        return _truthy(self.evaluate(answers, item, today))


@lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expression:
    """Parse ``text`` (cached: definitions repeat their rules); raise :class:`ExpressionError`."""
    if not isinstance(text, str):
        raise ExpressionError("an expression must be text", 0)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters", MAX_LENGTH)
    parser = _Parser(text)
    tree = parser.parse()
    return Expression(
        text=text,
        tree=tree,
        names=frozenset(parser.names),
        functions=frozenset(parser.functions),
        predicates=tuple(parser.predicates),
    )


# --- evaluation ----------------------------------------------------------------------------


@dataclass
class _Env:
    answers: Mapping[str, Any]
    item: Mapping[str, Any] | None
    today: date


def _lookup(path: tuple[str, ...], env: _Env) -> Any:
    if path[0] == "item" and env.item is not None:
        value: Any = env.item
        path = path[1:]
    else:
        value = env.answers
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _truthy(value: Any) -> bool:
    return bool(value) if value is not None else False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def as_date(value: Any) -> date | None:
    """``value`` as a date: a date, a datetime (its day) or ISO text; else ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _comparable(a: Any, b: Any) -> tuple[Any, Any] | None:
    """``a`` and ``b`` made comparable (numbers with numbers, dates with dates or ISO text,
    text with text), or ``None`` when they cannot be ordered."""
    if _is_number(a) and _is_number(b):
        if isinstance(a, float) or isinstance(b, float):
            return float(a), float(b)
        return a, b
    if isinstance(a, date) or isinstance(b, date):
        da, db_ = as_date(a), as_date(b)
        return (da, db_) if da is not None and db_ is not None else None
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    if isinstance(a, bool) and isinstance(b, bool):
        return a, b
    return None


def _equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    pair = _comparable(a, b)
    if pair is not None:
        return bool(pair[0] == pair[1])
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    return False


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return _equal(a, b)
    if op == "!=":
        return not _equal(a, b)
    if a is None or b is None:
        return False
    pair = _comparable(a, b)
    if pair is None:
        return False
    x, y = pair
    if op == "<":
        return bool(x < y)
    if op == "<=":
        return bool(x <= y)
    if op == ">":
        return bool(x > y)
    return bool(x >= y)


def _contains(container: Any, value: Any) -> bool:
    if container is None or value is None:
        return False
    if isinstance(container, str):
        return isinstance(value, str) and value in container
    if isinstance(container, list | tuple):
        return any(_equal(value, item) for item in container)
    if isinstance(container, Mapping):
        return isinstance(value, str) and value in container
    return False


def _arith(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if _is_number(a) and _is_number(b):
        if isinstance(a, float) or isinstance(b, float):
            a, b = float(a), float(b)
        elif isinstance(a, Decimal) or isinstance(b, Decimal):
            a, b = Decimal(a), Decimal(b)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            return None
        if isinstance(a, int) and isinstance(b, int):
            quotient = Decimal(a) / Decimal(b)
            return int(quotient) if quotient == int(quotient) else quotient
        return a / b
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        return a + b
    da, db_ = as_date(a) if isinstance(a, date) else None, as_date(b)
    if da is not None and isinstance(b, int) and not isinstance(b, bool) and op in "+-":
        from datetime import timedelta

        return da + timedelta(days=b if op == "+" else -b)
    if da is not None and db_ is not None and op == "-":
        return (da - db_).days
    return None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, list | tuple):
        return sum(
            1
            for v in value
            if isinstance(v, Mapping) or (v is not None and v is not False and v != "")
        )
    if isinstance(value, bool):
        return int(value)
    return 1 if _is_set(value) else 0


def _is_set(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) > 0
    return True


def _years_between(a: Any, b: Any) -> int | None:
    start, end = as_date(a), as_date(b)
    if start is None or end is None:
        return None
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return years


def _numbers(args: Sequence[Any]) -> list[Any]:
    values = args[0] if len(args) == 1 and isinstance(args[0], list | tuple) else args
    return [v for v in values if _is_number(v) or isinstance(v, date)]


def _extreme(args: Sequence[Any], pick: Callable[..., Any]) -> Any:
    values = _numbers(args)
    if not values:
        return None
    if all(isinstance(v, date) for v in values) or all(_is_number(v) for v in values):
        return pick(values)
    return None


def _round(value: Any, digits: Any = 0) -> Any:
    if not _is_number(value) or not isinstance(digits, int) or isinstance(digits, bool):
        return None
    digits = max(0, min(digits, 10))
    # Commercial rounding (half up), as on paper; Python's round() would round half to even.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else rounded


def _call(name: str, args: list[Any], env: _Env) -> Any:
    if name == "count":
        return _count(args[0])
    if name == "len":
        value = args[0]
        return len(value) if isinstance(value, str | list | tuple) else 0
    if name == "sum":
        return sum((v for v in _items(args[0]) if _is_number(v)), 0)
    if name == "min":
        return _extreme(args, min)
    if name == "max":
        return _extreme(args, max)
    if name == "any":
        return any(_truthy(v) for v in _items(args[0]))
    if name == "all":
        return all(_truthy(v) for v in _items(args[0]))
    if name == "is_set":
        return _is_set(args[0])
    if name == "today":
        return env.today
    if name == "years_between":
        return _years_between(args[0], args[1])
    if name == "age":
        return _years_between(args[0], env.today)
    if name == "date":
        return as_date(args[0])
    if name == "round":
        return _round(*args)
    if name == "selected":
        return _contains(args[0], args[1]) if isinstance(args[0], list | tuple) else False
    raise ExpressionError(f"unknown function {name!r}", 0)  # pragma: no cover - parser refuses


def _eval(node: tuple, env: _Env) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "name":
        return _lookup(node[1], env)
    if kind == "and":
        return _truthy(_eval(node[1], env)) and _truthy(_eval(node[2], env))
    if kind == "or":
        return _truthy(_eval(node[1], env)) or _truthy(_eval(node[2], env))
    if kind == "not":
        return not _truthy(_eval(node[1], env))
    if kind == "cmp":
        return _compare(node[1], _eval(node[2], env), _eval(node[3], env))
    if kind == "in":
        found = _contains(_eval(node[2], env), _eval(node[1], env))
        return not found if node[3] else found
    if kind == "arith":
        return _arith(node[1], _eval(node[2], env), _eval(node[3], env))
    if kind == "neg":
        value = _eval(node[1], env)
        return -value if _is_number(value) else None
    if kind == "if":
        return _eval(node[1], env) if _truthy(_eval(node[2], env)) else _eval(node[3], env)
    if kind == "list":
        return [_eval(item, env) for item in node[1]]
    if kind == "call":
        return _call(node[1], [_eval(arg, env) for arg in node[2]], env)
    if kind == "where":
        rows = _lookup(node[1][1], env)
        predicate: Expression = node[2]
        return sum(
            1
            for row in _items(rows)
            if isinstance(row, Mapping)
            and _truthy(_eval(predicate.tree, _Env(env.answers, row, env.today)))
        )
    raise ValueError(kind)  # pragma: no cover


__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "Token",
    "as_date",
    "compile_expression",
    "tokenize",
]
