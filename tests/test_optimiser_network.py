"""The optimisers' real-network view and the page's path controls: the network runs share
data and start, the page's claim about momentum's rate holds, the controls map onto the
core's parameters."""

from __future__ import annotations

import numpy as np
import pytest

from core import optimiser_network as N
from core import surfaces
from core.optimiser_page import PathControls


def test_every_optimizer_trains_the_same_data_deterministically():
    p = N.NetworkParams(epochs=20)
    first = N.train_all(p, ("sgd", "adam"))
    again = N.train_all(p, ("sgd", "adam"))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.loss, b.loss)
    sgd, adam = first
    assert len(sgd.loss) == len(adam.loss) == 20
    assert not np.allclose(sgd.loss, adam.loss)  # only the optimizer differs, and it shows
    assert sgd.loss[-1] < sgd.loss[0] and adam.loss[-1] < adam.loss[0]
    ds = N.data(p)
    assert len(ds) == N.N_POINTS and set(np.unique(ds.y)) == {0, 1}


def test_momentum_at_a_tenth_of_sgds_rate_follows_sgd():
    # the page says: β = 0.9 makes momentum's steady step 10·α·g, so at a tenth of SGD's rate
    # it takes about the same steps
    sgd, momentum = N.train_all(N.NetworkParams(), ("sgd", "momentum"))
    assert momentum.learning_rate == pytest.approx(sgd.learning_rate / 10)
    ratio = momentum.loss[-1] / sgd.loss[-1]
    assert 0.7 < ratio < 1.4
    adam, = N.train_all(N.NetworkParams(), ("adam",))
    assert abs(adam.loss[9] / sgd.loss[9] - 1) > 0.5  # unlike an unrelated optimizer


def test_unknown_optimizers_are_rejected_by_name():
    with pytest.raises(ValueError, match="optimizer"):
        N.train_all(N.NetworkParams(), ("sgd", "lbfgs"))


def test_path_controls_become_the_cores_parameters():
    c = PathControls(optimizers=("adam", "sgd"), rate_sgd=0.02, start_x=-3.0)
    p = c.paths()
    assert p.chosen == ("sgd", "adam")  # the registry's order
    assert p.learning_rate("sgd") == pytest.approx(0.02)
    assert p.rate_adam == 0.0  # empty: the surface's default
    assert p.start == (-3.0, surfaces.get("beale").start[1])  # the missing one: the surface's
    assert PathControls().paths().start == ()  # both empty: the surface's start point
    back, notes = PathControls.from_query(c.to_query())
    assert back == c and notes == []


def test_path_controls_reject_bad_values_naming_them():
    with pytest.raises(ValueError, match="optimizers"):
        PathControls(optimizers=("sgd", "lbfgs"))
    with pytest.raises(ValueError, match="start_x"):
        PathControls(start_x=7.0)
    with pytest.raises(ValueError, match="rate_sgd"):
        PathControls(rate_sgd=0.0)
