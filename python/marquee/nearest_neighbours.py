"""Item-based nearest neighbours (cosine with shrinkage), as implicit's
nearest_neighbours recommenders are used."""
from ._recommender import RecommenderBase


class ItemKNN(RecommenderBase):
    """Item-kNN: each title keeps its K most similar titles (cosine of their member
    columns, the denominator shrunk by `shrink`); a member's score for a title is
    the sum of its similarities to the member's titles, weighted."""

    _name = "itemknn"

    def __init__(self, K=100, shrink=10.0, num_threads=0, random_state=None):
        super().__init__({"neighbors": K, "shrink": shrink}, num_threads, random_state)


# implicit's name for the cosine item-item recommender.
CosineRecommender = ItemKNN
