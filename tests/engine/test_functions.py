"""Activations and costs: values against hand-worked numbers, derivatives against finite differences,
and numerical stability at the extremes (no overflow, no NaN, no numpy warning)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from engine import functions as F


@pytest.fixture
def strict():
    """Every floating-point problem numpy can detect (even underflow) becomes an error."""
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_hand_worked_values():
    assert F.activate("sigmoid", 0.0) == 0.5
    assert F.activate("sigmoid", math.log(3)) == pytest.approx(0.75)
    assert F.activate("relu", -2.0) == 0.0 and F.activate("relu", 3.5) == 3.5
    assert F.activate("tanh", 0.5) == pytest.approx(math.tanh(0.5))
    assert F.activate("linear", -1.25) == -1.25
    np.testing.assert_allclose(F.softmax(np.array([0.0, math.log(3)])), [0.25, 0.75])


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "linear", "softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(name, dtype):
    z = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    act = F.ACTIVATIONS[name]
    a = act.f(z)
    assert a.dtype == dtype and a.shape == z.shape
    assert act.df(z, a).dtype == dtype


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "linear"])
def test_derivative_matches_finite_differences(name):
    z = np.array([-3.0, -0.7, -0.1, 0.2, 0.9, 4.0])  # away from relu's kink
    h = 1e-6
    numeric = (F.ACTIVATIONS[name].f(z + h) - F.ACTIVATIONS[name].f(z - h)) / (2 * h)
    np.testing.assert_allclose(F.derivative(name, z), numeric, rtol=1e-7, atol=1e-9)


def test_relu_derivative_at_the_kink_is_zero():
    assert F.derivative("relu", 0.0) == 0.0 and F.derivative("relu", 1e-9) == 1.0


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(0)
    z, g = rng.normal(size=5), rng.normal(size=5)
    a = F.softmax(z)
    jacobian = np.diag(a) - np.outer(a, a)
    np.testing.assert_allclose(F.softmax_backward(a, g), jacobian @ g, atol=1e-15)
    # the diagonal helper used for plots is the Jacobian's diagonal
    np.testing.assert_allclose(F.derivative("softmax", z), np.diag(jacobian))


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        F.activate("swish", 1.0)


# --- stability ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_of_huge_inputs(strict, dtype):
    z = np.array([-1e4, -800, -100, 0, 100, 800, 1e4], dtype=dtype)
    a = F.sigmoid(z)
    assert np.all(np.isfinite(a)) and a.dtype == dtype
    assert a[0] < 1e-30 and a[-1] == 1.0 and a[3] == 0.5
    d = F.sigmoid_derivative(z, a)
    assert np.all(np.isfinite(d)) and np.all(d >= 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_of_huge_logits(strict, dtype):
    z = np.array(
        [[1e4, 0.0, -1e4], [1e30, 1e30, -1e30], [-5.0, -5.0, -5.0], [np.finfo(dtype).max, 0, 1]], dtype=dtype
    )
    a = F.softmax(z)
    assert np.all(np.isfinite(a)) and a.dtype == dtype
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(a[0], [1, 0, 0], atol=1e-30)
    np.testing.assert_allclose(a[1], [0.5, 0.5, 0], atol=1e-30)
    np.testing.assert_allclose(a[2], [1 / 3] * 3, rtol=1e-6)


def test_tanh_and_relu_of_huge_inputs(strict):
    z = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(F.tanh(z), [-1, 1])
    np.testing.assert_array_equal(F.relu(z), [0, 1e4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_of_a_saturated_output_is_finite_and_right(strict, dtype):
    # confidently wrong: the true cost is about the size of the logit, not inf (no log(0))
    z = np.array([[1e4, -1e4]], dtype=dtype)
    y = np.array([[0.0, 1.0]], dtype=dtype)
    assert F.cross_entropy(z, y, "softmax") == pytest.approx(2e4)
    assert F.cross_entropy(z, y, "sigmoid") == pytest.approx(2e4)
    # confidently right: a tiny positive cost, not NaN from 0 · log 0
    assert 0 <= F.cross_entropy(z, 1 - y, "softmax") < 1e-30
    assert 0 <= F.cross_entropy(z, 1 - y, "sigmoid") < 1e-30


def test_cross_entropy_matches_the_textbook_formula():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 3))
    y = np.eye(3)[[0, 2, 1, 1]]
    a = F.softmax(z)
    assert F.cross_entropy(z, y, "softmax") == pytest.approx(-np.sum(y * np.log(a)) / 4)
    yb = (rng.random((4, 3)) > 0.5).astype(float)
    s = F.sigmoid(z)
    expected = -np.sum(yb * np.log(s) + (1 - yb) * np.log(1 - s)) / 4
    assert F.cross_entropy(z, yb, "sigmoid") == pytest.approx(expected)


def test_mse_is_summed_over_outputs_and_averaged_over_samples():
    a = np.array([[1.0, 2.0], [0.0, 0.0]])
    y = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert F.mse(a, y) == pytest.approx((1 + 4 + 1 + 1) / 2)
    np.testing.assert_allclose(F.mse_grad(a, y), 2 * (a - y) / 2)


@pytest.mark.parametrize("output", ["linear", "relu", "tanh"])
def test_cross_entropy_needs_probabilities(output):
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        F.check_pairing("cross_entropy", output)
    F.check_pairing("mse", output)  # mse is fine with anything


def test_unknown_cost_is_refused():
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        F.check_pairing("hinge", "sigmoid")


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "linear", "softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_written_into_out_the_numbers_are_the_same(name, dtype):
    z = np.array([[-1e4, -3.0, 0.0, 0.5, 2.0], [1e4, -0.0, 1.0, -2.0, 80.5]], dtype=dtype)
    out = np.full_like(z, np.nan)
    got = F.ACTIVATIONS[name].f(z, out=out)
    assert got is out
    np.testing.assert_array_equal(out, F.ACTIVATIONS[name].f(z))
    assert not np.isnan(out).any()


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "linear"])
def test_times_derivative_is_grad_times_df_in_place(name):
    z = np.array([[-2.0, -0.0, 0.0, 0.3, 5.0]])  # includes ReLU's kink, where the slope is 0
    a = F.ACTIVATIONS[name].f(z)
    grad = np.array([[1.5, -2.0, 3.0, -0.25, 4.0]])
    expected = grad * F.ACTIVATIONS[name].df(z, a)
    got = F.times_derivative(name, grad, z, a)
    assert got is grad
    np.testing.assert_array_equal(grad, expected)
    if name == "relu":
        assert list(grad[0]) == [0.0, 0.0, 0.0, -0.25, 4.0]


# --- the fused softmax + cross-entropy (Network's cost and step use it) ---------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_is_softmax_and_cross_entropy_in_one(strict, dtype):
    rng = np.random.default_rng(4)
    z = (rng.normal(size=(64, 10)) * 4).astype(dtype)
    soft = rng.random((64, 10)).astype(dtype)  # soft targets too: rows need not sum to 1
    for y in (np.eye(10, dtype=dtype)[rng.integers(0, 10, 64)], soft):
        out = np.empty_like(z)
        a, cost = F.softmax_cross_entropy(z, y, out=out)
        assert a is out and a.dtype == dtype
        np.testing.assert_array_equal(a, F.softmax(z))  # the very same numbers as softmax alone
        rel = 1e-6 if dtype == np.float32 else 1e-12
        assert cost == pytest.approx(F.cross_entropy(z, y, "softmax"), rel=rel)
    # one sample, no out: a fresh array
    a, cost = F.softmax_cross_entropy(z[0], y[0])
    np.testing.assert_array_equal(a, F.softmax(z[0]))
    assert cost == pytest.approx(F.cross_entropy(z[0], y[0], "softmax"), rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_of_huge_and_nearly_perfect_logits(strict, dtype):
    z = np.array([[1e4, -1e4], [1e30, 0.0], [30.0, 0.0]], dtype=dtype)
    y = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    a, cost = F.softmax_cross_entropy(z, y)
    assert np.all(np.isfinite(a)) and np.isfinite(cost)
    assert cost == pytest.approx(F.cross_entropy(z, y, "softmax"), rel=1e-6)
    # the largest logit there is: still finite (logits are clipped to a quarter of it, as in softmax)
    a, cost = F.softmax_cross_entropy(np.array([[np.finfo(dtype).max, 0.0]], dtype=dtype), y[:1])
    assert np.all(np.isfinite(a)) and 1e37 < cost < np.inf
    # a tiny cost keeps its digits (the sums run in float64): −log(1 − e^−30) ≈ 9.4e−14
    _, tiny = F.softmax_cross_entropy(z[2:], y[2:])
    assert tiny == pytest.approx(np.log1p(np.exp(-30.0)), rel=1e-5)


def test_relu_is_the_maximum_with_zero_bit_for_bit():
    z = np.array([[-2.0, -0.0, 0.0, 1e-30, 3.5, np.nan, -np.inf, np.inf]], dtype=np.float32)
    out = np.empty_like(z)
    assert F.relu(z, out=out) is out
    np.testing.assert_array_equal(out, np.maximum(z, 0.0))
    assert F.relu(np.float32(-1.5)) == 0.0 and F.relu(2.5) == 2.5
