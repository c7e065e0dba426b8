"""The pure dynamics: batching, bounds, the largest move, exact decomposition, rest at memory, each driver's sign."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import decisions
from sim.model import dynamics as dyn

N = 5


def coefficients(rng, batch=(), **fixed) -> dyn.Coefficients:
    draw = lambda lo, hi, shape=(): rng.uniform(lo, hi, batch + shape)
    c = dyn.Coefficients(
        inertia_rate=draw(0, 0.5),
        settle_rate=draw(0, 0.06),
        habituation_rate=draw(0, 0.06),
        benefit_gain=draw(0, 0.5),
        giver_share=draw(0, 1),
        threat_gain=draw(0, 0.5),
        pressure_gain=draw(0, 0.5),
        displeasure_gain=draw(0, 0.3),
        balance_gain=draw(0, 0.5),
        hedging_gain=draw(0, 2),
        noise_sd=draw(0, 0.1),
        tie_threshold=draw(0.02, 0.3),
        max_step=draw(0.05, 0.3),
        channel_weight=draw(0, 3, (5,)),
        relax_rate=draw(0, 1, (6,)),
        hedging=rng.uniform(0, 1, N),
    )
    return c._replace(**fixed)


def zero(**given) -> dyn.Coefficients:
    """Every gain off but those given (the largest move of a quarter left at 0.2)."""
    n = len(given.get("hedging", np.zeros(3)))
    base = dict(
        inertia_rate=0.0,
        settle_rate=0.0,
        habituation_rate=0.0,
        benefit_gain=0.0,
        giver_share=0.0,
        threat_gain=0.0,
        pressure_gain=0.0,
        displeasure_gain=0.0,
        balance_gain=0.0,
        hedging_gain=0.0,
        noise_sd=0.0,
        tie_threshold=0.1,
        max_step=0.2,
        channel_weight=np.ones(5),
        relax_rate=np.zeros(6),
        hedging=np.zeros(n),
    )
    return dyn.Coefficients(**{**base, **given})


def world(rng, batch=()):
    A = rng.uniform(-1, 1, batch + (N, N))
    S = rng.uniform(-2, 5, batch + (6, N, N))
    L = rng.uniform(-1, 5, batch + (6, N, N))
    return A, S, L


def take(c: dyn.Coefficients, k: int) -> dyn.Coefficients:
    return dyn.Coefficients(
        *(np.asarray(x)[k] if np.ndim(x) and f != "hedging" else x for f, x in zip(dyn.Coefficients._fields, c))
    )


def test_stacked_batch_steps_like_each_member():
    rng = np.random.default_rng(7)
    c = coefficients(rng, (2,))
    A, S, L = world(rng, (2,))
    A0, S0, _ = world(rng, (2,))
    z = rng.standard_normal((2, N, N))
    memory = dyn.remember(A0, S0, c)
    batch = dyn.advance(A, memory, S, S0, L, A0, c, z)
    for k in range(2):
        ck = take(c, k)
        single = dyn.advance(A[k], dyn.remember(A0[k], S0[k], ck), S[k], S0[k], L[k], A0[k], ck, z[k])
        np.testing.assert_allclose(batch[0][k], single[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch[4][k], single[4], rtol=0, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0, 50))
def test_scores_stay_in_bounds_move_at_most_a_step_and_contributions_sum_to_the_change(seed, scale):
    rng = np.random.default_rng(seed)
    c = coefficients(rng)._replace(benefit_gain=scale, pressure_gain=scale, noise_sd=scale, balance_gain=scale)
    A, S, L = world(rng)
    A = np.clip(np.round(A), -1, 1) if seed % 3 == 0 else A  # scores at the bounds too
    A0, S0, _ = world(rng)
    A_next, _, _, _, contrib = dyn.advance(A, dyn.remember(A0, S0, c), S, S0, L, A0, c, rng.standard_normal((N, N)))
    assert np.all(A_next >= -1) and np.all(A_next <= 1)
    off = ~np.eye(N, dtype=bool)
    assert np.abs(A_next - A)[off].max() <= float(c.max_step) + 1e-12
    np.testing.assert_allclose(contrib.sum(axis=0)[off], (A_next - A)[off], rtol=0, atol=1e-9)
    assert np.all(contrib[:, ~off] == 0)


def test_a_world_left_alone_stays_where_it_is_used_to_being():
    """Every change-driven push is measured from memory: with balance and noise off, nothing moves."""
    rng = np.random.default_rng(3)
    c = coefficients(rng)._replace(noise_sd=0.0, balance_gain=0.0)
    A, S, _ = world(rng)
    np.fill_diagonal(A, 0)
    memory = dyn.remember(A, S, c)
    A_next, memory_next, S_next, _, _ = dyn.advance(A, memory, S, S, S, A, c, rng.standard_normal((N, N)))
    np.testing.assert_allclose(A_next, A, atol=1e-15)
    np.testing.assert_array_equal(S_next, S)
    for before, after in zip(memory, memory_next):
        np.testing.assert_allclose(after, before, atol=1e-15)


def test_memory_settles_towards_what_is():
    c = zero(settle_rate=0.1)
    memory = dyn.remember(np.zeros((3, 3)), np.zeros((6, 3, 3)), c)
    A = np.full((3, 3), 0.5)
    after = dyn.settle(memory, A, dyn.levels(A, np.zeros((6, 3, 3)), np.zeros((3, 3)), c), c)
    np.testing.assert_allclose(after.alignment, 0.05)


def test_hedging_begins_when_a_patrons_ties_fray_towards_the_patrons_rival():
    # Two states and a patron P: H's tie to P frays; P and R are rivals.
    c = zero(hedging_gain=1.0, hedging=np.array([1.0, 0.0, 0.0]))
    H, P, R = 0, 1, 2
    A0 = np.array([[0, 0.5, 0.0], [0.5, 0, -0.5], [0.0, -0.5, 0]])
    A = A0.copy()
    A[H, P] = 0.0  # frayed
    S = np.zeros((6, 3, 3))
    raw, _ = dyn.drives(A, S, dyn.remember(A0, S, c), A0, c, np.zeros((3, 3)))
    hedging = raw[dyn.DRIVERS.index("hedging")]
    assert hedging[H, R] > 0  # towards the patron's rival
    assert hedging[H, P] == 0  # expanding options, not substituting the patron
    mended, _ = dyn.drives(
        A0, S, dyn.remember(A, S, c)._replace(hedging=dyn.hedging_signal(A, A0)), A0, c, np.zeros((3, 3))
    )
    assert mended[dyn.DRIVERS.index("hedging")][H, R] < 0  # and ends when they mend


def test_pressure_rises_with_dependence_on_a_displeased_patron():
    A = np.array([[0, 0.5, 0.2], [0.5, 0, -0.8], [0.2, -0.8, 0]])
    flows = np.zeros((3, 3))
    low = dyn.pressure_level(A, flows)[0, 2]
    flows[1, 0] = 2.0  # patron 1 aids 0
    assert dyn.pressure_level(A, flows)[0, 2] > low


def test_displeasure_cools_a_state_on_the_partner_that_backs_its_rival():
    # I is hostile to P; R, whom I likes, starts to back P.
    india, russia, pakistan = 0, 1, 2
    A = np.array([[0, 0.6, -0.7], [0.6, 0, 0.0], [-0.7, 0.0, 0]])
    added = np.zeros((3, 3))
    added[russia, pakistan] = 0.5
    level = dyn.displeasure(A, added, zero())
    assert level[india, russia] > 0 and level[india, pakistan] == 0 and level[pakistan, russia] == 0


def test_balance_makes_a_friends_enemy_an_enemy():
    A = np.array([[0, 0.8, 0.0], [0.8, 0, -0.8], [0.0, -0.8, 0]])
    assert dyn.balance_level(A, zero())[0, 2] < 0
    weak = np.array([[0, 0.05, 0.0], [0.05, 0, -0.8], [0.0, -0.8, 0]])  # too weak a tie to pass it on
    assert dyn.balance_level(weak, zero())[0, 2] == 0


def test_weighted_sums_do_not_grow_with_more_states():
    """Adding neutral states leaves every push among the others as it was."""
    rng = np.random.default_rng(5)
    c = coefficients(rng)._replace(noise_sd=0.0)
    A, S, _ = world(rng)
    A0 = A.copy()
    np.fill_diagonal(A, 0)
    big = np.zeros((N + 4, N + 4))
    big[:N, :N] = A
    bigS = np.zeros((6, N + 4, N + 4))
    bigS[:, :N, :N] = S
    small_c = c
    big_c = c._replace(hedging=np.concatenate([c.hedging, np.zeros(4)]))
    raw, _ = dyn.drives(A, S, dyn.remember(A0, S, small_c), A0, small_c, np.zeros((N, N)))
    big0 = big.copy()
    big0[:N, :N] = A0
    raw_big, _ = dyn.drives(big, bigS, dyn.remember(big0, bigS, big_c), big0, big_c, np.zeros((N + 4, N + 4)))
    np.testing.assert_allclose(raw_big[:, :N, :N], raw, rtol=0, atol=1e-12)


def test_no_arms_offers_across_an_embargo_or_to_oneself():
    A = np.array([[0.0, 0.8], [0.8, 0.0]])
    flows = np.zeros((2, 2))
    open_ = decisions.arms_offer(A, flows, np.zeros((2, 2)), np.ones(2), 1.0)
    shut = decisions.arms_offer(A, flows, -np.ones((2, 2)), np.ones(2), 1.0)
    assert open_[0, 1] > 0 and shut[0, 1] == 0 and open_[0, 0] == 0


def test_the_shared_threat_needs_no_cube_of_states():
    S = np.zeros((6, 4, 4))
    S[dyn.THREAT, 3, 0] = S[dyn.THREAT, 3, 1] = 0.5  # a threat from 3 felt by 0 and 1
    level = dyn.shared_threat_level(S)
    assert level[0, 1] == np.tanh(0.5) and level[0, 2] == 0 and level[2, 3] == 0
