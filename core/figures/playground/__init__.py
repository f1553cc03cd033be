"""Figures of the Playground page: the output over the input plane replayed epoch by epoch
(``replay``), the network diagram with what every node computes (``diagram``), and the
curves and metrics (``metrics``)."""

from core.figures.playground.diagram import (
    features_latex,
    network_diagram,
    node_cells,
    node_figure,
    node_formula,
    node_names,
    thumb_size,
)
from core.figures.playground.metrics import (
    accuracy_figure,
    confusion_figure,
    loss_figure,
    regression_fit,
)
from core.figures.playground.replay import (
    class_colorscale,
    encode_classes,
    output_replay,
    output_values,
    point_traces,
)

__all__ = [
    "accuracy_figure", "class_colorscale", "confusion_figure", "encode_classes",
    "features_latex", "loss_figure", "network_diagram", "node_figure", "node_formula",
    "node_cells", "node_names", "output_replay", "output_values", "point_traces",
    "regression_fit", "thumb_size",
]
