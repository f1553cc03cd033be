"""Momentum explorer: the rate map against the closed-form heavy-ball theory, the path
against a NumPy iteration written differently (the heavy ball on θ alone, and the matrix
power of the linear iteration)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import momentum as M
from core import surfaces

LAM_MIN, LAM_MAX = 1.0, 100.0
A = surfaces.QUADRATIC_MATRIX


def test_the_rate_map_is_stable_exactly_where_0_lt_alpha_lambda_lt_2_plus_2_beta():
    m = M.rate_map(LAM_MIN, LAM_MAX)
    alpha, beta = np.meshgrid(m.rates, m.betas)
    stable = (alpha * LAM_MAX < 2 + 2 * beta)
    edge = np.abs(alpha * LAM_MAX - (2 + 2 * beta)) < 0.02  # rounding right at the border
    assert np.array_equal((m.rho < 1)[~edge], stable[~edge])
    assert stable.any() and (~stable).any()  # the map shows both sides


def test_oscillating_directions_shrink_by_sqrt_beta_and_overdamped_by_the_real_root():
    rng = np.random.default_rng(0)
    for alpha, beta in zip(rng.uniform(0.001, 0.04, 50), rng.uniform(0, 0.99, 50)):
        expected = 0.0
        for lam in (LAM_MIN, LAM_MAX):
            a = alpha * lam
            disc = (1 + beta - a) ** 2 - 4 * beta
            if disc < 0:
                radius = math.sqrt(beta)
            else:  # roots of z² − (1 + β − a)z + β
                radius = max(abs((1 + beta - a + s * math.sqrt(disc)) / 2) for s in (1, -1))
            expected = max(expected, radius)
        assert M.spectral_radius(alpha, beta, (LAM_MIN, LAM_MAX)) == pytest.approx(expected)


def test_the_optimum_is_the_closed_form_and_the_best_cell_of_the_map():
    alpha, beta, rate = M.optimum(LAM_MIN, LAM_MAX)
    kappa = LAM_MAX / LAM_MIN
    assert alpha == pytest.approx(4 / (math.sqrt(LAM_MAX) + math.sqrt(LAM_MIN)) ** 2)
    assert beta == pytest.approx(((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2)
    assert rate == pytest.approx(9 / 11)
    assert M.spectral_radius(alpha, beta, (LAM_MIN, LAM_MAX)) == pytest.approx(rate, rel=1e-6)
    m = M.rate_map(LAM_MIN, LAM_MAX)
    i, j = np.unravel_index(np.argmin(m.rho), m.rho.shape)
    assert abs(m.betas[i] - beta) < 0.03 and abs(m.rates[j] - alpha) < 0.002
    assert m.rho.min() >= rate - 1e-9  # nothing on the grid beats the optimum
    # plain GD at its best, α = 2/(λ_min + λ_max), shrinks only by (κ − 1)/(κ + 1) per step
    best_gd = M.gd_rate(2 / (LAM_MIN + LAM_MAX), LAM_MIN, LAM_MAX)
    assert best_gd == pytest.approx((kappa - 1) / (kappa + 1))
    assert math.log(0.01) / math.log(rate) < math.log(0.01) / math.log(best_gd) / 9


def test_critical_damping_is_where_the_roots_meet():
    for beta in (0.1, 0.5, 0.9):
        low, high = M.critical_rates(beta, LAM_MAX)
        for alpha in (low, high):
            a = alpha * LAM_MAX
            assert (1 + beta - a) ** 2 - 4 * beta == pytest.approx(0, abs=1e-12)
            assert M.regime(alpha, beta, LAM_MAX) == "critically damped"
        assert M.regime((low + high) / 2, beta, LAM_MAX) == "oscillating"
        assert M.regime(low / 2, beta, LAM_MAX) == "overdamped"
    assert M.regime(0.019, 0.0, LAM_MAX) == "flipping"  # plain GD past 1/λ: sign flips
    assert M.regime(0.05, 0.9, LAM_MAX) == "diverging"


def test_the_path_is_the_heavy_ball_iteration():
    p = M.MomentumParams(learning_rate=0.02, momentum=0.8, iterations=60)
    r = M.run(p)
    theta = [np.array(surfaces.get("quadratic").start)] * 2
    for _ in range(p.iterations):  # θₖ₊₁ = θₖ − αAθₖ + β(θₖ − θₖ₋₁), with θ₋₁ = θ₀
        theta.append(theta[-1] - p.learning_rate * A @ theta[-1]
                     + p.momentum * (theta[-1] - theta[-2]))
    np.testing.assert_allclose(r.xy, theta[1:], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r.loss, [0.5 * t @ A @ t for t in theta[1:]], rtol=1e-10)


def test_the_path_shrinks_at_the_spectral_radius():
    p = M.MomentumParams(learning_rate=0.03, momentum=0.9, iterations=300)
    r = M.run(p)
    # the linear iteration on (θ, θ_prev) as one 4×4 matrix: its power is the closed form
    step = np.block([[np.eye(2) * (1 + p.momentum) - p.learning_rate * A,
                      -p.momentum * np.eye(2)], [np.eye(2), np.zeros((2, 2))]])
    start = np.array([*surfaces.get("quadratic").start] * 2)
    end = np.linalg.matrix_power(step, p.iterations) @ start
    np.testing.assert_allclose(r.xy[-1], end[:2], rtol=1e-8, atol=1e-14)
    assert r.rho == pytest.approx(max(abs(np.linalg.eigvals(step))))
    assert r.rho == pytest.approx(math.sqrt(0.9))  # both directions oscillate


def test_outside_the_stable_region_the_path_diverges_and_is_cut():
    r = M.run(M.MomentumParams(learning_rate=0.04, momentum=0.9, iterations=300))
    assert r.rho > 1 and r.diverged_at is not None
    assert len(r.xy) == r.diverged_at and np.all(np.isfinite(r.loss))
    inside = M.run(M.MomentumParams(learning_rate=0.037, momentum=0.9, iterations=300))
    assert inside.rho < 1 and inside.diverged_at is None


@pytest.mark.parametrize("field, value", [("learning_rate", 0.0123), ("momentum", 1.0),
                                          ("iterations", 5)])
def test_bad_parameters_raise_naming_the_parameter(field, value):
    with pytest.raises(ValueError, match=field):
        M.MomentumParams(**{field: value})
