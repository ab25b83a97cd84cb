"""The Python package against independent answers: numpy's products of the
factors it exposes, the real CLI's `recommend`, a real `marquee serve`, and
implicit's documented quick start with only the import changed."""
import json
import subprocess
import threading
import time
import urllib.request

import numpy as np
import pytest
import scipy.sparse

import marquee
from conftest import start_server


@pytest.fixture(scope="module")
def als(dataset):
    model = marquee.als.AlternatingLeastSquares(factors=16, iterations=8, regularization=5.0, random_state=7)
    return model.fit(dataset.user_items)


def test_recommend_is_the_argmax_of_the_factor_products(als, dataset):
    ui = dataset.user_items
    scores_all = als.user_factors @ als.item_factors.T  # numpy, independent of the C++ ranking
    for user in (0, 5, 99):
        ids, scores = als.recommend(user, ui[user], N=10)
        assert ids.shape == (10,) and scores.dtype == np.float32
        liked = set(ui[user].indices)
        assert not liked & set(ids.tolist())
        expected = scores_all[user].copy()
        expected[list(liked)] = -np.inf
        top = np.argsort(-expected, kind="stable")[:10]
        np.testing.assert_allclose(scores, expected[top], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(scores, scores_all[user, ids], rtol=1e-4, atol=1e-5)


def test_batch_equals_single_calls_and_filters_apply(als, dataset):
    ui = dataset.user_items
    users = np.array([3, 1, 4, 1, 5])
    ids, scores = als.recommend(users, ui[users], N=7)
    assert ids.shape == (5, 7)
    for row, user in enumerate(users):
        one_ids, one_scores = als.recommend(int(user), ui[user], N=7)
        np.testing.assert_array_equal(ids[row], one_ids)
    # The full matrix is accepted too, and filter_items / items restrict the answer.
    full_ids, _ = als.recommend(users, ui, N=7)
    np.testing.assert_array_equal(full_ids, ids)
    banned = ids[0, :3]
    filtered, _ = als.recommend(3, ui[3], N=7, filter_items=banned)
    assert not set(banned) & set(filtered.tolist())
    only, _ = als.recommend(3, ui[3], N=50, items=[10, 11, 12], filter_already_liked_items=False)
    assert set(only[only >= 0].tolist()) <= {10, 11, 12} and (only == -1).sum() == 47


def test_recalculate_user_folds_in_like_the_scores_say(als, dataset):
    ui = dataset.user_items
    history = ui[42]
    vector = als.recalculate_user(42, history)
    assert vector.shape == (als.factors,)
    ids, scores = als.recommend(42, history, N=5, recalculate_user=True)
    np.testing.assert_allclose(scores, (als.item_factors @ vector)[ids], rtol=1e-4, atol=1e-5)
    # A user the model never saw, by fold-in.
    new_user = scipy.sparse.csr_matrix(([1.0, 1.0], ([0, 0], [ids[0], ids[1]])), shape=(1, ui.shape[1]))
    new_ids, _ = als.recommend(10**6, new_user, N=5, recalculate_user=True)
    assert new_ids.shape == (5,)


def test_similar_items_start_with_the_item_and_are_cosines(als):
    ids, scores = als.similar_items(17, N=5)
    assert ids[0] == 17 and scores[0] == pytest.approx(1.0, abs=1e-4)
    y = als.item_factors
    cos = (y @ y[17]) / (np.linalg.norm(y, axis=1) * np.linalg.norm(y[17]))
    np.testing.assert_allclose(scores, cos[ids], rtol=1e-4, atol=1e-5)
    batch, _ = als.similar_items([17, 3], N=5)
    np.testing.assert_array_equal(batch[0], ids)


def test_factors_are_read_only_views(als, dataset):
    assert als.user_factors.shape == (dataset.user_items.shape[0], als.factors)
    assert als.item_factors.shape == (dataset.user_items.shape[1], als.factors)
    with pytest.raises(ValueError):
        als.item_factors[0, 0] = 1.0
    assert als.item_factors.base is not None  # a view of the model's memory, not a copy


def test_save_load_and_the_cli_give_the_same_top_k(als, dataset, service, cli, tmp_path):
    model_dir = tmp_path / "py-model"
    als.save(model_dir, dataset=dataset)
    loaded = marquee.load(model_dir)
    assert isinstance(loaded, marquee.als.AlternatingLeastSquares)
    ui = dataset.user_items
    for user in (0, 7):
        np.testing.assert_array_equal(loaded.recommend(user, ui[user], N=10)[0], als.recommend(user, ui[user], N=10)[0])
    members = tmp_path / "members.txt"
    members.write_text("\n".join(dataset.member_ids[[0, 7, 250]]) + "\n")
    out = subprocess.run([cli, "recommend", "--data", str(service), "--model", str(model_dir), "--k", "10",
                          "--members", str(members)], check=True, capture_output=True, text=True).stdout
    cli_top = {}
    for line in out.strip().splitlines()[1:]:
        member, rank, title, _ = line.split(",")
        cli_top.setdefault(member, []).append(title)
    for user in (0, 7, 250):
        py_ids, _ = als.recommend(user, ui[user], N=10)
        assert cli_top[dataset.member_ids[user]] == list(dataset.title_ids[py_ids])


def test_a_model_trained_by_the_cli_loads_in_python(service, cli, dataset, tmp_path):
    model_dir = tmp_path / "cli-ease"
    subprocess.run([cli, "train", "--model", "ease", "--data", str(service), "--out", str(model_dir)], check=True,
                   capture_output=True)
    ease = marquee.load(model_dir)
    assert isinstance(ease, marquee.ease.EASE)
    ids, scores = ease.recommend(0, dataset.user_items[0], N=5)
    assert ids.shape == (5,) and np.all(np.diff(scores) <= 0)


def test_a_model_saved_in_python_is_served_by_marquee_serve(als, dataset, service, cli, tmp_path):
    model_dir = tmp_path / "served"
    als.save(model_dir, dataset=dataset)
    server, address = start_server(service, model_dir, tmp_path / "ev.db", "--artwork-policy", "none")
    try:
        member = dataset.member_ids[12]
        with urllib.request.urlopen(f"{address}/v1/members/{member}/recommendations?k=5") as reply:
            served = json.load(reply)
        py_ids, _ = als.recommend(12, dataset.user_items[12], N=5)
        assert [r["title"] for r in served["recommendations"]] == list(dataset.title_ids[py_ids])
        assert served["model_version"] == als.version
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_implicit_quick_start_runs_with_the_import_changed(dataset):
    # implicit's README quick start, verbatim but for the import line.
    import marquee as implicit
    user_item_data = dataset.user_items
    userid, itemid = 0, 0

    # initialize a model
    model = implicit.als.AlternatingLeastSquares(factors=50)

    # train the model on a sparse matrix of user/item/confidence weights
    model.fit(user_item_data)

    # recommend items for a user
    recommendations = model.recommend(userid, user_item_data[userid])

    # find related items
    related = model.similar_items(itemid)
    assert recommendations[0].shape == (10,) and related[0][0] == itemid


def test_ease_and_itemknn_recommend_and_evaluate(dataset):
    train, test = marquee.evaluation.train_test_split(dataset.user_items, 0.8, random_state=1)
    assert train.nnz + test.nnz == dataset.user_items.nnz
    results = {}
    for model in (marquee.ease.EASE(regularization=200.0), marquee.nearest_neighbours.ItemKNN(K=50),
                  marquee.popularity.Popularity()):
        model.fit(train)
        results[type(model).__name__] = marquee.evaluation.ndcg_at_k(model, train, test, K=10)
    assert all(0.0 < v < 1.0 for v in results.values())
    # Personalized models beat the popularity baseline on the synthetic service.
    assert results["EASE"] > results["Popularity"] and results["ItemKNN"] > results["Popularity"]


def test_ndcg_matches_a_hand_computation():
    # 1 user, 4 items; the model ranks item 3, then 2, then 1 (popularity of the
    # training columns); test items {1, 2}: hits at positions 1 and 2 (0-based).
    train = scipy.sparse.csr_matrix(np.array([[1, 0, 0, 0], [0, 0, 1, 1], [0, 1, 1, 1], [0, 0, 0, 1]],
                                             dtype=np.float32))
    test = scipy.sparse.csr_matrix(np.array([[0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
                                            dtype=np.float32))
    model = marquee.popularity.Popularity().fit(train)
    ids, _ = model.recommend(0, train[0], N=3)
    assert list(ids) == [3, 2, 1]
    dcg = 1 / np.log2(3) + 1 / np.log2(4)
    idcg = 1 + 1 / np.log2(3)
    assert marquee.evaluation.ndcg_at_k(model, train, test, K=3) == pytest.approx(dcg / idcg)
    assert marquee.evaluation.precision_at_k(model, train, test, K=3) == pytest.approx(2 / 2)


def test_fit_releases_the_gil(dataset):
    model = marquee.als.AlternatingLeastSquares(factors=32, iterations=15, num_threads=1)
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.001)
    t = threading.Thread(target=tick)
    t.start()
    model.fit(dataset.user_items)
    done.set()
    t.join()
    assert len(ticks) > 5  # the ticker ran while C++ trained


@pytest.mark.parametrize("bad, error, text", [
    (np.ones((3, 300)), TypeError, "expected a scipy.sparse.csr_matrix"),
    (scipy.sparse.coo_matrix(np.ones((3, 300))), TypeError, "convert it with .tocsr()"),
    (scipy.sparse.csr_matrix(np.ones((3, 300), dtype=np.complex64)), ValueError, "dtype complex64"),
    (scipy.sparse.csr_matrix(np.full((3, 300), np.nan, dtype=np.float32)), ValueError, "finite"),
])
def test_bad_inputs_are_clear_errors(bad, error, text):
    with pytest.raises(error, match=text.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        marquee.als.AlternatingLeastSquares(factors=4).fit(bad)


def test_bad_calls_are_clear_errors(als, dataset, tmp_path):
    ui = dataset.user_items
    with pytest.raises(ValueError, match="userid 99999 is not a member"):
        als.recommend(99999, ui[0], N=5)
    with pytest.raises(ValueError, match="expected 300 columns"):
        als.recommend(0, scipy.sparse.csr_matrix((1, 10), dtype=np.float32), N=5)
    with pytest.raises(ValueError, match="itemid 5000 is not an item"):
        als.similar_items(5000)
    with pytest.raises(TypeError, match="integer ids"):
        als.recommend(np.array([0.5]), ui[0], N=5)
    with pytest.raises(ValueError, match="factors"):
        marquee.als.AlternatingLeastSquares(factors=0)
    with pytest.raises(ValueError, match="not fitted"):
        marquee.ease.EASE().recommend(0, ui[0])
    with pytest.raises(FileNotFoundError):
        marquee.load(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError):
        marquee.data.load_dataset(tmp_path / "nowhere.mqd")


def test_a_factor_view_outlives_a_refit(dataset):
    model = marquee.als.AlternatingLeastSquares(factors=32, iterations=3, random_state=1).fit(dataset.user_items)
    view = model.user_factors
    before = view.copy()
    model.fit(dataset.user_items[:10])  # the old factors belong to the view now
    np.testing.assert_array_equal(view, before)
    assert model.user_factors.shape == (10, 32)


@pytest.mark.parametrize("make", [lambda: marquee.nearest_neighbours.ItemKNN(K=20),
                                  lambda: marquee.ease.EASE(regularization=100.0)])
def test_similar_items_start_with_the_item_for_every_model(dataset, make):
    model = make().fit(dataset.user_items)
    ids, scores = model.similar_items(7, N=4)
    assert ids[0] == 7 and 7 not in ids[1:].tolist()
    assert np.all(np.diff(scores[1:]) <= 0)
    without, _ = model.similar_items(7, N=4, filter_items=[7])
    assert 7 not in without.tolist()


def test_out_of_range_arguments_are_named():
    train = scipy.sparse.csr_matrix(np.eye(4, dtype=np.float32))
    model = marquee.popularity.Popularity().fit(train)
    with pytest.raises(ValueError, match="filter_items"):
        model.recommend(0, train[0], filter_items=[2**32 + 2])
    with pytest.raises(ValueError, match="K: expected an integer"):
        marquee.evaluation.ndcg_at_k(model, train, train, K=0)
    with pytest.raises(TypeError, match="num_threads"):
        marquee.popularity.Popularity(num_threads=1.5)
    with pytest.raises(ValueError, match="weights >= 0"):
        marquee.popularity.Popularity().fit(scipy.sparse.csr_matrix(-np.eye(3, dtype=np.float32)))
