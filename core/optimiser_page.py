"""The optimisers page's own parameters: which view is open, and the paths' controls in the
kinds a student sees (several optimizers at once, a rate that may be left at the surface's
default, a start point that may be left at the surface's start).

:class:`PathControls` is what the widgets and the link hold; :meth:`PathControls.paths`
turns it into :class:`core.optimiser_paths.PathParams`, the input (and cache key) of the
paths' computation. Fields the two share reuse PathParams's own declarations, so their
bounds are written once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from core import optimizers, surfaces
from core.optimiser_paths import MAX_LEARNING_RATE, PathParams
from core.params import Params, choice, choices, optional_number

#: The page's views: paths on test surfaces, the momentum explorer, a real network.
VIEWS = {"paths": "Paths", "momentum": "Momentum", "network": "Real network"}
#: Surface names that fit the select box (the registry's labels are the long form).
SURFACE_LABELS = {**{k: s.label.split(" (")[0] for k, s in surfaces.SURFACES.items()},
                  "quadratic": "Quadratic valley"}
COORDINATE = (-6.0, 6.0)


@dataclass(frozen=True)
class ViewParams(Params):
    """Which view of the optimisers page is open (part of the link)."""

    view: str = choice("paths", tuple(VIEWS), label="view")


def _same_as_paths(name: str) -> Any:
    """A field declared exactly as PathParams declares ``name``."""
    field = {f.name: f for f in dataclasses.fields(PathParams)}[name]
    return dataclasses.field(default=field.default, metadata=field.metadata)


def _rate(name: str) -> Any:
    return optional_number(None, 1e-6, MAX_LEARNING_RATE, off_label="default",
                           label=f"α {optimizers.get(name).label.split(' (')[0]}",
                           help=f"{optimizers.get(name).label}: its own learning rate "
                                "(empty: this surface's default).")


def _coordinate(axis: str) -> Any:
    return optional_number(None, *COORDINATE, step=0.1, off_label="surface's",
                           label=f"start {axis}₀",
                           help="Where every optimiser starts; empty: the surface's own "
                                "start point.")


@dataclass(frozen=True)
class PathControls(Params):
    """The paths' controls as the page draws them; :meth:`paths` gives the core's input."""

    surface: str = _same_as_paths("surface")
    optimizers: tuple[str, ...] = choices(
        ("sgd", "momentum", "nesterov", "rmsprop", "adam"), tuple(optimizers.OPTIMIZERS),
        label="optimizers", help="Every optimizer chosen walks from the same start point.")
    learning_rate_scale: float = _same_as_paths("learning_rate_scale")
    steps: int = _same_as_paths("steps")
    rate_sgd: float | None = _rate("sgd")
    rate_momentum: float | None = _rate("momentum")
    rate_nesterov: float | None = _rate("nesterov")
    rate_adagrad: float | None = _rate("adagrad")
    rate_adadelta: float | None = _rate("adadelta")
    rate_rmsprop: float | None = _rate("rmsprop")
    rate_adam: float | None = _rate("adam")
    start_x: float | None = _coordinate("x")
    start_y: float | None = _coordinate("y")

    def paths(self) -> PathParams:
        """The core's parameters: the chosen optimizers as flags, an empty rate as 0 (the
        surface's default), an empty start coordinate as the surface's own."""
        flags = {f"use_{name}": name in self.optimizers for name in optimizers.OPTIMIZERS}
        rates = {f"rate_{name}": getattr(self, f"rate_{name}") or 0.0
                 for name in optimizers.OPTIMIZERS}
        start: tuple[float, ...] = ()
        if self.start_x is not None or self.start_y is not None:
            x0, y0 = surfaces.get(self.surface).start
            start = (x0 if self.start_x is None else self.start_x,
                     y0 if self.start_y is None else self.start_y)
        return PathParams(surface=self.surface, learning_rate_scale=self.learning_rate_scale,
                          steps=self.steps, start=start, **flags, **rates)
