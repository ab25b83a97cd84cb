"""marquee.ope against numpy's formulas, and against `marquee ope` on the
Open Bandit Dataset when ../shared has it."""
import json
import subprocess

import numpy as np
import pytest

import marquee
from conftest import ROOT

OBD_BTS_MEN = ROOT.parent / "shared" / "data" / "obd" / "bts" / "men" / "men.csv"


def _log(n=2000, k=5, seed=0):
    rng = np.random.default_rng(seed)
    behaviour = rng.dirichlet(np.ones(k), size=n)
    actions = np.array([rng.choice(k, p=p) for p in behaviour])
    propensities = behaviour[np.arange(n), actions]
    rewards = (rng.random(n) < 0.1 + 0.15 * (actions == 2)).astype(float)
    target = rng.dirichlet(np.ones(k), size=n)
    q = np.clip(0.1 + 0.15 * (np.arange(k) == 2) + rng.normal(0, 0.02, size=(n, k)), 0, 1)
    return actions, rewards, propensities, target, q


def test_estimates_equal_numpy_formulas():
    actions, rewards, propensities, target, q = _log()
    n = len(actions)
    w = target[np.arange(n), actions] / propensities
    dm = np.mean(np.sum(target * q, axis=1))
    expected = {"ips": np.mean(w * rewards), "snips": np.sum(w * rewards) / np.sum(w), "dm": dm,
                "dr": dm + np.mean(w * (rewards - q[np.arange(n), actions]))}
    report = marquee.ope.evaluate(actions, rewards, propensities, target, q, estimators=list(expected))
    for name, value in expected.items():
        est = report["estimates"][name]
        assert est["value"] == pytest.approx(value, rel=1e-12), name
        assert est["has_interval"] and est["lower"] <= est["value"] <= est["upper"]
    assert report["effective_sample_size"] == pytest.approx(np.sum(w) ** 2 / np.sum(w ** 2), rel=1e-12)
    assert report["on_policy_value"] == pytest.approx(rewards.mean())
    none = marquee.ope.evaluate(actions, rewards, propensities, target, estimators="ips", bootstrap=0)
    assert not none["estimates"]["ips"]["has_interval"]


@pytest.mark.skipif(not OBD_BTS_MEN.is_file(), reason=f"{OBD_BTS_MEN} is absent (OBD is not redistributed)")
def test_the_same_numbers_as_marquee_ope(cli):
    out = subprocess.run([cli, "ope", "--logs", str(OBD_BTS_MEN), "--format", "obd", "--target", "uniform",
                          "--estimators", "ips,snips", "--bootstrap", "200", "--seed", "3", "--json"],
                         check=True, capture_output=True, text=True).stdout
    from_cli = {e["estimator"]: e for e in json.loads(out)["estimates"]}
    log = marquee.ope.load_obd(OBD_BTS_MEN)
    n, k = len(log["actions"]), log["n_actions"]
    report = marquee.ope.evaluate(log["actions"], log["rewards"], log["propensities"], np.full((n, k), 1.0 / k),
                                  estimators=["ips", "snips"], bootstrap=200, random_state=3)
    assert report["estimates"]["ips"]["value"] != report["estimates"]["snips"]["value"]  # a non-uniform log
    for name in ("ips", "snips"):
        for field in ("value", "lower", "upper", "standard_error"):
            assert report["estimates"][name][field] == from_cli[name][field], (name, field)


def test_bad_inputs_name_the_argument():
    actions, rewards, propensities, target, q = _log(n=50)
    with pytest.raises(ValueError, match="rewards: expected 50 entries"):
        marquee.ope.evaluate(actions, rewards[:10], propensities, target)
    with pytest.raises(ValueError, match="actions: record 0 has action 9"):
        marquee.ope.evaluate(np.r_[9, actions[1:]], rewards, propensities, target)
    with pytest.raises(ValueError, match="record 3"):
        bad = propensities.copy()
        bad[3] = 0.0
        marquee.ope.evaluate(actions, rewards, bad, target)
    with pytest.raises(ValueError, match="estimated_rewards"):
        marquee.ope.evaluate(actions, rewards, propensities, target, estimators=["dr"])
    with pytest.raises(ValueError, match="target"):
        marquee.ope.evaluate(actions, rewards, propensities, target * 3)
    with pytest.raises(ValueError, match="unknown|expected"):
        marquee.ope.evaluate(actions, rewards, propensities, target, estimators=["ipw"])
    with pytest.raises(FileNotFoundError):
        marquee.ope.load_obd(ROOT / "nowhere.csv")


def test_argument_types_are_checked_before_any_conversion():
    actions, rewards, propensities, target, q = _log(n=20)
    with pytest.raises(TypeError, match="actions: expected integer"):
        marquee.ope.evaluate(actions + 0.7, rewards, propensities, target)
    with pytest.raises(ValueError, match="estimators"):
        marquee.ope.evaluate(actions, rewards, propensities, target, estimators=[])
    with pytest.raises(ValueError, match="random_state"):
        marquee.ope.evaluate(actions, rewards, propensities, target, random_state=-1)
