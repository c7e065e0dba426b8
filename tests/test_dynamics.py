"""The pure dynamics: batching, bounds, the largest move, exact decomposition, rest at memory, each driver's sign."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import decisions
from sim.model import dynamics as dyn

N = 5
C = len(dyn.CHANNELS)
B = len(dyn.BENEFIT_CHANNELS)


def coefficients(rng, batch=(), **fixed) -> dyn.Coefficients:
    draw = lambda lo, hi, shape=(): rng.uniform(lo, hi, batch + shape)
    c = dyn.Coefficients(
        inertia_rate=draw(0, 0.5),
        settle_rate=draw(0, 0.06),
        memory_gain=draw(0, 0.3),
        trust_fade=draw(0, 0.5),
        grievance_fade=draw(0, 0.5),
        grievance_weight=draw(1, 5),
        resentment_weight=draw(0, 1),
        weight_sanctions=draw(0, 1),
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
        channel_weight=draw(0, 3, (B,)),
        relax_rate=draw(0, 1, (C,)),
        hedging=rng.uniform(0, 1, N),
        enduring=rng.choice([-1.0, 0.0, 0.0, 1.0], (N, N)),
    )
    return c._replace(**fixed)


def zero(**given) -> dyn.Coefficients:
    """Every gain off but those given (the largest move of a quarter left at 0.2)."""
    n = len(given.get("hedging", np.zeros(3)))
    base = dict(
        inertia_rate=0.0,
        settle_rate=0.0,
        memory_gain=0.0,
        trust_fade=0.0,
        grievance_fade=0.0,
        grievance_weight=1.0,
        resentment_weight=0.0,
        weight_sanctions=0.0,
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
        channel_weight=np.ones(B),
        relax_rate=np.zeros(C),
        hedging=np.zeros(n),
        enduring=np.zeros((n, n)),
    )
    return dyn.Coefficients(**{**base, **given})


def world(rng, batch=()):
    A = rng.uniform(-1, 1, batch + (N, N))
    S = rng.uniform(-2, 5, batch + (C, N, N))
    L = rng.uniform(-1, 5, batch + (C, N, N))
    return A, S, L


def take(c: dyn.Coefficients, k: int) -> dyn.Coefficients:
    return dyn.Coefficients(
        *(
            np.asarray(x)[k] if np.ndim(x) and f not in ("hedging", "enduring") else x
            for f, x in zip(dyn.Coefficients._fields, c)
        )
    )


def test_stacked_batch_steps_like_each_member():
    rng = np.random.default_rng(7)
    c = coefficients(rng, (2,))
    A, S, L = world(rng, (2,))
    A0, S0, L0 = world(rng, (2,))
    z = rng.standard_normal((2, N, N))
    landed = rng.uniform(-1, 1, S.shape)
    memory = dyn.remember(A0, S0, L0, c)
    batch = dyn.advance(A, memory, S, S0, L, A0, c, z, landed, L0)
    for k in range(2):
        ck = take(c, k)
        single = dyn.advance(
            A[k], dyn.remember(A0[k], S0[k], L0[k], ck), S[k], S0[k], L[k], A0[k], ck, z[k], landed[k], L0[k]
        )
        np.testing.assert_allclose(batch[0][k], single[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch[4][k], single[4], rtol=0, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0, 50))
def test_scores_stay_in_bounds_move_at_most_a_step_and_contributions_sum_to_the_change(seed, scale):
    rng = np.random.default_rng(seed)
    c = coefficients(rng)._replace(benefit_gain=scale, pressure_gain=scale, noise_sd=scale, balance_gain=scale)
    A, S, L = world(rng)
    A = np.clip(np.round(A), -1, 1) if seed % 3 == 0 else A  # scores at the bounds too
    A0, S0, L0 = world(rng)
    memory = dyn.remember(A0, S0, L0, c)
    landed = rng.uniform(-scale, scale, S.shape)
    A_next, _, _, _, contrib = dyn.advance(A, memory, S, S0, L, A0, c, rng.standard_normal((N, N)), landed, L0)
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
    memory = dyn.remember(A, S, S, c)
    A_next, memory_next, S_next, _, _ = dyn.advance(
        A, memory, S, S, S, A, c, rng.standard_normal((N, N)), np.zeros_like(S), S
    )
    np.testing.assert_allclose(A_next, A, atol=1e-15)
    np.testing.assert_array_equal(S_next, S)
    for before, after in zip(memory, memory_next):
        np.testing.assert_allclose(after, before, atol=1e-15)


def test_memory_settles_towards_what_is():
    c = zero(settle_rate=0.1)
    memory = dyn.remember(np.zeros((3, 3)), np.zeros((C, 3, 3)), np.zeros((C, 3, 3)), c)
    A = np.full((3, 3), 0.5)
    after = dyn.settle(memory, A, dyn.levels(A, np.zeros((C, 3, 3)), np.zeros((3, 3)), c), c)
    np.testing.assert_allclose(after.alignment, 0.05)


def test_hedging_begins_when_a_patrons_ties_fray_towards_the_patrons_rival():
    # Two states and a patron P: H's tie to P frays; P and R are rivals.
    c = zero(hedging_gain=1.0, hedging=np.array([1.0, 0.0, 0.0]))
    H, P, R = 0, 1, 2
    A0 = np.array([[0, 0.5, 0.0], [0.5, 0, -0.5], [0.0, -0.5, 0]])
    A = A0.copy()
    A[H, P] = 0.0  # frayed
    S = np.zeros((C, 3, 3))
    raw, _ = dyn.drives(A, S, dyn.remember(A0, S, S, c), A0, c, np.zeros((3, 3)))
    hedging = raw[dyn.DRIVERS.index("hedging")]
    assert hedging[H, R] > 0  # towards the patron's rival
    assert hedging[H, P] == 0  # expanding options, not substituting the patron
    mended, _ = dyn.drives(
        A0, S, dyn.remember(A, S, S, c)._replace(hedging=dyn.hedging_signal(A, A0)), A0, c, np.zeros((3, 3))
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
    bigS = np.zeros((C, N + 4, N + 4))
    bigS[:, :N, :N] = S
    small_c = c
    enduring = np.zeros((N + 4, N + 4))
    enduring[:N, :N] = c.enduring
    big_c = c._replace(hedging=np.concatenate([c.hedging, np.zeros(4)]), enduring=enduring)
    raw, _ = dyn.drives(A, S, dyn.remember(A0, S, S, small_c), A0, small_c, np.zeros((N, N)))
    big0 = big.copy()
    big0[:N, :N] = A0
    raw_big, _ = dyn.drives(big, bigS, dyn.remember(big0, bigS, bigS, big_c), big0, big_c, np.zeros((N + 4, N + 4)))
    np.testing.assert_allclose(raw_big[:, :N, :N], raw, rtol=0, atol=1e-12)


def test_no_arms_offers_across_an_embargo_or_sanctions_or_to_oneself():
    A = np.array([[0.0, 0.8], [0.8, 0.0]])
    flows, none = np.zeros((2, 2)), np.zeros((2, 2))
    open_ = decisions.arms_offer(A, flows, none, none, np.ones(2), 1.0)
    embargo = decisions.arms_offer(A, flows, -np.ones((2, 2)), none, np.ones(2), 1.0)
    sanctions = decisions.arms_offer(A, flows, none, -np.ones((2, 2)), np.ones(2), 1.0)
    assert open_[0, 1] > 0 and embargo[0, 1] == 0 and sanctions[0, 1] == 0 and open_[0, 0] == 0


def test_the_shared_threat_needs_no_cube_of_states_and_adds_up_over_sources():
    S = np.zeros((C, 4, 4))
    S[dyn.THREAT, 3, 0] = S[dyn.THREAT, 3, 1] = 0.5  # a threat from 3 felt by 0 and 1
    level = dyn.shared_threat_level(S)
    assert level[0, 1] == 0.5 and level[0, 2] == 0 and level[2, 3] == 0
    S[dyn.THREAT, 2, 0] = S[dyn.THREAT, 2, 1] = 0.25  # and a second source
    assert dyn.shared_threat_level(S)[0, 1] == 0.75


def recorded_after(c: dyn.Coefficients, quarters: int, first: np.ndarray, then=None, levels=None) -> np.ndarray:
    """The record of two states after ``quarters``: ``first`` landed in the first quarter (pulses, per
    channel), ``then`` every quarter after; ``levels(q)`` the standing levels in force in quarter q."""
    A = np.array([[0.0, 0.1], [0.1, 0.0]])
    levels = levels or (lambda q: np.zeros((C, 2, 2)))
    memory = dyn.remember(A, np.zeros((C, 2, 2)), levels(-1), c)
    for q in range(quarters):
        landed = first if q == 0 else (then if then is not None else np.zeros_like(first))
        changed = dyn.hostile(levels(q), c) - dyn.hostile(levels(q - 1), c)
        memory = dyn.recorded(memory, dyn.acts(landed, changed, A, c), dyn.in_force(levels(q), c), c)
    return memory.record + memory.measures - memory.measures_start


def test_the_record_remembers_acts_and_grievances_outlast_goodwill():
    c = zero(trust_fade=0.08, grievance_fade=0.02, grievance_weight=3.0, giver_share=0.3, hedging=np.zeros(2))
    c = c._replace(channel_weight=np.full(B, 0.1))
    visit, clash = np.zeros((C, 2, 2)), np.zeros((C, 2, 2))
    visit[dyn.CHANNELS.index("diplomacy")] = [[0, 1.0], [1.0, 0]]
    clash[dyn.CHANNELS.index("diplomacy")] = [[0, -1.0], [-1.0, 0]]
    once, kept = recorded_after(c, 1, visit)[0, 1], recorded_after(c, 17, visit)[0, 1]
    assert 0 < kept < once * 0.3  # one visit fades
    repeated = recorded_after(c, 17, visit, then=visit * 0.25)[0, 1]
    assert repeated > 3 * kept  # repetition accumulates
    hurt, remembered = recorded_after(c, 1, clash)[0, 1], recorded_after(c, 17, clash)[0, 1]
    assert hurt == -3 * once  # a grievance weighs grievance_weight times an act of the same size
    assert remembered / hurt > kept / once  # and fades more slowly


def test_sanctions_hold_the_grievance_while_in_force_and_lifting_them_starts_a_mend():
    c = zero(
        trust_fade=0.08,
        grievance_fade=0.02,
        grievance_weight=2.0,
        weight_sanctions=0.5,
        giver_share=0.3,
        hedging=np.zeros(2),
    )
    nothing, sanctioned = np.zeros((C, 2, 2)), np.zeros((C, 2, 2))
    sanctioned[dyn.SANCTIONS, 0, 1] = -1.0  # 0 sanctions 1 from quarter 0 to quarter 15
    levels = lambda q: sanctioned if 0 <= q < 16 else nothing
    carried = -2.0 * 0.5  # grievance_weight x weight_sanctions x the sanctions
    held = [recorded_after(c, q, nothing, levels=levels)[1, 0] for q in range(1, 17)]
    assert max(held) <= carried  # never less than the measures carry while they stand
    lifted = [recorded_after(c, q, nothing, levels=levels)[1, 0] for q in (17, 24, 40)]
    assert held[-1] < lifted[0] < lifted[1] < lifted[2] < 0  # lifting starts a mend; the grievance lingers
    assert recorded_after(c, 16, nothing)[1, 0] == 0  # without them, 1's record of 0 is empty
    assert (
        0 > held[-1] / 0.3 > recorded_after(c, 16, nothing, levels=levels)[0, 1] / 0.3 * 4
    )  # the sanctioner minds less


def test_third_states_cannot_warm_a_rivalry_nor_cool_a_partnership():
    rng = np.random.default_rng(11)
    for _ in range(20):
        c = coefficients(rng)._replace(noise_sd=0.0)
        A, S, _ = world(rng)
        A0, S0, L0 = world(rng)
        raw, _ = dyn.drives(A, S, dyn.remember(A0, S0, L0, c), A0, c, np.zeros((N, N)))
        through_others = raw[[dyn.DRIVERS.index(d) for d in dyn.STRUCTURAL]]
        assert np.all(through_others[:, c.enduring < 0] <= 0)
        assert np.all(through_others[:, c.enduring > 0] >= 0)
