"""EASE (Steck 2019): a closed-form item-item model, B = I - P / diag(P) with
P = (X^T X + lambda I)^-1."""
from ._recommender import RecommenderBase


class EASE(RecommenderBase):
    """EASE with L2 weight `regularization` (Marquee's `lambda`, default 500).
    Memory: a dense titles x titles float matrix. No factors. Learns from which
    entries are nonzero (weights are binarized), as Steck's EASE does."""

    _name = "ease"

    def __init__(self, regularization=500.0, num_threads=0, random_state=None):
        super().__init__({"lambda": regularization}, num_threads, random_state)
