"""RecommenderBase: implicit's RecommenderBase calls (fit, recommend,
similar_items, recalculate_user, save) over one Marquee model."""
import numpy as np

from . import _checks
from ._marquee import Model as _Model


class RecommenderBase:
    """A Marquee recommender with implicit's interface.

    Not provided (implicit has them): similar_users, explain, partial_fit_users,
    GPU models, pickling; parameters are fixed at construction (setting
    model.iterations afterwards has no effect); fit's callback is not called.

    Shapes: user_items is a scipy.sparse.csr_matrix of members (rows, "users")
    x titles (columns, "items"), weights >= 0 (plays, watch fractions, ratings).
    Thread safety: fit must not run concurrently with other calls on the same
    model; recommend and similar_items may (each releases the GIL)."""

    _name = None

    def __init__(self, parameters, num_threads=0, random_state=None):
        self.num_threads = _checks.count(num_threads, "num_threads", 0, 4096)
        self.random_state = random_state
        self._model = _Model(self._name, {k: str(v) for k, v in parameters.items()})

    # -- training ----------------------------------------------------------
    def fit(self, user_items, show_progress=True, callback=None):
        """Trains on user_items (members x titles CSR). Fitting again starts over.
        Raises TypeError for a non-CSR input and ValueError for bad weights."""
        indptr, indices, data, rows, cols = _checks.csr_arrays(user_items)
        self._model.fit(indptr, indices, data, rows, cols, self._seed(), self.num_threads)
        return self

    def _seed(self):
        # None is a fixed seed (42), so that a fit is reproducible by default.
        if self.random_state is None:
            return 42
        if isinstance(self.random_state, np.random.RandomState):
            return int(self.random_state.randint(0, 2**31 - 1))
        if isinstance(self.random_state, np.random.Generator):
            return int(self.random_state.integers(0, 2**31 - 1))
        return _checks.count(self.random_state, "random_state", 0, 2**64 - 1)

    # -- answers -----------------------------------------------------------
    def recommend(self, userid, user_items, N=10, filter_already_liked_items=True, filter_items=None,
                  recalculate_user=False, items=None):
        """The N best items for userid (an int, or a 1-D array for a batch).

        user_items: the users' rows, user_items[userid] (one row per id; the
        full matrix is accepted too). With recalculate_user=True the rows are
        folded in, so a userid need not be a trained member.
        Returns (ids int32, scores float32): shape (n,) for one user, (len(userid), n)
        for a batch, n = min(N, items); where fewer than n items qualify, ids are -1
        and scores -inf. As implicit, row i of user_items is userid[i]'s; the full
        matrix is accepted only when its row count differs from len(userid).
        filter_items: item ids never returned; items: only these are returned.
        Raises ValueError for an unknown userid or an item id outside the model."""
        self._require_fitted()
        users, scalar = _checks.id_array(userid, "userid")
        indptr, indices, data, rows, _ = _checks.csr_arrays(user_items, "user_items", self._model.title_count)
        if rows != len(users):
            if rows == self._model.member_count:
                indptr, indices, data, rows, _ = _checks.csr_arrays(user_items[users], "user_items")
            else:
                raise ValueError(f"user_items: expected one row per userid ({len(users)}), found {rows} rows; "
                                 "pass user_items[userid]")
        exclude = self._exclusions(filter_items, items)
        N = _checks.count(N, "N", -2**31, 2**31 - 1)
        ids, scores = self._model.recommend(users, indptr, indices, data, N, bool(filter_already_liked_items),
                                            exclude, bool(recalculate_user), self.num_threads)
        return (ids[0], scores[0]) if scalar else (ids, scores)

    def similar_items(self, itemid, N=10, recalculate_item=False, item_users=None, filter_items=None, items=None):
        """The N items most similar to itemid (an int or a 1-D array), the item itself
        first as in implicit (with its own score: 1 for the cosine models, 0 for EASE),
        unless filter_items or items leave it out.
        Returns (ids, scores) as recommend does. recalculate_item is not supported."""
        self._require_fitted()
        if recalculate_item:
            raise NotImplementedError("recalculate_item: Marquee computes similarity from trained items only")
        ids_in, scalar = _checks.id_array(itemid, "itemid")
        exclude = self._exclusions(filter_items, items)
        N = _checks.count(N, "N", -2**31, 2**31 - 1)
        ids, scores = self._model.similar_items(ids_in, N, exclude, self.num_threads)
        return (ids[0], scores[0]) if scalar else (ids, scores)

    def _exclusions(self, filter_items, items):
        exclude = _checks.item_array(filter_items, "filter_items")
        if items is not None:
            keep = _checks.item_array(items, "items")
            if keep.size and (keep.min() < 0 or keep.max() >= self._model.title_count):
                raise ValueError("items: an item id is outside the model")
            rest = np.setdiff1d(np.arange(self._model.title_count, dtype=np.int32), keep, assume_unique=False)
            exclude = np.union1d(exclude, rest).astype(np.int32)
        return exclude

    def _require_fitted(self):
        if not self._model.fitted:
            raise ValueError("the model is not fitted: call fit(user_items) first")

    # -- files -------------------------------------------------------------
    def save(self, path, dataset=None):
        """Writes a Marquee model directory at path (created; replaced atomically).
        With dataset (marquee.data.load_dataset's), the model carries that
        dataset's member and title ids, so `marquee serve --data FILE --model path`
        serves it; without, the ids are the row and column numbers."""
        self._require_fitted()
        self._model.save(str(path), None if dataset is None else dataset._native)

    # -- facts -------------------------------------------------------------
    @property
    def version(self):
        """The model's version string (what `marquee serve` reports)."""
        return self._model.version

    @property
    def parameters(self):
        """Every parameter in effect, as Marquee names them (strings)."""
        return dict(self._model.parameters)

    def __repr__(self):
        state = f"{self._model.member_count} users x {self._model.title_count} items" if self._model.fitted else "not fitted"
        return f"{type(self).__name__}({self._name}, {state})"


class _FactorMixin:
    """user_factors / item_factors and recalculate_user for factor models."""

    @property
    def user_factors(self):
        """Read-only numpy VIEW (members x factors, float32) of the model's member
        factors, valid while the model lives; None before fit. Copy it to modify."""
        return self._model.user_factors()

    @property
    def item_factors(self):
        """Read-only numpy VIEW (titles x factors, float32) of the title factors."""
        return self._model.item_factors()

    def recalculate_user(self, userid, user_items):
        """The factor vector user_items folds into (one row per userid; 1-D for one id)."""
        self._require_fitted()
        users, scalar = _checks.id_array(userid, "userid")
        indptr, indices, data, rows, _ = _checks.csr_arrays(user_items, "user_items", self._model.title_count)
        if rows != len(users):
            raise ValueError(f"user_items: expected one row per userid ({len(users)}), found {rows}")
        out = np.stack([self._model.fold_in(indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]])
                        for i in range(rows)]) if rows else np.zeros((0, 0), dtype=np.float32)
        return out[0] if scalar else out


def load(path):
    """The model in a Marquee model directory (from Python or `marquee train`), as
    the package's class for its kind. Raises FileNotFoundError for a missing
    directory, ValueError for a damaged or unknown file."""
    from . import als, ease, nearest_neighbours, popularity  # the classes, by kind
    native = _Model.load(str(path))
    classes = {"ials": als.AlternatingLeastSquares, "ease": ease.EASE, "itemknn": nearest_neighbours.ItemKNN,
               "popularity": popularity.Popularity}
    cls = classes.get(native.name)
    if cls is None:
        raise ValueError(f"{path}: a {native.name} model, which the Python package does not wrap")
    model = cls.__new__(cls)
    model.num_threads = 0
    model.random_state = None
    model._model = native
    return model
