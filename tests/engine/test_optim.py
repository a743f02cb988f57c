"""Optimisers: updates against hand-worked numbers, L2 on weights only, in-place, and convergence."""

from __future__ import annotations

import numpy as np
import pytest

from engine.optim import SGD, Adam, Momentum, make_optimizer


def _params():
    return [np.array([[1.0, -2.0], [0.5, 4.0]]), np.array([0.25, -1.0])]


def _grads():
    return [np.array([[0.1, 0.2], [-0.3, 0.4]]), np.array([1.0, -0.5])]


def test_sgd_step_by_hand_and_in_place():
    params, grads = _params(), _grads()
    arrays = list(params)
    SGD(lr=0.5).update(params, grads)
    assert params[0] is arrays[0] and params[1] is arrays[1]
    np.testing.assert_allclose(params[0], [[0.95, -2.1], [0.65, 3.8]])
    np.testing.assert_allclose(params[1], [-0.25, -0.75])


def test_l2_pulls_weights_but_not_biases():
    params = _params()
    zero = [np.zeros_like(p) for p in params]
    SGD(lr=0.1, l2=0.5).update(params, zero)
    np.testing.assert_allclose(params[0], _params()[0] * (1 - 0.1 * 0.5))
    np.testing.assert_array_equal(params[1], _params()[1])


def test_momentum_by_hand():
    params, g = _params(), _grads()
    opt = Momentum(lr=0.1, momentum=0.9)
    opt.update(params, g)
    opt.update(params, g)
    # v1 = g, v2 = 0.9 g + g = 1.9 g; total step = 0.1 · (1 + 1.9) g
    for p, p0, gi in zip(params, _params(), g, strict=True):
        np.testing.assert_allclose(p, p0 - 0.1 * 2.9 * gi)


def test_adam_matches_the_paper():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(3, 2)), rng.normal(size=3)]
    ref = [p.copy() for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    opt = Adam(lr=0.01)
    for t in range(1, 6):
        grads = [rng.normal(size=p.shape) for p in params]
        opt.update(params, grads)
        for i, g in enumerate(grads):  # Kingma & Ba, Algorithm 1
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            m_hat, v_hat = m[i] / (1 - 0.9**t), v[i] / (1 - 0.999**t)
            ref[i] = ref[i] - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    for p, r in zip(params, ref, strict=True):
        np.testing.assert_allclose(p, r, rtol=1e-12)


def test_adams_first_step_is_lr_whatever_the_gradient_scale():
    params = [np.zeros(3)]
    Adam(lr=0.01).update(params, [np.array([1e-3, -3.0, 1e4])])
    np.testing.assert_allclose(params[0], [-0.01, 0.01, -0.01], rtol=1e-4)


@pytest.mark.parametrize(("name", "lr"), [("sgd", 0.1), ("momentum", 0.02), ("adam", 0.05)])
def test_every_optimiser_finds_the_minimum_of_a_quadratic(name, lr):
    rng = np.random.default_rng(1)
    A = rng.normal(size=(8, 3))
    b = rng.normal(size=8)
    best = np.linalg.lstsq(A, b, rcond=None)[0]
    p = np.zeros(3)
    opt = make_optimizer(name, lr)
    for _ in range(2000):
        opt.update([p], [A.T @ (A @ p - b) / 8])
    np.testing.assert_allclose(p, best, atol=1e-3)


def test_learning_rate_is_settable_and_memory_survives():
    opt = make_optimizer("adam", 0.01)
    params = [np.zeros(2)]
    opt.update(params, [np.ones(2)])
    opt.lr = 0.5
    assert opt.lr == 0.5 and opt.t == 1
    opt.reset()
    assert opt.t == 0


def test_reset_forgets_momentum():
    params = [np.zeros(1)]
    opt = Momentum(lr=1.0, momentum=0.5)
    opt.update(params, [np.ones(1)])
    opt.reset()
    opt.update(params, [np.zeros(1)])
    assert params[0][0] == -1.0  # no velocity carried over


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_optimizer("rmsprop", 0.1), "unknown optimizer 'rmsprop'"),
        (lambda: make_optimizer("sgd", 0.0), "positive"),
        (lambda: make_optimizer("sgd", float("nan")), "positive"),
        (lambda: make_optimizer("sgd", 0.1, l2=-1), "L2"),
        (lambda: Momentum(momentum=1.5), "momentum"),
        (lambda: SGD(0.1).update([np.zeros(2)], [np.zeros(3)]), "cannot update"),
        (lambda: SGD(0.1).update([np.zeros(2)], []), "gradients"),
    ],
)
def test_bad_settings_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_float32_stays_float32():
    params = [np.ones((2, 2), np.float32), np.ones(2, np.float32)]
    for name in ("sgd", "momentum", "adam"):
        make_optimizer(name, 0.1, l2=0.01).update(
            params, [np.ones((2, 2), np.float32), np.ones(2, np.float32)]
        )
    assert all(p.dtype == np.float32 for p in params)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_updates_are_the_textbook_formulas_bit_for_bit_and_leave_the_gradients_alone(name, l2):
    # the optimisers write into scratch arrays; the numbers must be those of the plain expressions
    rng = np.random.default_rng(5)
    shapes = [(6, 4), (6,), (3, 6), (3,)]
    params = [rng.normal(size=s).astype(np.float32) for s in shapes]
    mine = [p.copy() for p in params]
    opt = make_optimizer(name, 0.05, l2)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, 6):
        grads = [rng.normal(size=s).astype(np.float32) for s in shapes]
        given = [g.copy() for g in grads]
        opt.update(mine, grads)
        for g, k in zip(grads, given, strict=True):
            np.testing.assert_array_equal(g, k)  # the caller's gradients are not written over
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            g = g + l2 * p if p.ndim == 2 else g
            if name == "sgd":
                p -= 0.05 * g
            elif name == "momentum":
                v[i] = 0.9 * v[i] + g
                p -= 0.05 * v[i]
            else:
                m[i] *= 0.9
                m[i] += (1.0 - 0.9) * g
                v[i] *= 0.999
                v[i] += (1.0 - 0.999) * (g * g)
                p -= (0.05 / (1.0 - 0.9**t)) * m[i] / (np.sqrt(v[i] / (1.0 - 0.999**t)) + 1e-8)
        for p, q in zip(params, mine, strict=True):
            np.testing.assert_array_equal(q, p)
