"""Off-policy evaluation on numpy arrays: how a target policy would have done,
estimated from a log a behaviour policy produced -- the estimators and the
bootstrap of `marquee ope` (bandit/off_policy.h), over a fixed set of K actions.

With w_i = target[i, a_i] / propensity_i and a reward model q[i, a]:
  ips    mean(w_i r_i)                              (Horvitz and Thompson 1952)
  snips  sum(w_i r_i) / sum(w_i)                    (Swaminathan and Joachims 2015)
  dm     mean(sum_a target[i, a] q[i, a])
  dr     dm + mean(w_i (r_i - q[i, a_i]))           (Dudik, Langford and Li 2011)
  replay over records where a draw from the target equals a_i (Li et al. 2011)
Intervals are percentile bootstraps over records (the target and q held fixed).
"""
import numpy as np

from ._marquee import evaluate_ope as _evaluate_ope
from ._marquee import load_obd as _load_obd

ESTIMATORS = ("ips", "snips", "dm", "dr", "replay")


def _vector(values, name, n=None, dtype=np.float64):
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, found shape {array.shape}")
    if n is not None and array.shape[0] != n:
        raise ValueError(f"{name}: expected {n} entries (one per record), found {array.shape[0]}")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise ValueError(f"{name}: expected numbers, found dtype {array.dtype}")
    return np.ascontiguousarray(array, dtype=dtype)


def evaluate(actions, rewards, propensities, target, estimated_rewards=None, estimators=None, bootstrap=200,
             confidence=0.95, random_state=1):
    """Estimates of the target policy's mean reward.

    actions (n,) int: the logged action of each record, in 0..K-1.
    rewards (n,) in [0, 1]; propensities (n,) in [1e-12, 1]: the behaviour
    policy's probability of the logged action.
    target (n, K): the target policy's action distribution per record (rows sum to 1).
    estimated_rewards (n, K), optional: a reward model's q[i, a], needed by dm and dr.
    estimators: any of "ips", "snips", "dm", "dr", "replay" (default: all that the
    inputs allow). bootstrap: resamples (0: no intervals; fewer than
    2 / (1 - confidence) give none). random_state: the bootstrap's and replay's seed.
    Returns a dict: {"estimates": {name: {"value", "lower", "upper",
    "standard_error", "defined", "has_interval", "reason", "records_used"}},
    "records", "on_policy_value", "effective_sample_size", "weight_max", ...,
    "warnings"}. Raises ValueError naming the argument, or the record, for bad input."""
    raw = np.asarray(actions)
    if raw.size and not np.issubdtype(raw.dtype, np.integer):
        raise TypeError(f"actions: expected integer action ids, found dtype {raw.dtype}")
    actions = _vector(raw, "actions", dtype=np.int64)
    n = actions.shape[0]
    rewards = _vector(rewards, "rewards", n)
    propensities = _vector(propensities, "propensities", n)
    target = np.ascontiguousarray(np.asarray(target, dtype=np.float64))
    if target.ndim != 2 or target.shape[0] != n:
        raise ValueError(f"target: expected shape (n={n}, actions), found {target.shape}")
    predicted = None
    if estimated_rewards is not None:
        predicted = np.ascontiguousarray(np.asarray(estimated_rewards, dtype=np.float64))
        if predicted.shape != target.shape:
            raise ValueError(f"estimated_rewards: expected the target's shape {target.shape}, found {predicted.shape}")
    if estimators is None:
        estimators = ESTIMATORS if predicted is not None else ("ips", "snips", "replay")
    estimators = [estimators] if isinstance(estimators, str) else list(estimators)
    if not estimators:
        raise ValueError(f"estimators: expected one or more of {', '.join(ESTIMATORS)}")
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, (int, np.integer)) \
            or not 0 <= random_state < 2**64:
        raise ValueError(f"random_state: expected an integer in [0, 2^64), found {random_state!r}")
    if predicted is None and ({"dm", "dr"} & set(estimators)):
        raise ValueError("estimated_rewards: dm and dr need a reward model's estimates, shape (n, actions)")
    if not isinstance(bootstrap, (int, np.integer)) or not 0 <= bootstrap <= 100_000:
        raise ValueError(f"bootstrap: expected an integer in [0, 100000], found {bootstrap}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence: expected a number in (0, 1), found {confidence}")
    return _evaluate_ope(actions, rewards, propensities, target, predicted, estimators, int(bootstrap),
                         float(confidence), int(random_state))


def load_obd(path):
    """An Open Bandit Dataset CSV (the file `marquee ope --format obd` reads): a dict
    of numpy arrays "actions" (item ids), "positions" (0-based), "rewards"
    (clicks), "propensities", and "n_actions" (items in the campaign).
    FileNotFoundError for a missing file; ValueError naming the line and column of
    a bad one."""
    return _load_obd(str(path))
