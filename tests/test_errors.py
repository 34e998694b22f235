"""One way to fail: the "unknown name" message, parameter overrides, the tools' scratch folder."""

import subprocess

import pytest

from initdoc.errors import UserError, unknown
from initdoc.pipeline import registry
from initdoc.tools.scratch import scratch


def test_unknown_lists_the_known_names_and_suggests_a_near_one():
    message = unknown("scheme", "he_normall", ["he_normal", "lecun_normal"])
    assert message == (
        "unknown scheme 'he_normall'; known: he_normal, lecun_normal. Did you mean 'he_normal'?"
    )
    assert unknown("scheme", "zzz", ["he_normal"]) == "unknown scheme 'zzz'; known: he_normal."


def test_unknown_names_where_a_long_list_is_instead_of_writing_it_out():
    known = [f"glorot.value_{i}" for i in range(500)]
    message = unknown("value", "glorot.value_77x", known, see="figures/results.json")
    assert message == (
        "unknown value 'glorot.value_77x' (see figures/results.json). "
        "Did you mean 'glorot.value_77'?"
    )


def test_an_unknown_parameter_override_is_a_user_error_with_a_near_match():
    registry.load_all()
    message = r"experiment 'xavier': unknown parameter 'deep_l'; known: .* Did you mean 'deep_L'\?"
    with pytest.raises(UserError, match=message):
        registry.get_experiment("xavier")(deep_l=3)


@pytest.mark.parametrize("keep", [False, True])
def test_a_failed_build_in_the_scratch_folder_is_one_user_error(keep, capsys):
    failed = pytest.raises(UserError, match=r"a build failed \(exit 3\); see its output above")
    with failed, scratch("initdoc-test-", keep) as tmp:
        (tmp / "file").write_text("x")
        raise subprocess.CalledProcessError(3, ["build"])
    assert tmp.exists() == keep
    assert (f"kept {tmp}" in capsys.readouterr().out) == keep
    if keep:
        (tmp / "file").unlink()
        tmp.rmdir()
