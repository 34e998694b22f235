"""initdoc's schemes against torch.nn.init (optional: skipped when PyTorch is not installed)."""

import math

import numpy as np
import pytest

from initdoc import schemes

torch = pytest.importorskip(
    "torch",
    reason="PyTorch not installed: pip install torch==2.13.0 to compare initdoc with torch.nn.init",
)
init = torch.nn.init
SIGMAS = 6
FAN_IN, FAN_OUT = (
    300,
    200,
)  # initdoc draws (fan_in, fan_out); torch draws (out_features, in_features)
DRAWS = 20  # weight matrices per side, so that each mean square averages 1.2 million weights


def mean_square(draw) -> tuple[float, float]:
    """The mean of w² over DRAWS matrices, and its standard error computed from the sample."""
    w = np.concatenate([np.ravel(draw()) for _ in range(DRAWS)])
    return float(np.mean(w**2)), float(np.std(w**2) / math.sqrt(w.size))


def torch_draw(fill, **kwargs):
    """A function drawing one torch weight of shape (FAN_OUT, FAN_IN) with `fill`, as a numpy array."""
    return lambda: fill(torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64), **kwargs).numpy()


PAIRS = {
    "glorot_normal": torch_draw(init.xavier_normal_),
    "glorot_uniform": torch_draw(init.xavier_uniform_),
    "he_normal": torch_draw(init.kaiming_normal_, nonlinearity="relu"),
    "he_uniform": torch_draw(init.kaiming_uniform_, nonlinearity="relu"),
    "lecun_normal": torch_draw(init.kaiming_normal_, nonlinearity="linear"),
    "lecun_uniform": torch_draw(init.kaiming_uniform_, nonlinearity="linear"),
}


@pytest.mark.parametrize("name", PAIRS)
def test_same_variance_as_torch(name):
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    ours, ours_se = mean_square(lambda: schemes.get(name)(rng, (FAN_IN, FAN_OUT)))
    theirs, theirs_se = mean_square(PAIRS[name])
    assert abs(ours - theirs) < SIGMAS * math.hypot(ours_se, theirs_se)
    if name.endswith("uniform"):  # and the same bound
        bound = math.sqrt(3 * ours)
        assert np.abs(PAIRS[name]()).max() <= bound * (1 + 1e-3)


def test_torch_linear_default_is_a_third_of_lecun():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    layer = torch.nn.Linear(FAN_IN, FAN_OUT, dtype=torch.float64)
    theirs, theirs_se = mean_square(
        lambda: (layer.reset_parameters(), layer.weight.detach().numpy())[1]
    )
    third = schemes.variance_scaling(
        schemes.gain("leaky_relu", math.sqrt(5)) ** 2, "fan_in", "uniform"
    )
    ours, ours_se = mean_square(lambda: third(rng, (FAN_IN, FAN_OUT)))
    assert abs(ours - theirs) < SIGMAS * math.hypot(ours_se, theirs_se)
    assert abs(theirs - 1 / (3 * FAN_IN)) < SIGMAS * theirs_se
    assert layer.weight.abs().max().item() <= 1 / math.sqrt(FAN_IN)


def test_torch_trunc_normal_cuts_without_rescaling():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    theirs, theirs_se = mean_square(torch_draw(init.trunc_normal_, std=1.0))
    assert abs(theirs - schemes.TRUNCATED_NORMAL_STD**2) < SIGMAS * theirs_se
    keeps = schemes.variance_scaling(1.0, "fan_in", "truncated_normal")
    ours, ours_se = mean_square(lambda: keeps(rng, (FAN_IN, FAN_OUT)) * math.sqrt(FAN_IN))
    assert abs(ours - 1.0) < SIGMAS * ours_se


@pytest.mark.parametrize(
    "nonlinearity, param",
    [
        ("linear", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("selu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
    ],
)
def test_same_gains(nonlinearity, param):
    assert schemes.gain(nonlinearity, param) == pytest.approx(
        init.calculate_gain(nonlinearity, param)
    )


@pytest.mark.parametrize("kernel", [(3, 3), (5,), (2, 3, 4)])
def test_same_fans_once_the_shape_is_read_right(kernel):
    c_in, c_out = 16, 32
    theirs = init._calculate_fan_in_and_fan_out(
        torch.empty(c_out, c_in, *kernel)
    )  # (out, in, *kernel)
    assert schemes.fans((*kernel, c_in, c_out)) == theirs  # initdoc, Keras, JAX: (*kernel, in, out)
    assert schemes.fans((FAN_IN, FAN_OUT)) == init._calculate_fan_in_and_fan_out(
        torch.empty(FAN_OUT, FAN_IN)
    )


def test_variance_preserving_trunc_normal_recipe():
    # The cheat sheet: std=σ/c with a, b = ∓2σ/c gives variance σ² in PyTorch.
    torch.manual_seed(0)
    sigma = 0.3
    std = sigma / schemes.TRUNCATED_NORMAL_STD
    theirs, se = mean_square(torch_draw(init.trunc_normal_, std=std, a=-2 * std, b=2 * std))
    assert abs(theirs - sigma**2) < SIGMAS * se
