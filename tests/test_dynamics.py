"""The pure dynamics: batching, bounds, exact decomposition, and rest at the anchor."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import decisions
from sim.model import dynamics as dyn

N = 5


def coefficients(rng, batch=()):
    draw = lambda lo, hi, shape=(): rng.uniform(lo, hi, batch + shape)
    return dyn.Coefficients(
        inertia_rate=draw(0, 0.5),
        benefit_gain=draw(0, 0.5),
        giver_share=draw(0, 1),
        threat_gain=draw(0, 0.5),
        pressure_gain=draw(0, 0.5),
        balance_gain=draw(0, 0.5),
        hedging_gain=draw(0, 2),
        noise_sd=draw(0, 0.1),
        channel_weight=draw(0, 3, (5,)),
        relax_rate=draw(0, 1, (6,)),
        hedging=draw(0, 1, (N,)),
    )


def world(rng, batch=()):
    A = rng.uniform(-1, 1, batch + (N, N))
    S = rng.uniform(-2, 5, batch + (6, N, N))
    L = rng.uniform(-1, 5, batch + (6, N, N))
    return A, S, L


def take(c: dyn.Coefficients, k: int) -> dyn.Coefficients:
    return dyn.Coefficients(*(np.asarray(x)[k] for x in c))


def test_stacked_batch_steps_bitwise_like_each_member():
    rng = np.random.default_rng(7)
    c = coefficients(rng, (2,))
    A, S, L = world(rng, (2,))
    A0, S0, _ = world(rng, (2,))
    z = rng.standard_normal((2, N, N))
    anchor = dyn.make_anchor(A0, S0, c)
    batch = dyn.advance(A, S, L, anchor, c, z)
    for k in range(2):
        single = dyn.advance(A[k], S[k], L[k], dyn.make_anchor(A0[k], S0[k], take(c, k)), take(c, k), z[k])
        for got, want in zip(batch, single):
            assert np.array_equal(got[k], want)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0, 50))
def test_scores_stay_in_bounds_and_contributions_sum_to_the_change(seed, scale):
    rng = np.random.default_rng(seed)
    c = coefficients(rng)._replace(benefit_gain=scale, pressure_gain=scale, noise_sd=scale)
    A, S, L = world(rng)
    A = np.clip(np.round(A), -1, 1) if seed % 3 == 0 else A  # scores at the bounds too
    anchor = dyn.make_anchor(*world(rng)[:2], c)
    A_next, _, contrib = dyn.advance(A, S, L, anchor, c, rng.standard_normal((N, N)))
    assert np.all(A_next >= -1) and np.all(A_next <= 1)
    off = ~np.eye(N, dtype=bool)
    np.testing.assert_allclose(contrib.sum(axis=0)[off], (A_next - A)[off], rtol=0, atol=1e-9)
    assert np.all(contrib[:, ~off] == 0)


def test_a_world_left_alone_stays_at_its_anchor():
    rng = np.random.default_rng(3)
    c = coefficients(rng)._replace(noise_sd=0.0)
    A, S, _ = world(rng)
    np.fill_diagonal(A, 0)
    anchor = dyn.make_anchor(A, S, c)
    A_next, S_next, contrib = dyn.advance(A, S, S, anchor, c, rng.standard_normal((N, N)))
    np.testing.assert_allclose(A_next, A, atol=1e-15)
    np.testing.assert_array_equal(S_next, S)


def test_each_driver_pushes_the_way_its_claims_say():
    # Two states and a patron P: P aids H; H's tie to P frays; P and R are rivals.
    c = dyn.Coefficients(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, np.ones(5), np.zeros(6), np.array([1.0, 0.0, 0.0]))
    H, P, R = 0, 1, 2
    A0 = np.array([[0, 0.5, 0.0], [0.5, 0, -0.5], [0.0, -0.5, 0]])
    A = A0.copy()
    A[H, P] = 0.0  # frayed
    raw = dyn.drives(A, np.zeros((6, 3, 3)), dyn.make_anchor(A0, np.zeros((6, 3, 3)), c), c, np.zeros((3, 3)))
    hedging = raw[dyn.DRIVERS.index("hedging")]
    assert hedging[H, R] > 0  # towards the patron's rival
    assert hedging[H, P] == 0  # expanding options, not substituting the patron


def test_pressure_rises_with_dependence_on_a_displeased_patron():
    c = dyn.Coefficients(0, 0, 0, 0, 1.0, 0, 0, 0, np.ones(5), np.zeros(6), np.zeros(3))
    A = np.array([[0, 0.5, 0.2], [0.5, 0, -0.8], [0.2, -0.8, 0]])
    S = np.zeros((6, 3, 3))
    low = dyn.pressure_level(A, S, c)[0, 2]
    S[dyn.CHANNELS.index("aid"), 1, 0] = 2.0  # patron 1 aids 0
    assert dyn.pressure_level(A, S, c)[0, 2] > low


def test_no_arms_offers_across_an_embargo_or_to_oneself():
    c = dyn.Coefficients(0, 0, 0, 0, 0, 0, 0, 0, np.ones(5), np.zeros(6), np.zeros(2))
    A = np.array([[0.0, 0.8], [0.8, 0.0]])
    S = np.zeros((6, 2, 2))
    open_ = decisions.arms_offer(A, S, np.zeros((2, 2)), c, np.ones(2), 1.0)
    shut = decisions.arms_offer(A, S, -np.ones((2, 2)), c, np.ones(2), 1.0)
    assert open_[0, 1] > 0 and shut[0, 1] == 0 and open_[0, 0] == 0
