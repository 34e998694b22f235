"""The probe page's example printouts, each as `python -m initdoc probe` prints it."""

from __future__ import annotations

import math

import numpy as np

from initdoc import probe
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

# name: (architecture, activation, scheme, options of probe.run), each printed on the probe page.
EXAMPLES = {
    "tanh": ("784-300-300-300-10", "tanh", "glorot_normal", {}),
    "relu_glorot": ("784-100*29-10", "relu", "glorot_normal", {}),
    "relu_he": ("784-100*29-10", "relu", "he_normal", {}),
    "tanh_deep": ("784-100*29-10", "tanh", "glorot_normal", {}),
    "sigmoid_deep": ("784-100*29-10", "sigmoid", "glorot_normal", {}),
    "residual_he": ("784-100*29-10", "relu", "he_normal", {"residual": True}),
    "residual_sqrt": (
        "784-100*29-10",
        "relu",
        "he_normal",
        {"residual": True, "branch_scale": "sqrt"},
    ),
}


def hidden_rates(z2: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
    """E[z_l²] / E[z_{l-1}²] for the layers whose input and output widths are equal (l ≥ 2)."""
    return np.array([z2[l] / z2[l - 1] for l in range(1, len(z2)) if sizes[l] == sizes[l + 1]])


@experiment("probe", seed=0, batch=1000, probe_seed=0)
def probe_examples(rng, batch, probe_seed) -> Result:
    """The probe on a 4-layer tanh MLP, on 30-layer relu, tanh and sigmoid MLPs, and on the
    30-layer relu network with residual blocks, its branches at full scale and at 1/√L."""
    seed = probe_seed
    res = Result(
        values={
            "batch": batch,
            "seed": seed,
            "vanish": probe.VANISH,
            "explode": probe.EXPLODE,
            "loss_margin": probe.LOSS_MARGIN,
        }
    )
    for name, (architecture, activation, scheme, options) in EXAMPLES.items():
        p = probe.run(architecture, activation, scheme, batch=batch, seed=seed, **options)
        text = probe.report(p)
        rates = hidden_rates(p.measured_z2, p.sizes)
        res.arrays.update(
            {
                f"{name}.sizes": np.array(p.sizes),
                f"{name}.measured_z2": p.measured_z2,
                f"{name}.measured_d2": p.measured_d2,
                f"{name}.rates": rates,
            }
        )
        res.values.update(
            {
                f"{name}.text": text,
                f"{name}.command": command(architecture, activation, scheme, batch, seed, options),
                f"{name}.verdict": p.verdict,
                f"{name}.forward": p.forward,
                f"{name}.backward": p.backward,
                f"{name}.layers": len(p.sizes) - 1,
                f"{name}.hidden": p.hidden,
                f"{name}.rate": float(np.exp(np.mean(np.log(rates)))) if rates.size else 1.0,
                f"{name}.advice": probe.advice(p)[0] if p.verdict != "holds" else "",
            }
        )
        if p.skips:
            res.values.update(
                {
                    f"{name}.blocks": p.blocks,
                    f"{name}.branch_scale": p.branch_scale,
                    f"{name}.stream": float(p.measured_z2[p.hidden - 1]),  # what the output reads
                    f"{name}.measured_loss": p.measured_loss,
                    f"{name}.chance": math.log(p.classes),
                    f"{name}.logits_too_large": p.logits_too_large,
                }
            )
        if p.predicted_z2 is not None:
            predicted = hidden_rates(p.predicted_z2, p.sizes)
            res.arrays.update(
                {
                    f"{name}.predicted_z2": p.predicted_z2,
                    f"{name}.predicted_d2": p.predicted_d2,
                    f"{name}.predicted_rates": predicted,
                }
            )
            res.values[f"{name}.predicted_rate"] = (
                float(predicted.mean()) if predicted.size else 1.0
            )
            last = p.hidden - 1
            res.values[f"{name}.predicted_forward"] = float(
                p.predicted_z2[last] / p.predicted_z2[0]
            )
            res.values[f"{name}.overestimate"] = float(p.predicted_z2[last] / p.measured_z2[last])
    return res


def command(
    architecture: str, activation: str, scheme: str, batch: int, seed: int, options: dict
) -> str:
    """The CLI call that prints an example."""
    extra = "".join(
        f" --{flag} {value}"
        for flag, value, default in (("batch", batch, 1000), ("seed", seed, 0))
        if value != default
    )
    extra += " --residual" * options.get("residual", False)
    if "branch_scale" in options:
        extra += f" --branch-scale {options['branch_scale']}"
    quoted = (
        f"'{architecture}'" if "*" in architecture else architecture
    )  # keep the shell from globbing
    return f"python -m initdoc probe {quoted} --activation {activation} --init {scheme}{extra}"
