"""Argument checks shared by the package: what implicit's callers pass, made
canonical for the C++ module, with errors that name the argument and say what
was expected."""
import numpy as np
import scipy.sparse


def csr_arrays(user_items, name="user_items", cols=None):
    """(indptr int64, indices int32, data float32, rows, cols) of a CSR matrix.

    Raises TypeError for anything but a scipy.sparse CSR matrix (a dense array,
    another sparse format), ValueError for a non-numeric dtype, non-finite
    values, or a column count other than `cols`."""
    if not scipy.sparse.issparse(user_items):
        raise TypeError(f"{name}: expected a scipy.sparse.csr_matrix (members x titles), "
                        f"found {type(user_items).__name__}")
    if user_items.format != "csr":
        raise TypeError(f"{name}: expected a scipy.sparse.csr_matrix (members x titles), "
                        f"found a {user_items.format} matrix; convert it with .tocsr()")
    if user_items.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D matrix, found {user_items.ndim}-D")
    if not (np.issubdtype(user_items.dtype, np.integer) or np.issubdtype(user_items.dtype, np.floating)
            or user_items.dtype == np.bool_):
        raise ValueError(f"{name}: expected integer or float weights, found dtype {user_items.dtype}")
    rows, ncols = user_items.shape
    if cols is not None and ncols != cols:
        raise ValueError(f"{name}: expected {cols} columns (the model's items), found {ncols}")
    matrix = user_items
    if not matrix.has_canonical_format:
        matrix = matrix.copy()
        matrix.sum_duplicates()  # sorts the indices too
    data = np.ascontiguousarray(matrix.data, dtype=np.float32)
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{name}: expected finite weights, found NaN or infinity")
    if data.size and data.min() < 0:
        raise ValueError(f"{name}: expected weights >= 0 (Marquee has no negative feedback), found {data.min()}")
    return (np.ascontiguousarray(matrix.indptr, dtype=np.int64),
            np.ascontiguousarray(matrix.indices, dtype=np.int32), data, rows, ncols)


def id_array(ids, name):
    """A 1-D int64 array of ids, and whether `ids` was a single id."""
    if isinstance(ids, (bool, np.bool_)):
        raise TypeError(f"{name}: expected an integer id or an array of them, found a bool")
    scalar = np.ndim(ids) == 0
    array = np.atleast_1d(np.asarray(ids))
    if array.ndim != 1:
        raise ValueError(f"{name}: expected an integer id or a 1-D array of them, found shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name}: expected integer ids, found dtype {array.dtype}")
    return np.ascontiguousarray(array, dtype=np.int64), scalar


def item_array(items, name):
    """filter_items / items as int32 ids, or an empty array for None."""
    if items is None:
        return np.zeros(0, dtype=np.int32)
    array = np.atleast_1d(np.asarray(items))
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name}: expected integer item ids, found dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() > np.iinfo(np.int32).max):
        raise ValueError(f"{name}: an item id is outside the model")
    return np.ascontiguousarray(array.ravel(), dtype=np.int32)


def count(value, name, lo=0, hi=2**31 - 1):
    """An integer in [lo, hi] (numpy integers accepted), else TypeError/ValueError naming `name`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an integer, found {type(value).__name__}")
    if not lo <= value <= hi:
        raise ValueError(f"{name}: expected an integer in [{lo}, {hi}], found {value}")
    return int(value)
