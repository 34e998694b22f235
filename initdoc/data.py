"""Datasets: the 2-D toy sets of the article, points in [-5, 5]² labelled 0 or 1."""

from __future__ import annotations

import numpy as np

from initdoc.errors import UserError, unknown

EXTENT = (-5.0, 5.0, -5.0, 5.0)


def circle(rng: np.random.Generator, n: int = 100, noise: float = 0.25, fraction: float = 0.5):
    """Class 1 (a `fraction` of the points) inside radius 2, class 0 on a ring from radius 3
    to 5."""
    n1 = round(n * fraction)
    radius = np.concatenate([rng.uniform(0, 2, n1), rng.uniform(3, 5, n - n1)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    X += noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.ones(n1), np.zeros(n - n1)])
    return X, y[:, None]


def xor(rng: np.random.Generator, n: int = 100, margin: float = 0.3):
    """The 'square' set: class 1 where x₁ and x₂ share a sign (quadrants I and III)."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.sign(X) * margin
    X = np.clip(X, -5, 5)
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X, y[:, None]


def spiral(rng: np.random.Generator, n: int = 100, noise: float = 0.2, turns: float = 1.25):
    """Two interleaved spiral arms, one per class."""
    n1 = n // 2
    t = np.sqrt(rng.uniform(0, 1, n))
    radius = 5 * t
    angle = 2 * np.pi * turns * t + np.where(np.arange(n) < n1, 0.0, np.pi)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    X += noise * rng.standard_normal(X.shape)
    y = (np.arange(n) < n1).astype(float)
    return X, y[:, None]


def gaussians(rng: np.random.Generator, n: int = 100, spread: float = 1.0):
    """Two round clouds centred at (2, 2), class 1, and (-2, -2), class 0."""
    n1 = n // 2
    centres = np.where((np.arange(n) < n1)[:, None], 2.0, -2.0)
    X = centres + spread * rng.standard_normal((n, 2))
    y = (np.arange(n) < n1).astype(float)
    return X, y[:, None]


TOY_SETS = {"circle": circle, "spiral": spiral, "xor": xor, "gaussians": gaussians}


def toy(name: str, rng: np.random.Generator, n: int = 100):
    """The toy set called `name`: circle, spiral, xor or gaussians."""
    if name not in TOY_SETS:
        raise UserError(unknown("dataset", name, TOY_SETS))
    return TOY_SETS[name](rng, n)


def grid(extent=EXTENT, resolution: int = 61):
    """Points of a square grid over `extent`, as (resolution², 2), for decision boundaries."""
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)
