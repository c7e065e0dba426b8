"""A run's random numbers made inside compiled code, bit for bit as ``numpy.random.default_rng(seed)``.

The Mesa model draws from ``default_rng(seed)``: a SeedSequence hashes the seed into the
state of a PCG64 generator (a 128-bit LCG with the XSL-RR output), whose doubles are
``random()`` and whose ziggurat normals are ``standard_normal()``. Making them here, with
numpy's algorithms and numba's copies of numpy's ziggurat tables, lets the compiled engine draw
without holding the GIL, without a buffer, and without a Python object per run. Tests compare
the streams with numpy's, number for number, over many seeds.

A generator's state is a ``uint64`` array ``[state_hi, state_lo, inc_hi, inc_lo]``.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic
from numba.np.random._constants import fi_double, ki_double, wi_double, ziggurat_nor_inv_r, ziggurat_nor_r

from sim.engine.cache import jit  # noqa: E402  (after numba's own imports)

U = np.uint64  # every constant is one: numba turns uint64 mixed with int64 into float64

# numpy/random/bit_generator.pyx (SeedSequence) and numpy/random/src/pcg64/pcg64.h
MASK32 = U(0xFFFFFFFF)
INIT_A, MULT_A = U(0x43B0D7E5), U(0x931E8875)
INIT_B, MULT_B = U(0x8B51F9DD), U(0x58F38DED)
MIX_MULT_L, MIX_MULT_R = U(0xCA01F9DD), U(0x4973F715)
XSHIFT = U(16)
POOL = 4
MULT_HI, MULT_LO = U(2549297995355413924), U(4865540595714422341)
DOUBLE_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@intrinsic
def _mulhi(typingctx, a, b):
    """The high 64 bits of the 128-bit product of two uint64."""

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))

    return types.uint64(types.uint64, types.uint64), codegen


@jit
def _mul128(a_hi, a_lo, b_hi, b_lo):
    return _mulhi(a_lo, b_lo) + a_hi * b_lo + a_lo * b_hi, a_lo * b_lo


@jit
def _add128(a_hi, a_lo, b_hi, b_lo):
    lo = a_lo + b_lo
    return a_hi + b_hi + (U(1) if lo < a_lo else U(0)), lo


@jit
def _hashmix(value, hash_const):
    value = (value ^ hash_const[0]) & MASK32
    hash_const[0] = (hash_const[0] * MULT_A) & MASK32
    value = (value * hash_const[0]) & MASK32
    return value ^ (value >> XSHIFT)


@jit
def _mix(x, y):
    result = (MIX_MULT_L * x - MIX_MULT_R * y) & MASK32
    return result ^ (result >> XSHIFT)


@jit
def _pool(entropy, n):
    """SeedSequence's ``mix_entropy``: the hashed pool of the first ``n`` 32-bit words of ``entropy``."""
    pool = np.empty(POOL, dtype=np.uint64)
    hash_const = np.array([INIT_A])
    for i in range(POOL):
        pool[i] = _hashmix(entropy[i] if i < n else U(0), hash_const)
    for i_src in range(POOL):
        for i_dst in range(POOL):
            if i_src != i_dst:
                pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], hash_const))
    for i_src in range(POOL, n):  # words past the pool are mixed into every pool word
        for i_dst in range(POOL):
            pool[i_dst] = _mix(pool[i_dst], _hashmix(entropy[i_src], hash_const))
    return pool


@jit
def _state_words(pool, out):
    """SeedSequence's ``generate_state`` as 32-bit words, ``out.size`` of them."""
    h = INIT_B
    for i in range(out.size):
        data = pool[i % POOL] ^ h
        h = (h * MULT_B) & MASK32
        data = (data * h) & MASK32
        out[i] = data ^ (data >> XSHIFT)


@jit
def _words(value, entropy, at):
    """``value``'s 32-bit words, least significant first, into ``entropy[at:]``; how many (0 is one word)."""
    entropy[at] = value & MASK32
    if value >> U(32):
        entropy[at + 1] = value >> U(32)
        return 2
    return 1


@jit
def seed(value, st):
    """Set ``st`` to the state of ``PCG64(SeedSequence(value))``, as ``default_rng(value)`` does."""
    entropy = np.zeros(2, dtype=np.uint64)
    out = np.empty(2 * POOL, dtype=np.uint64)  # generate_state(4, uint64) as 32-bit words
    _state_words(_pool(entropy, _words(value, entropy, 0)), out)
    w0, w1 = out[0] | (out[1] << U(32)), out[2] | (out[3] << U(32))
    w2, w3 = out[4] | (out[5] << U(32)), out[6] | (out[7] << U(32))
    # pcg_setseq_128_srandom_r: state 0, inc = initseq * 2 + 1, step, add initstate, step.
    st[2], st[3] = (w2 << U(1)) | (w3 >> U(63)), (w3 << U(1)) | U(1)
    st[0], st[1] = st[2], st[3]
    hi, lo = _add128(st[0], st[1], w0, w1)
    st[0], st[1], _ = _next(hi, lo, st[2], st[3])


@jit
def spawned_seeds(root, ids, out):
    """``SeedSequence(root, spawn_key=(k,)).generate_state(1, uint32)[0]`` for each ``k`` in ``ids``:
    the seed a sweep gives its run ``k`` (the same as ``SeedSequence(root).spawn(N)[k]``'s)."""
    entropy = np.zeros(POOL + 2, dtype=np.uint64)
    word = np.empty(1, dtype=np.uint64)
    for r in range(ids.size):
        entropy[:] = 0
        _words(root, entropy, 0)
        n = POOL + _words(U(ids[r]), entropy, POOL)  # a spawn key pads the seed's words to the pool's size
        _state_words(_pool(entropy, n), word)
        out[r] = word[0]


@jit
def _next(hi, lo, inc_hi, inc_lo):
    """One step of the LCG and the XSL-RR output of the new state: ``(hi, lo, output)``.
    The state travels in local variables, so a loop of draws keeps it in registers."""
    hi, lo = _mul128(hi, lo, MULT_HI, MULT_LO)
    hi, lo = _add128(hi, lo, inc_hi, inc_lo)
    value = hi ^ lo
    rot = hi >> U(58)
    return hi, lo, (value >> rot) | (value << ((U(64) - rot) & U(63)))


@jit
def _double(bits):
    """``next_double``: the top 53 bits as a double in [0, 1)."""
    return float(bits >> U(11)) * DOUBLE_UNIT


@jit
def uniforms(st, out):
    """``Generator.random(out=out)`` for a flat ``out``, advancing ``st``."""
    hi, lo, inc_hi, inc_lo = st[0], st[1], st[2], st[3]
    for k in range(out.size):
        hi, lo, bits = _next(hi, lo, inc_hi, inc_lo)
        out[k] = _double(bits)
    st[0], st[1] = hi, lo


@jit
def normals(st, out):
    """``Generator.standard_normal(out=out)`` for a flat ``out``: numpy's ziggurat, with its tables."""
    hi, lo, inc_hi, inc_lo = st[0], st[1], st[2], st[3]
    for k in range(out.size):
        while True:
            hi, lo, r = _next(hi, lo, inc_hi, inc_lo)
            idx = r & U(0xFF)
            r >>= U(8)
            sign = r & U(1)
            rabs = (r >> U(1)) & U(0x000FFFFFFFFFFFFF)
            x = float(rabs) * wi_double[idx]
            if sign & U(1):
                x = -x
            if rabs < ki_double[idx]:
                break
            if idx == 0:  # the tail, 1 draw in ~4,000
                while True:
                    hi, lo, bits = _next(hi, lo, inc_hi, inc_lo)
                    xx = -ziggurat_nor_inv_r * np.log1p(-_double(bits))
                    hi, lo, bits = _next(hi, lo, inc_hi, inc_lo)
                    yy = -np.log1p(-_double(bits))
                    if yy + yy > xx * xx:
                        x = -(ziggurat_nor_r + xx) if (rabs >> U(8)) & U(1) else ziggurat_nor_r + xx
                        break
                break
            hi, lo, bits = _next(hi, lo, inc_hi, inc_lo)
            if (fi_double[idx - 1] - fi_double[idx]) * _double(bits) + fi_double[idx] < np.exp(-0.5 * x * x):
                break
        out[k] = x
    st[0], st[1] = hi, lo


@jit
def advance(st, delta):
    """Jump ``delta`` draws ahead at once (``PCG64.advance``): the LCG's steps composed by squaring."""
    acc_hi, acc_lo, plus_hi, plus_lo = U(0), U(1), U(0), U(0)
    cur_hi, cur_lo, inc_hi, inc_lo = MULT_HI, MULT_LO, st[2], st[3]
    d = U(delta)
    while d > U(0):
        if d & U(1):
            acc_hi, acc_lo = _mul128(acc_hi, acc_lo, cur_hi, cur_lo)
            plus_hi, plus_lo = _mul128(plus_hi, plus_lo, cur_hi, cur_lo)
            plus_hi, plus_lo = _add128(plus_hi, plus_lo, inc_hi, inc_lo)
        one_hi, one_lo = _add128(cur_hi, cur_lo, U(0), U(1))
        inc_hi, inc_lo = _mul128(one_hi, one_lo, inc_hi, inc_lo)
        cur_hi, cur_lo = _mul128(cur_hi, cur_lo, cur_hi, cur_lo)
        d >>= U(1)
    hi, lo = _mul128(acc_hi, acc_lo, st[0], st[1])
    st[0], st[1] = _add128(hi, lo, plus_hi, plus_lo)


@jit
def fill(value, uniform_out, normal_out):
    """``rng = default_rng(value); rng.random(out=...); rng.standard_normal(out=...)``."""
    st = np.empty(4, dtype=np.uint64)
    seed(value, st)
    uniforms(st, uniform_out)
    normals(st, normal_out)
