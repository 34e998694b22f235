"""The probe (python -m initdoc probe) and the claims of the probe and cheat sheet pages."""

import math
import shlex

import numpy as np
import pytest

from initdoc import probe, schemes
from initdoc.errors import UserError
from initdoc.experiments.cheatsheet import truncated_variance

SIGMAS = 6  # every statistical bound below is this many standard errors


def assert_log_mean(rates, expected):
    """The geometric mean of per-layer rates is `expected`, within SIGMAS SEs of the mean log."""
    logs = np.log(rates)
    bound = SIGMAS * logs.std(ddof=1) / math.sqrt(logs.size)
    assert abs(logs.mean() - math.log(expected)) < bound
    return bound


def hidden_gradient_rates(d2, sizes):
    """E[δ_{l-1}²] / E[δ_l²] between equal-width hidden layers."""
    return np.array([d2[l - 1] / d2[l] for l in range(1, len(d2) - 1) if sizes[l] == sizes[l + 1]])


# Known cases: a deep relu network halves its signal per layer under Glorot and holds it under He.


@pytest.mark.parametrize(
    "case, expected, wrong", [("relu_glorot", 0.5, 1.0), ("relu_he", 1.0, 0.5)]
)
def test_deep_relu_forward_rate_per_layer(probe_result, case, expected, wrong):
    rates = probe_result[f"{case}.rates"]
    assert rates.size == 28  # the 100 -> 100 layers after the first hidden layer
    assert np.allclose(
        probe_result[f"{case}.predicted_rates"], expected
    )  # the theory: ½ per layer, or 1
    bound = assert_log_mean(rates, expected)
    assert abs(np.log(rates).mean() - math.log(wrong)) > bound  # the bound can tell ½ from 1


@pytest.mark.parametrize("case, expected", [("relu_glorot", 0.5), ("relu_he", 1.0)])
def test_deep_relu_backward_rate_per_layer(probe_result, case, expected):
    sizes = tuple(probe_result[f"{case}.sizes"])
    assert_log_mean(hidden_gradient_rates(probe_result[f"{case}.measured_d2"], sizes), expected)
    assert np.allclose(hidden_gradient_rates(probe_result[f"{case}.predicted_d2"], sizes), expected)


def test_verdicts_of_the_deep_relu_network(probe_result):
    assert probe_result.values["relu_glorot.verdict"] == "vanishes"
    assert (
        probe_result.values["relu_glorot.forward"] < probe.VANISH
        and probe_result.values["relu_glorot.backward"] < probe.VANISH
    )
    assert probe_result.values["relu_glorot.advice"].startswith("he_normal would hold it")
    assert probe_result.values["relu_he.verdict"] == "holds"


def test_he_drifts_at_finite_width_but_holds(probe_result):
    # The page: the per-layer factor is 1 on average, yet the last hidden layer ends below the
    # prediction.
    assert probe_result.values["relu_he.overestimate"] > 1.5
    assert probe.VANISH < probe_result.values["relu_he.forward"] < 1


def test_linear_regime_overestimates_tanh(probe_result):
    assert probe_result.values["tanh.verdict"] == "holds"
    assert probe_result.values["tanh.overestimate"] > 2
    assert np.all(probe_result["tanh.measured_z2"][1:3] < probe_result["tanh.predicted_z2"][1:3])
    assert probe_result.values["tanh_deep.verdict"] == "vanishes"
    assert probe_result.values["tanh_deep.overestimate"] > 10
    assert probe_result.values["tanh_deep.advice"].startswith("he_normal would hold it")


def test_deep_tanh_fades_ever_more_slowly(probe_result):
    z2 = probe_result["tanh_deep.measured_z2"]
    early = (z2[9] / z2[1]) ** (1 / 8)  # per-layer factor, hidden layers 2 to 10
    late = (z2[28] / z2[20]) ** (1 / 8)  # hidden layers 21 to 29
    assert early < late < 1


def test_sigmoid_forward_settles(probe_result):
    z2 = probe_result["sigmoid_deep.measured_z2"][1:29]
    assert z2.max() / z2.min() < 2


def test_sigmoid_has_no_prediction_and_its_gradient_vanishes(probe_result):
    assert "sigmoid_deep.predicted_z2" not in probe_result.arrays
    assert probe_result.values["sigmoid_deep.verdict"] == "holds forward and vanishes backward"
    assert probe_result.values["sigmoid_deep.backward"] < 1e-20
    assert probe_result.values["sigmoid_deep.advice"] == "no scheme tried holds it"
    assert "tried lecun_normal, he_normal" in probe_result.values["sigmoid_deep.text"]
    assert (
        "— " in probe_result.values["sigmoid_deep.text"]
        and "no prediction for sigmoid" in probe_result.values["sigmoid_deep.text"]
    )


def test_the_he_relu_network_explodes_with_blocks_and_scaled_branches_hold_it(probe_result):
    # The page: each He block doubles the stream; 1/√L branches hold it, below e; the loss lines
    # still find the logits too large.
    v = probe_result.values
    blocks = v["residual_he.blocks"]
    assert blocks == 28 and v["relu_he.verdict"] == "holds"  # the same network as an MLP
    assert v["residual_he.verdict"] == "explodes" and v["residual_he.forward"] > probe.EXPLODE
    assert v["residual_he.advice"] == "--branch-scale sqrt or zero would hold it"
    assert v["residual_he.predicted_rate"] == 2 and v["residual_he.predicted_forward"] == 2**blocks
    bound = assert_log_mean(probe_result["residual_he.rates"], 2.0)
    assert abs(np.log(probe_result["residual_he.rates"]).mean()) > bound
    assert v["residual_he.overestimate"] > 1  # the finite-width drift: below the prediction
    assert v["residual_sqrt.branch_scale"] == pytest.approx(1 / math.sqrt(blocks))
    assert v["residual_sqrt.verdict"] == "holds"
    assert v["residual_sqrt.predicted_forward"] == pytest.approx((1 + 1 / blocks) ** blocks)
    assert v["residual_sqrt.predicted_forward"] < math.e
    assert_log_mean(probe_result["residual_sqrt.rates"], 1 + 1 / blocks)
    assert v["residual_sqrt.logits_too_large"] and v["residual_sqrt.stream"] > 1
    assert "the logits start too large" in v["residual_sqrt.text"]


# The printout.


@pytest.mark.parametrize(
    "case", ["tanh", "relu_glorot", "sigmoid_deep", "residual_he", "residual_sqrt"]
)
def test_printout_has_every_layer_and_one_verdict(probe_result, case):
    text = probe_result.values[f"{case}.text"]
    lines = text.splitlines()
    sizes = probe_result[f"{case}.sizes"]
    rows = [line.split() for line in lines if line.split() and line.split()[0].isdigit()]
    assert [int(row[0]) for row in rows] == list(range(1, len(sizes)))
    assert [(int(r[1]), int(r[2])) for r in rows] == list(zip(sizes[:-1], sizes[1:]))
    assert sum(line.startswith("verdict: the signal ") for line in lines) == 1
    verdict = next(line for line in lines if line.startswith("verdict:"))
    assert verdict.startswith(f"verdict: the signal {probe_result.values[f'{case}.verdict']}")
    assert probe_result.values[f"{case}.advice"] in verdict
    assert max(map(len, lines)) <= probe.WIDTH


@pytest.mark.parametrize("case", ["tanh", "relu_glorot", "residual_he", "residual_sqrt"])
def test_the_page_shows_what_the_command_prints(probe_result, cli, case):
    command = shlex.split(probe_result.values[f"{case}.command"])
    assert command[:3] == ["python", "-m", "initdoc"]
    out = cli(*command[3:])
    assert out.returncode == 0, out.stderr
    assert out.stdout == probe_result.values[f"{case}.text"] + "\n"


# a probe of a network with one residual block, before its --branch-scale
RESIDUAL = ["8-8-8-2", "--activation", "relu", "--init", "he_normal", "--residual"]


@pytest.mark.parametrize(
    "args, says",
    [
        (
            ["784-x-10", "--activation", "relu", "--init", "he_normal"],
            "bad architecture '784-x-10'",
        ),
        (["784", "--activation", "relu", "--init", "he_normal"], "at least two sizes"),
        (
            ["784-10", "--activation", "swish", "--init", "he_normal"],
            "unknown activation 'swish'; known: identity",
        ),
        (["784-10", "--activation", "relu", "--init", "he_norml"], "unknown scheme 'he_norml'"),
        (
            ["784-10", "--activation", "relu", "--init", "orthogonal"],
            "cannot predict scheme 'orthogonal'",
        ),
        (["784-10", "--activation", "relu", "--init", "he_normal", "--batch", "0"], "--batch"),
        (["784-10", "--activation", "relu"], "--init"),
        (
            ["784-300-100-10", "--activation", "relu", "--init", "he_normal", "--residual"],
            "--residual needs two equal hidden widths in a row",
        ),
        (
            ["8-8-8-2", "--activation", "relu", "--init", "he_normal", "--branch-scale", "sqrt"],
            "add --residual",
        ),
        ([*RESIDUAL, "--branch-scale", "-1"], "bad --branch-scale '-1'"),
        ([*RESIDUAL, "--branch-scale", "inf"], "bad --branch-scale 'inf'"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(cli, args, says):
    out = cli("probe", *args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and says in out.stderr


def test_architecture_syntax():
    assert probe.parse_architecture("784-100*3-10") == (784, 100, 100, 100, 10)
    assert probe.format_architecture((784, 100, 100, 100, 10)) == "784-100*3-10"
    assert probe.format_architecture((784, 300, 300, 10)) == "784-300-300-10"
    for bad in ["784-0-10", "784--10", "10*0-5", "", "784-3.5-10"]:
        with pytest.raises(UserError):
            probe.parse_architecture(bad)


def test_verdict_thresholds():
    assert [probe.fate(r) for r in (0.01, 0.5, 5, 50)] == ["vanishes", "holds", "holds", "explodes"]


# The cheat sheet's numbers.


def test_pytorch_linear_default_fades_a_relu_stack(cheatsheet_result):
    # that nn.Linear draws U(±1/√n_in) is measured from PyTorch in test_frameworks; here, what it
    # does: Var(W) = gain(leaky_relu, √5)² / n_in = 2/(1 + 5) / n_in, a sixth of He's
    assert cheatsheet_result.values["torch_linear_vs_lecun"] == pytest.approx(2 / (1 + 5))
    z2 = cheatsheet_result["torch_default_relu_z2"]
    assert_log_mean(z2[1:] / z2[:-1], cheatsheet_result.values["torch_default_relu_predicted_rate"])
    assert cheatsheet_result.values["torch_default_relu_total"] < probe.VANISH


def test_trunc_normal_table_cuts_only_where_the_std_is_large(cheatsheet_result):
    # the variances themselves: the closed form against sampling below, and against PyTorch's
    # trunc_normal_ and scipy's truncnorm in test_frameworks
    v = cheatsheet_result.values
    assert v["torch_trunc.std_1"] < 0.8 and v["torch_trunc.std_2"] < 0.3
    assert v["torch_trunc.std_0_02"] == pytest.approx(1.0, abs=1e-12)  # a cut at ±100 std


def test_truncated_variance_formula_against_sampling():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2_000_000)
    for bound in (0.5, 1.0, 2.0):
        kept = x[np.abs(x) <= bound]
        se = math.sqrt(np.var(kept**2) / kept.size)
        assert abs(np.mean(kept**2) - truncated_variance(bound)) < SIGMAS * se


def test_tanh_gain_five_thirds_keeps_a_deep_stack_from_fading(cheatsheet_result):
    assert cheatsheet_result.values["tanh_gain_1_total"] < probe.VANISH
    assert probe.VANISH < cheatsheet_result.values["tanh_gain_tanh_total"] < 1


# The initial loss.


def test_the_probe_reports_the_initial_loss_and_which_fix_applies():
    big = probe.run("784-100-100-10", "relu", "he_normal", batch=500)
    assert big.logits_too_large and big.measured_loss > probe.LOSS_MARGIN * math.log(10)
    assert abs(big.predicted_loss - big.measured_loss) < 0.2
    assert "start the last layer at zero or small" in probe.report(big)
    small = probe.run("784-100-100-10", "relu", "lecun_normal", batch=500)
    assert not small.logits_too_large and small.measured_loss < probe.LOSS_MARGIN * math.log(10)
    assert "the last layer starts small enough" in probe.report(small)
    assert max(map(len, probe.report(big).splitlines())) <= probe.WIDTH


def test_one_output_has_no_softmax_check():
    one = probe.run("10-5-1", "tanh", "glorot_normal", batch=100)
    assert one.measured_loss is None and "initial loss" not in probe.report(one)


# Residual networks (--residual).


def test_the_cli_help_lists_the_residual_flags(cli):
    out = cli("probe", "--help")
    assert out.returncode == 0
    assert "--residual" in out.stdout and "--branch-scale S" in out.stdout


def test_which_layers_become_blocks():
    # layer 1 projects the input and the output layer stays plain, whatever their widths
    assert probe.residual_layers((100, 100, 100, 50, 50, 100)) == (False, True, False, True, False)
    assert not any(probe.residual_layers((784, 300, 100, 10)))
    assert probe.parse_branch_scale("sqrt", 25) == pytest.approx(0.2)
    assert probe.parse_branch_scale("zero", 25) == 0 and probe.parse_branch_scale("0.5", 25) == 0.5


def test_the_residual_measurement_against_a_network_written_out():
    # 3 -> 4 -> 4 -> 2 with one block, by hand: z1 = x W1, z2 = z1 + relu(z1) s W2,
    # z3 = relu(z2) W3; backward from ε / m at the output
    s, batch, seed = 0.7, 50, 3
    found = probe.run(
        "3-4-4-2", "relu", "he_normal", batch, seed, residual=True, branch_scale="0.7"
    )
    rng = np.random.default_rng(seed)
    he = schemes.get("he_normal")
    W1, W2, W3 = he(rng, (3, 4)), s * he(rng, (4, 4)), he(rng, (4, 2))
    x = rng.standard_normal((batch, 3))
    z1 = x @ W1
    z2 = z1 + np.maximum(z1, 0) @ W2
    z3 = np.maximum(z2, 0) @ W3
    d3 = rng.standard_normal(z3.shape) / batch
    d2 = (d3 @ W3.T) * (z2 > 0)
    d1 = d2 + (d2 @ W2.T) * (z1 > 0)
    expected_z2 = [np.mean(z**2) for z in (z1, z2, z3)]
    expected_d2 = [np.mean(d**2) / np.mean(d3**2) for d in (d1, d2, d3)]
    assert np.allclose(found.measured_z2, expected_z2, rtol=1e-12)
    assert np.allclose(found.measured_d2, expected_d2, rtol=1e-12)


def test_he_relu_blocks_double_the_signal_and_it_explodes():
    found = probe.run("784-100*21-10", "relu", "he_normal", batch=500, residual=True)
    assert found.blocks == 20 and found.verdict == "explodes"
    h = found.hidden  # layers 2 to h are the blocks: their output over their input
    forward = found.measured_z2[1:h] / found.measured_z2[: h - 1]
    backward = found.measured_d2[: h - 1] / found.measured_d2[1:h]
    assert np.allclose(found.predicted_z2[1:h] / found.predicted_z2[: h - 1], 2)
    assert np.allclose(found.predicted_d2[: h - 1] / found.predicted_d2[1:h], 2)
    bound = assert_log_mean(forward, 2.0)
    assert abs(np.log(forward).mean()) > bound  # the bound can tell 2 from 1
    assert_log_mean(backward, 2.0)
    text = probe.report(found)
    assert "1 + 1² × 2 × 0.5 = 2; over 20 blocks ×1.05e+06" in text
    assert "verdict: the signal explodes; --branch-scale sqrt or zero would hold it" in text
    assert "with --branch-scale sqrt" in text and "with --branch-scale zero" in text
    assert max(map(len, text.splitlines())) <= probe.WIDTH


def test_branches_scaled_by_one_over_sqrt_L_hold_the_signal():
    found = probe.run("784-100*21-10", "relu", "he_normal", 500, residual=True, branch_scale="sqrt")
    assert found.verdict == "holds" and "would hold it" not in probe.report(found)
    predicted = found.predicted_z2[found.hidden - 1] / found.predicted_z2[0]
    assert predicted == pytest.approx((1 + 1 / 20) ** 20) and predicted < math.e
    assert "s = 1/√20 = 0.224" in probe.report(found)


def test_zero_branches_pass_the_signal_through_unchanged():
    found = probe.run(
        "50-40*6-10", "tanh", "glorot_normal", 200, residual=True, branch_scale="zero"
    )
    assert found.forward == 1.0 and found.backward == 1.0  # exactly: every block is the identity
    assert found.verdict == "holds"


def test_the_branch_scale_alone_decides_between_explodes_and_holds():
    # the same network, drawn from the same seed, comes out both ways
    kinds = {
        scale: probe.run("64-64*12-10", "relu", "he_normal", 300, residual=True, branch_scale=scale)
        for scale in ("1", "0.3")
    }
    assert kinds["1"].verdict == "explodes" and kinds["0.3"].verdict == "holds"


def test_the_residual_network_without_skips_is_the_plain_mlp():
    sizes, no_skips = (30, 20, 20, 20, 5), (False,) * 4
    plain = probe.run(sizes, "tanh", "glorot_normal", batch=100, seed=4)
    assert plain.skips == () and "block" not in probe.report(plain)
    net, taps = probe.residual_network(sizes, "tanh", "glorot_normal", no_skips, 1.0)
    z2, d2 = probe.measure_residual(net, taps, 100, 4)
    assert np.allclose(z2, plain.measured_z2, rtol=1e-12)
    assert np.allclose(d2, plain.measured_d2, rtol=1e-12)
    z2, d2 = probe.predict(sizes, "tanh", "glorot_normal", no_skips)
    assert np.array_equal(z2, plain.predicted_z2) and np.array_equal(d2, plain.predicted_d2)
