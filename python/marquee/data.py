"""Marquee dataset files (.mqd, from `marquee import` or `marquee generate`) as
scipy and numpy."""
import numpy as np
import scipy.sparse

from ._marquee import Dataset as _Dataset


class MarqueeDataset:
    """A loaded dataset.

    user_items: scipy.sparse.csr_matrix (members x titles, float32 weights:
      ratings, plays or watch fractions as the file says), a copy.
    member_ids, title_ids: numpy arrays of str; index i is row/column i.
    title_names: numpy array of str. source: where the data came from."""

    def __init__(self, native):
        self._native = native
        indptr, indices, data, shape = native.csr()
        self.user_items = scipy.sparse.csr_matrix((data, indices, indptr), shape=shape)
        self.member_ids = np.array(native.member_ids, dtype=object)
        self.title_ids = np.array(native.title_ids, dtype=object)
        self.title_names = np.array(native.title_names, dtype=object)
        self.source = native.source

    def __repr__(self):
        m, t = self.user_items.shape
        return f"MarqueeDataset({m} members x {t} titles, {self.user_items.nnz} interactions; {self.source})"


def load_dataset(path):
    """Reads a .mqd file. Raises FileNotFoundError for a missing file and
    ValueError (with the file's name) for one that is damaged or not a dataset."""
    return MarqueeDataset(_Dataset(str(path)))
