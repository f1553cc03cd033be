"""XOR core: the lecture's numbers, computed by hand, and trained networks."""

import numpy as np
import pytest

from core import xor as X


def test_hand_set_network_gives_the_slides_numbers():
    steps = X.hand_steps(X.HandParams())
    # The slide: W1 X = [[0,1,1,2],[0,1,1,2]], + b1 = [[0,1,1,2],[-1,0,0,1]], h = ReLU(.)
    np.testing.assert_array_equal(steps.wx, [[0, 1, 1, 2], [0, 1, 1, 2]])
    np.testing.assert_array_equal(steps.wx_b, [[0, 1, 1, 2], [-1, 0, 0, 1]])
    np.testing.assert_array_equal(steps.h, [[0, 1, 1, 2], [0, 0, 0, 1]])
    np.testing.assert_array_equal(steps.y, [0, 1, 1, 0])
    assert steps.solved and steps.accuracy == 1.0


def test_a_broken_weight_breaks_the_solution():
    steps = X.hand_steps(X.HandParams(W2=(1.0, -1.0)))
    np.testing.assert_array_equal(steps.y, [0, 1, 1, 1])  # (1,1): 2 - 1 = 1
    assert not steps.solved
    assert steps.accuracy == 0.75


def test_hand_params_validate_and_round_trip_through_the_url():
    with pytest.raises(ValueError, match="W1"):
        X.HandParams(W1=(1.0, 1.0, 1.0))
    p = X.HandParams(W1=(0.5, -1.5, 2.0, 1.0), b2=-0.5)
    back, notes = X.HandParams.from_query(p.to_query())
    assert back == p and notes == []


def test_least_squares_predicts_one_half_everywhere():
    w, b, pred = X.least_squares_fit()
    np.testing.assert_allclose(w, [0, 0], atol=1e-12)
    assert b == pytest.approx(0.5)
    np.testing.assert_allclose(pred, 0.5)


def test_no_line_gets_more_than_three_of_four():
    assert X.best_linear_accuracy() == 0.75


def test_warped_grid_maps_corners_to_the_hidden_points():
    lines = X.warped_grid(X.HandParams(), lines=3, samples=3)
    assert len(lines) == 6 and all(line.shape == (3, 2) for line in lines)
    # The plane's centre (0.5, 0.5) goes to h = ReLU(1, 0) = (1, 0).
    mid = lines[2][1]  # horizontal line at x2 = 0.5, its middle sample x1 = 0.5
    np.testing.assert_allclose(mid, [1.0, 0.0])


def test_default_training_solves_xor_and_records_a_replay():
    run = X.train_xor(X.XorParams())
    assert run.solved
    snaps = run.result.snapshots
    assert snaps[0].epoch == 0 and snaps[-1].epoch == X.XorParams().epochs
    assert all(s.outputs.shape == (X.GRID_SIZE**2, 1) for s in snaps)
    # The outputs recorded on the grid agree with a NumPy forward pass of the weights.
    (w1, b1), (w2, b2) = snaps[-1].weights
    grid = X.grid_points(run.grid_axis)
    p = 1 / (1 + np.exp(-(np.maximum(grid @ w1 + b1, 0) @ w2 + b2)))
    np.testing.assert_allclose(snaps[-1].outputs, p, atol=1e-5)
    np.testing.assert_array_equal(run.outputs() > 0.5, X.XOR_TARGETS > 0.5)


def test_one_hidden_unit_never_solves_xor_where_wider_layers_do():
    seeds = range(6)
    assert not any(X.solves_xor(X.XorParams(hidden_units=1, seed=s)) for s in seeds)
    # The same training does solve it with more units: the failure is the width's.
    assert sum(X.solves_xor(X.XorParams(hidden_units=8, seed=s)) for s in seeds) >= 5


def test_a_linear_model_is_left_undecided_by_xor_but_learns_and():
    run = X.train_linear()
    outputs = X.linear_outputs(run)
    assert X.undecided(outputs)  # ½ everywhere, as the page says
    assert run.result.history["loss"][-1] == pytest.approx(np.log(2), abs=1e-3)
    # The same training on a separable target (AND) gets every point right and decides.
    and_run = X.train_linear(targets=(0.0, 0.0, 0.0, 1.0))
    assert and_run.result.history["accuracy"][-1] == 1.0
    assert not X.undecided(X.linear_outputs(and_run))


def test_linear_outputs_match_a_numpy_forward_pass_on_the_grid():
    run = X.train_linear(targets=(0.0, 1.0, 1.0, 1.0))  # OR: a decided model
    (w, b), = run.result.final.weights
    grid = X.grid_points(run.grid_axis)
    np.testing.assert_allclose(run.result.final.outputs[:, 0],
                               1 / (1 + np.exp(-(grid @ w + b)[:, 0])), atol=1e-5)
    np.testing.assert_allclose(X.linear_outputs(run),
                               1 / (1 + np.exp(-(X.XOR_INPUTS @ w + b)[:, 0])), atol=1e-7)


def test_landing_places_group_the_points_that_coincide():
    places = X.landing_places(X.hand_steps(X.HandParams()).h.T, ["a", "b", "c", "d"])
    assert places == {(0.0, 0.0): ["a"], (1.0, 0.0): ["b", "c"], (2.0, 1.0): ["d"]}
    identity = X.HandParams(W1=(1.0, 0.0, 0.0, 1.0), b1=(0.0, 0.0))
    moved = X.landing_places(X.hand_steps(identity).h.T, ["a", "b", "c", "d"])
    assert all(len(names) == 1 for names in moved.values())
    mixed = X.landing_places(X.hand_steps(X.HandParams(W1=(1.0, 0.0, 1.0, 1.0))).h.T,
                             ["a", "b", "c", "d"])
    assert mixed[(0.0, 0.0)] == ["a", "b"]  # two classes on one point: no line separates


def test_the_sweeps_answer_says_what_the_default_sweep_shows():
    units = (1, 2, 8)
    rates = [sum(X.solves_xor(X.XorParams(hidden_units=u, seed=s)) for s in range(10)) / 10
             for u in units]
    answer = X.sweep_answer(units, rates, "ReLU")
    assert rates[0] == 0 and rates[-1] > rates[1] > 0
    assert "smallest width that solved it was 2" in answer
    assert "wider layers succeed more often" in answer and "dead" in answer
    # Bars that say otherwise get another answer.
    assert "did not make training more reliable" in X.sweep_answer(units, [0, 0.5, 0.5], "ReLU")
    assert "No width solved" in X.sweep_answer(units, [0, 0, 0], "tanh")


def test_a_flat_output_draws_no_decision_line_and_says_so():
    """Logistic regression on XOR answers ½ ± 10⁻⁸: a contour at ½ would be a jagged line of
    rounding noise. The map shows no line and names the value; a trained network, whose
    output does vary, keeps its boundary (the positive case)."""
    from core.figures import training as fig_training

    linear = X.train_linear()
    flat = fig_training.output_map(linear.grid_axis, linear.result.final.outputs[:, 0],
                                   X.XOR_INPUTS, X.XOR_TARGETS.astype(int), title="t")
    assert flat.data[0].type == "heatmap"
    assert "0.50 everywhere" in flat.layout.annotations[0].text
    trained = X.train_xor(X.XorParams(), frames=2)
    varied = fig_training.output_map(trained.grid_axis, trained.result.final.outputs[:, 0],
                                     X.XOR_INPUTS, X.XOR_TARGETS.astype(int), title="t")
    assert varied.data[0].type == "contour" and not varied.layout.annotations
    assert fig_training.is_flat(np.full(9, 0.5) + 1e-8, (0.0, 1.0))
    assert not fig_training.is_flat(np.array([0.4, 0.6]), (0.0, 1.0))
