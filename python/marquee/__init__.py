"""Marquee from Python (issue 16): the same C++ library that `marquee` runs, with
implicit's call shapes, so that code written for implicit runs with the import
changed::

    import marquee
    model = marquee.als.AlternatingLeastSquares(factors=64, regularization=0.05, alpha=2.0)
    model.fit(user_items)                       # scipy.sparse.csr_matrix, members x titles
    ids, scores = model.recommend(0, user_items[0], N=10)
    model.save("model_dir")                     # a Marquee model directory: `marquee serve` serves it

Modules: als (AlternatingLeastSquares), ease (EASE), nearest_neighbours (ItemKNN),
popularity (Popularity), data (load_dataset), evaluation (train_test_split, ndcg_at_k, ...).
`marquee.load(path)` reads any model directory written by Python or by `marquee train`.
"""
from . import als, data, ease, evaluation, nearest_neighbours, ope, popularity
from ._recommender import RecommenderBase, load

__all__ = ["als", "data", "ease", "evaluation", "nearest_neighbours", "ope", "popularity", "RecommenderBase", "load"]
