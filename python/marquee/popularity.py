"""The popularity baseline: every member gets the most played titles."""
from ._recommender import RecommenderBase


class Popularity(RecommenderBase):
    """Scores a title by how many members have it. No parameters."""

    _name = "popularity"

    def __init__(self, num_threads=0, random_state=None):
        super().__init__({}, num_threads, random_state)
