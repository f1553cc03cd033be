"""Parameter sets a student might reach from a page's defaults: one or two controls changed,
often a structure change (activation, depth, layer widths, optimizer, data set).

A page is known only by the link it writes (every field of its Params in the query string,
ui.state.write_url), so pages added to ui/catalog.py later are covered without a list here:
the Params classes of ``core`` whose fields all appear in that link are the page's.
Costly fields (epochs, points, steps, sizes) never go above the page's default, so a load
run measures many configurations at the default's cost, not a few huge ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from core.params import Params, allowed_options, defined_params

#: Field names whose value scales the work of a run: kept at or below the default.
COSTLY = re.compile(r"epoch|step|point|sample|size|n_|count|frames|grid|width|units|layers")
STRUCTURE = re.compile(r"activation|hidden|layers|units|depth|width|optimizer|dataset|features"
                       r"|initializer|loss|problem")




def classes_for(query: Mapping[str, str]) -> list[type[Params]]:
    """The Params classes a page with this link uses: all fields in the link, largest first,
    without classes whose fields are a subset of another's."""
    keys = set(query)
    fits = [c for c in defined_params() if c.field_names() and set(c.field_names()) <= keys]
    fits.sort(key=lambda c: -len(c.field_names()))
    chosen: list[type[Params]] = []
    for cls in fits:
        if not any(set(cls.field_names()) <= set(c.field_names()) for c in chosen):
            chosen.append(cls)
    return chosen


def _number(rng: np.random.Generator, name: str, meta: Mapping, default, kind: type):
    options = [o for o in meta.get("options") or () if o is not None]
    if not options:
        lo, hi = float(meta["lo"]), float(meta["hi"])
        options = list(np.linspace(lo, hi, 9))
    if COSTLY.search(name) and isinstance(default, (int, float)):
        options = [o for o in options if o <= default] or [default]
    value = options[int(rng.integers(len(options)))]
    return int(round(value)) if kind is int else float(value)


def _numbers(rng: np.random.Generator, meta: Mapping, default: tuple) -> tuple:
    """A new tuple: a new depth and widths for a layer list, one entry changed otherwise."""
    lo, hi = meta["lo"], meta["hi"]
    kind = int if all(isinstance(v, int) for v in default) else float
    if meta["min_len"] != meta["max_len"]:
        longest = min(meta["max_len"], max(len(default) + 1, meta["min_len"]))
        n = int(rng.integers(meta["min_len"], longest + 1))
        top = min(hi, max(default, default=hi))
        values = rng.integers(int(lo), int(top) + 1, n) if kind is int else rng.uniform(lo, top, n)
        return tuple(kind(v) for v in values)
    values = list(default)
    if values:
        i = int(rng.integers(len(values)))
        values[i] = kind(rng.integers(int(lo), int(hi) + 1)) if kind is int else float(
            np.round(rng.uniform(lo, hi), 2))
    return tuple(values)


def _new_value(rng: np.random.Generator, cls: type[Params], name: str, params: Params):
    meta, value = cls.meta(name), getattr(params, name)
    kind = meta["kind"]
    if kind == "choice":
        current = {n: getattr(params, n) for n in cls.field_names()}
        options = allowed_options(cls, name, current)
        return options[int(rng.integers(len(options)))]
    if kind == "choices":
        options = list(meta["options"])
        n = int(rng.integers(max(1, meta["min_len"]), max(1, meta["max_len"]) + 1))
        picked = set(rng.choice(len(options), size=min(n, len(options)), replace=False))
        return tuple(o for i, o in enumerate(options) if i in picked)
    if kind == "flag":
        return not value
    if kind == "numbers":
        return _numbers(rng, meta, value)
    if kind in ("number", "optional_number"):
        if kind == "optional_number" and rng.random() < 0.3:
            return None
        base = value if value is not None else meta["lo"]
        return _number(rng, name, meta, base, type(base) if value is not None else float)
    return value  # text (a typed function): kept


def variant(rng: np.random.Generator, cls: type[Params], params: Params,
            structure: bool) -> Params:
    """``params`` with one or two fields changed (a structure field when ``structure``);
    returns ``params`` itself when no valid change was found."""
    names = [n for n in cls.field_names() if cls.meta(n)["kind"] != "text"]
    wanted = [n for n in names if bool(STRUCTURE.search(n)) == structure] or names
    for _ in range(20):
        changes = {}
        for name in rng.choice(wanted, size=min(len(wanted), int(rng.integers(1, 3))),
                               replace=False):
            changes[str(name)] = _new_value(rng, cls, str(name), params)
        try:
            candidate = params.replace(**changes)
        except (ValueError, TypeError):
            continue
        if candidate != params:
            return candidate
    return params


def query_sets(default_query: Mapping[str, str], count: int, seed: int,
               structure_share: float = 0.4) -> list[dict[str, str]]:
    """``count`` distinct links for the page whose default link is ``default_query``: the
    defaults first, then variants of the defaults (a share of them structure changes)."""
    rng = np.random.default_rng(seed)
    base = dict(default_query)
    classes = classes_for(base)
    defaults = {}
    for cls in classes:
        params, _ = cls.from_query(base, other_keys=[k for k in base if k not in
                                                     cls.field_names()])
        defaults[cls] = params
    out, seen = [base], {tuple(sorted(base.items()))}
    attempts = 0
    while len(out) < count and classes and attempts < 50 * count:
        attempts += 1
        cls = classes[int(rng.integers(len(classes)))]
        new = variant(rng, cls, defaults[cls], structure=rng.random() < structure_share)
        query = {**base, **new.to_query()}
        key = tuple(sorted(query.items()))
        if key not in seen:
            seen.add(key)
            out.append(query)
    return out
