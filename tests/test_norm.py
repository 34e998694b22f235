"""Tests for initdoc.norm: batch and layer normalization against a by-hand reference and finite
differences."""

import numpy as np
import pytest
from test_nn import numeric_gradient, relative_error

from initdoc import norm
from initdoc.errors import UserError


def reference(kind, x, gamma, beta, eps=norm.EPS):
    """Normalization written row by row (layer) or unit by unit (batch), with Python loops."""
    out = np.empty_like(x)
    if kind == "layer":
        for i, row in enumerate(x):
            out[i] = (row - row.mean()) / np.sqrt(row.var() + eps)
    else:
        for j, unit in enumerate(x.T):
            out[:, j] = (unit - unit.mean()) / np.sqrt(unit.var() + eps)
    return gamma * out + beta


def example(seed=0, rows=6, units=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(1.0, 3.0, (rows, units))
    return x, rng.normal(1, 0.5, units), rng.normal(0, 0.5, units), rng.normal(size=(rows, units))


@pytest.mark.parametrize("kind", ["layer", "batch"])
def test_forward_matches_the_reference(kind):
    x, gamma, beta, _ = example()
    y, _ = norm.forward(kind, x, gamma, beta)
    assert np.allclose(y, reference(kind, x, gamma, beta), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["layer", "batch"])
def test_backward_matches_finite_differences(kind):
    x, gamma, beta, weights = example(1)

    def loss():  # a scalar that depends on every output
        return np.sum(weights * norm.forward(kind, x, gamma, beta)[0] ** 2)

    y, cache = norm.forward(kind, x, gamma, beta)
    dx, dgamma, dbeta = norm.backward(2 * weights * y, cache, gamma)
    assert relative_error(numeric_gradient(loss, x), dx) < 1e-7
    assert relative_error(numeric_gradient(loss, gamma), dgamma) < 1e-7
    assert relative_error(numeric_gradient(loss, beta), dbeta) < 1e-7


@pytest.mark.parametrize("kind, axis", [("layer", -1), ("batch", -2)])
def test_the_output_is_blind_to_the_scale_of_its_input(kind, axis):
    x, gamma, beta, _ = example(2)
    y, _ = norm.forward(kind, x, np.ones(5), np.zeros(5), eps=0.0)
    assert np.allclose(y.mean(axis=axis), 0) and np.allclose(y.var(axis=axis), 1)
    assert np.allclose(
        norm.forward(kind, 1000 * x, gamma, beta, eps=0.0)[0],
        norm.forward(kind, x, gamma, beta, eps=0.0)[0],
    )


@pytest.mark.parametrize("kind", ["layer", "batch"])
def test_a_stack_normalizes_each_network_as_alone(kind):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 6, 5))
    gamma, beta = rng.normal(size=(3, 1, 5)), rng.normal(size=(3, 1, 5))
    dy = rng.normal(size=x.shape)
    y, cache = norm.forward(kind, x, gamma, beta)
    dx, dgamma, dbeta = norm.backward(dy, cache, gamma)
    assert dgamma.shape == gamma.shape and dbeta.shape == beta.shape
    for s in range(3):
        y1, c1 = norm.forward(kind, x[s], gamma[s, 0], beta[s, 0])
        dx1, dg1, db1 = norm.backward(dy[s], c1, gamma[s, 0])
        assert np.allclose(y[s], y1) and np.allclose(dx[s], dx1)
        assert np.allclose(dgamma[s, 0], dg1) and np.allclose(dbeta[s, 0], db1)


def test_an_unknown_kind_is_named():
    with pytest.raises(UserError, match="unknown normalization 'group'; known: layer, batch"):
        norm.forward("group", np.ones((2, 2)), np.ones(2), np.zeros(2))
