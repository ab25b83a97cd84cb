"""marquee.evaluation.split / evaluate: the protocols and metrics of
`marquee evaluate`, with the same numbers as the CLI."""
import json
import subprocess

import numpy as np
import pytest

import marquee


def test_the_same_numbers_as_marquee_evaluate(dataset, service, cli, tmp_path):
    out = tmp_path / "eval.json"
    subprocess.run([cli, "evaluate", "--data", str(service), "--model", "ease", "--protocol", "leave-last-out",
                    "--cutoffs", "10,20", "--json", str(out)], check=True, capture_output=True)
    from_cli = json.loads(out.read_text())[0]
    split = marquee.evaluation.split(dataset, "leave-last-out", last_n=1)
    assert split.members_evaluated == from_cli["members_evaluated"]
    assert split.train.nnz + split.target.nnz == dataset.user_items.nnz
    model = marquee.ease.EASE().fit(split.train)
    metrics = marquee.evaluation.evaluate(model, split, K=(10, 20))
    assert metrics["members_evaluated"] == from_cli["members_evaluated"]
    for at in from_cli["metrics"]:
        k = at["k"]
        for name in ("ndcg", "recall", "precision", "map", "hit_rate", "coverage"):
            assert metrics[f"{name}@{k}"] == pytest.approx(at[name], rel=1e-9, abs=1e-12), (name, k)
    assert metrics["mrr"] == pytest.approx(from_cli["mrr"], rel=1e-9)


def test_leave_last_out_holds_out_each_members_latest(dataset):
    split = marquee.evaluation.split(dataset, "leave-last-out", last_n=2, min_history=3)
    counts = np.diff(split.target.indptr)
    assert set(np.unique(counts)) <= {0, 2}
    assert split.members_evaluated == int((counts == 2).sum())


def test_protocol_errors_name_the_option(dataset):
    with pytest.raises(ValueError, match="protocol"):
        marquee.evaluation.split(dataset, "sideways")
    with pytest.raises(ValueError, match="split_date"):
        marquee.evaluation.split(dataset, "temporal")
    with pytest.raises(ValueError, match="fraction"):
        marquee.evaluation.split(dataset, "random-holdout", fraction=1.5)
    split = marquee.evaluation.split(dataset, "random-holdout")
    tiny = marquee.popularity.Popularity().fit(split.train[:, :10])
    with pytest.raises(ValueError, match="fit the model on split.train"):
        marquee.evaluation.evaluate(tiny, split)


def test_evaluate_refuses_a_model_fitted_on_other_data(dataset):
    split = marquee.evaluation.split(dataset, "leave-last-out")
    leaky = marquee.ease.EASE().fit(dataset.user_items)  # learned the held-out plays too
    with pytest.raises(ValueError, match="fitted on other data than split.train"):
        marquee.evaluation.evaluate(leaky, split)
    empty = marquee.evaluation.split(dataset, "leave-last-out", min_history=10**6)
    with pytest.raises(ValueError, match="no member has a held-out"):
        marquee.evaluation.evaluate(marquee.ease.EASE().fit(empty.train), empty)
    with pytest.raises(ValueError, match="split_date: only the temporal"):
        marquee.evaluation.split(dataset, "random-holdout", split_date="2025-01-01")
    with pytest.raises(TypeError, match="load_dataset"):
        marquee.evaluation.split(dataset.user_items, "random-holdout")
