"""Offline evaluation: in implicit's style (a random split of a CSR matrix and
ranking metrics at K over the members with held-out items), and with the
protocols and metrics of `marquee evaluate` (split, evaluate; below).

Definitions (implicit.evaluation's): for each member u with test items T_u and
top-K list L_u (training items filtered out),
  precision@K = sum_u |L_u & T_u| / sum_u min(K, |T_u|)            (pooled)
  MAP@K       = mean_u (sum_{i: L_u[i] in T_u} hits_i / (i + 1)) / min(K, |T_u|)
  NDCG@K      = mean_u DCG_u / IDCG_u, DCG_u = sum_{i: L_u[i] in T_u} 1 / log2(i + 2),
                IDCG_u = sum_{i < min(K, |T_u|)} 1 / log2(i + 2)   (Jarvelin and Kekalainen 2002)
"""
import datetime

import numpy as np
import scipy.sparse

from . import _checks


def train_test_split(ratings, train_percentage=0.8, random_state=None):
    """Splits the entries of a CSR matrix at random: (train, test), both CSR of
    the same shape; each entry lands in train with probability train_percentage."""
    _checks.csr_arrays(ratings, "ratings")
    if not 0.0 <= train_percentage <= 1.0:
        raise ValueError(f"train_percentage: expected a number in [0, 1], found {train_percentage}")
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    coo = ratings.tocoo()
    in_train = rng.random(coo.nnz) < train_percentage
    def part(mask):
        return scipy.sparse.csr_matrix((coo.data[mask], (coo.row[mask], coo.col[mask])), shape=ratings.shape)
    return part(in_train), part(~in_train)


def ranking_metrics_at_k(model, train_user_items, test_user_items, K=10, show_progress=False, num_threads=0):
    """{"precision", "map", "ndcg"} at K for `model` (fitted on train_user_items),
    over the members with at least one test item. Raises ValueError when the two
    matrices differ in shape or no member has a test item."""
    _checks.count(K, "K", 1)
    _checks.csr_arrays(train_user_items, "train_user_items")
    _checks.csr_arrays(test_user_items, "test_user_items")
    if train_user_items.shape != test_user_items.shape:
        raise ValueError(f"test_user_items: expected the shape of train_user_items {train_user_items.shape}, "
                         f"found {test_user_items.shape}")
    test = test_user_items.tocsr()
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    if users.size == 0:
        raise ValueError("test_user_items: no member has a test item")
    ids, _ = model.recommend(users, train_user_items[users], N=K, filter_already_liked_items=True)
    discount = 1.0 / np.log2(np.arange(K) + 2.0)
    relevant = total = 0
    ap_sum = ndcg_sum = 0.0
    for row, u in enumerate(users):
        truth = test.indices[test.indptr[u]:test.indptr[u + 1]]
        hits = np.isin(ids[row], truth)
        n_ideal = min(K, truth.size)
        relevant += int(hits.sum())
        total += n_ideal
        if hits.any():
            positions = np.flatnonzero(hits)
            ap_sum += float(np.sum(np.arange(1, positions.size + 1) / (positions + 1))) / n_ideal
            ndcg_sum += float(discount[positions].sum() / discount[:n_ideal].sum())
    return {"precision": relevant / total, "map": ap_sum / users.size, "ndcg": ndcg_sum / users.size}


def precision_at_k(model, train_user_items, test_user_items, K=10, show_progress=False, num_threads=0):
    return ranking_metrics_at_k(model, train_user_items, test_user_items, K)["precision"]


def mean_average_precision_at_k(model, train_user_items, test_user_items, K=10, show_progress=False, num_threads=0):
    return ranking_metrics_at_k(model, train_user_items, test_user_items, K)["map"]


def ndcg_at_k(model, train_user_items, test_user_items, K=10, show_progress=False, num_threads=0):
    return ranking_metrics_at_k(model, train_user_items, test_user_items, K)["ndcg"]


# -- the protocols of `marquee evaluate` --------------------------------------

class Split:
    """An evaluation split made as `marquee evaluate --protocol ...` makes it.

    train: CSR (members x titles) to fit on. target: what each evaluated member
    did next (held out). query: the history each evaluated member is scored
    from (their train row; for strong generalization the held-out members'
    folded-in part). fold_in: True for strong generalization.
    members_evaluated: rows with a target."""

    def __init__(self, native):
        self._native = native
        self.train = _csr(native.train())
        self.query = _csr(native.query())
        self.target = _csr(native.target())
        self.fold_in = native.fold_in
        self.members_evaluated = native.members_evaluated


def _csr(parts):
    indptr, indices, data, shape = parts
    return scipy.sparse.csr_matrix((data, indices, indptr), shape=shape)


def split(dataset, protocol="random-holdout", fraction=0.2, last_n=1, split_date=None, heldout_members=0,
          min_history=2, seed=42):
    """Splits a marquee.data.load_dataset dataset by one of `marquee evaluate`'s
    protocols: "random-holdout" (fraction of each member's titles), "leave-last-out"
    (each member's last_n titles by time), "temporal" (everything from split_date,
    "YYYY-MM-DD" UTC or epoch seconds), "strong" (heldout_members members, 0: 10%,
    folded in). Members with fewer than min_history interactions are not evaluated.
    Raises ValueError naming the bad option, or when the protocol needs times the
    data does not have."""
    if not hasattr(dataset, "_native"):
        raise TypeError(f"dataset: expected a marquee.data.load_dataset dataset (the split needs its times), "
                        f"found {type(dataset).__name__}")
    protocols = ("random-holdout", "leave-last-out", "temporal", "strong", "strong-generalization")
    if protocol not in protocols:
        raise ValueError(f"protocol: expected one of {', '.join(protocols)}, found {protocol!r}")
    if protocol == "strong":
        protocol = "strong-generalization"
    split_time = 0
    if split_date is not None and protocol != "temporal":
        raise ValueError(f"split_date: only the temporal protocol splits by date, not {protocol}")
    if split_date is not None:
        if isinstance(split_date, (str, datetime.date)):
            day = datetime.date.fromisoformat(split_date) if isinstance(split_date, str) else split_date
            split_time = int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp())
        else:
            split_time = _checks.count(split_date, "split_date", 0, 2**62)
    elif protocol == "temporal":
        raise ValueError("split_date: the temporal protocol needs a date (YYYY-MM-DD) or epoch seconds")
    native = dataset._native.split(str(protocol), float(fraction), _checks.count(last_n, "last_n", 1),
                                   split_time, _checks.count(heldout_members, "heldout_members", 0),
                                   _checks.count(min_history, "min_history", 0), _checks.count(seed, "seed", 0, 2**63))
    return Split(native)


def evaluate(model, split, K=(10, 20, 50, 100), num_threads=0):
    """`marquee evaluate`'s metrics of `model` (fitted on split.train) on `split`:
    {"members_evaluated", "mrr", "ndcg@K", "recall@K", "recall_normalized@K",
    "precision@K", "map@K", "hit_rate@K", "coverage@K"} for each K -- the same
    numbers as the CLI for the same split and model (eval/ranking_metrics.h has
    the definitions; recall@K there is hits / |target|, unlike implicit's
    precision_at_k above)."""
    cutoffs = [_checks.count(k, "K", 1, 100_000) for k in ([K] if np.ndim(K) == 0 else K)]
    return dict(model._model.evaluate(split._native, cutoffs, _checks.count(num_threads, "num_threads", 0, 4096)))
