"""The work one run may ask for: epochs × training samples × parameters, at most MAX_WORK.

Every page trains through :func:`core.engine.train`, which checks the work before it takes
a training slot, so a link or a slider combination that would hold a core of the shared
lecture server for minutes is refused with a message naming the settings, on every page.
"""

from __future__ import annotations

from core.engine.api import Network, Training
from core.limits import MAX_WORK


class WorkLimitError(ValueError):
    """A run asks for more work than :data:`core.limits.MAX_WORK`; the message says which
    settings make it up. A ValueError, so pages that report bad settings report it too."""


def parameters(net: Network) -> int:
    """Weights and biases of ``net`` at its own widths (not the padded ones)."""
    sizes = net.sizes
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:]))


def work(net: Network, fit: Training, n_samples: int) -> int:
    """Epochs × training samples × parameters: proportional to the multiply-adds of the
    run's forward and backward passes, whatever the batch size."""
    return fit.epochs * n_samples * parameters(net)


def check_work(net: Network, fit: Training, n_samples: int, limit: int = MAX_WORK) -> int:
    """The run's :func:`work`; raises :class:`WorkLimitError` if it exceeds ``limit``."""
    amount = work(net, fit, n_samples)
    if amount > limit:
        raise WorkLimitError(
            f"This run is too large for the shared server: {fit.epochs:,} epochs × "
            f"{n_samples:,} training samples × {parameters(net):,} parameters = "
            f"{amount:,}, above the limit of {limit:,} per run (MAX_WORK). Lower the "
            "epochs, the number of data points or the network's size.")
    return amount
