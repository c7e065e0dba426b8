"""The compiled engine's random numbers are numpy's, number for number."""

import numpy as np
import pytest

from sim.engine import streams

SEEDS = [0, 1, 2, 7, 2**31, 2**32 - 1, 2**32, 2**40 + 5, 2**63, 2**64 - 1]


def state(seed):
    st = np.empty(4, dtype=np.uint64)
    streams.seed(np.uint64(seed), st)
    return st


def as_int(hi, lo):
    return (int(hi) << 64) | int(lo)


@pytest.mark.parametrize("seed", SEEDS + list(np.random.default_rng(3).integers(0, 2**32, 40)))
def test_seeding_gives_numpys_pcg64_state(seed):
    st, ref = state(seed), np.random.PCG64(int(seed)).state["state"]
    assert (as_int(st[0], st[1]), as_int(st[2], st[3])) == (ref["state"], ref["inc"])


@pytest.mark.parametrize("seed", SEEDS)
def test_uniforms_and_normals_are_numpys(seed):
    """50,000 normals a seed: the ziggurat's rejections and its tail (1 draw in ~4,000) come up."""
    uniforms, normals = np.empty(12_000), np.empty(50_000)
    streams.fill(np.uint64(seed), uniforms, normals)
    rng = np.random.default_rng(int(seed))
    assert np.array_equal(uniforms, rng.random(12_000))
    assert np.array_equal(normals, rng.standard_normal(50_000))
    assert np.abs(normals).max() > 3.65  # past the ziggurat's last layer: the tail was drawn


def test_advance_jumps_like_numpys(baseline):
    for seed, delta in ((99, 11_952), (5, 1), (2**32 - 1, 0), (12, 2**40 + 3)):
        st = state(seed)
        streams.advance(st, delta)
        ref = np.random.PCG64(seed)
        ref.advance(delta)
        assert as_int(st[0], st[1]) == ref.state["state"]["state"]
    st = state(4)
    streams.advance(st, 1000)
    tail = np.empty(10)
    streams.uniforms(st, tail)
    assert np.array_equal(tail, np.random.default_rng(4).random(1010)[1000:])


@pytest.mark.parametrize("root", [0, 1, 11, 2025, 2**32 - 1, 2**32, 2**62 + 7])
def test_spawned_seeds_are_numpys(root):
    ids = np.array([0, 1, 2, 99, 4095, 2**32 - 1, 2**32 + 3, 5_000_000], dtype=np.uint64)
    out = np.empty(ids.size, dtype=np.uint64)
    streams.spawned_seeds(np.uint64(root), ids, out)
    ref = [np.random.SeedSequence(root, spawn_key=(int(k),)).generate_state(1, np.uint32)[0] for k in ids]
    assert out.tolist() == [int(x) for x in ref]
    spawned = np.random.SeedSequence(root).spawn(100)
    first = np.empty(100, dtype=np.uint64)
    streams.spawned_seeds(np.uint64(root), np.arange(100, dtype=np.uint64), first)
    assert first.tolist() == [int(s.generate_state(1, np.uint32)[0]) for s in spawned]
