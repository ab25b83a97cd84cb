#!/usr/bin/env python3
"""The Python half of bench/compare_implicit.sh (see its header for the whole procedure).

  compare_implicit.py implicit --matrix DIR --factors F --iterations N --threads T \\
      --regularization L --alpha A --out DIR
      Trains implicit's CPU AlternatingLeastSquares (conjugate gradient) on the matrix that
      ials_bench --save wrote, times it and its batch recommendation over every member, saves
      the factors (members.f32, titles.f32, as ials_bench writes them) and prints two lines:
        s_per_iteration X
        recommend_members_per_second Y

  compare_implicit.py report --work DIR --results FILE --regularization L --alpha A
      Prints the comparison table from the timing lines in FILE and the factors under DIR,
      with both final losses computed here by one formula.

The objective both libraries minimise (Hu, Koren & Volinsky 2008, with Marquee's linear
confidence and plain regularization):

  L = sum_{u,i} c_ui (p_ui - x_u.y_i)^2 + lambda (sum_u ||x_u||^2 + sum_i ||y_i||^2)
  p_ui = 1, c_ui = 1 + alpha max(w_ui, 0) for the plays; p_ui = 0, c_ui = 1 for every other pair

implicit (>= 0.5) reads the matrix values as c_ui itself (its own alpha multiplies them, so it
is left at 1.0) and treats every stored value > 0 as p_ui = 1 with confidence c_ui, every
missing pair as p = 0, c = 1; so it is handed 1 + alpha w for each play: the same L.
"""
import argparse
import os
import statistics
import sys
import time


def load_matrix(directory):
    """The CSR training matrix from ials_bench --save: (members, titles, indptr, indices, weights)."""
    import numpy as np

    with open(os.path.join(directory, "shape.txt")) as f:
        members, titles, nnz = (int(v) for v in f.read().split())
    indptr = np.fromfile(os.path.join(directory, "indptr.u64"), dtype="<u8")
    indices = np.fromfile(os.path.join(directory, "indices.u32"), dtype="<u4")
    weights = np.fromfile(os.path.join(directory, "weights.f32"), dtype="<f4")
    if len(indptr) != members + 1 or len(indices) != nnz or len(weights) != nnz:
        sys.exit(f"{directory}: the arrays do not match shape.txt")
    return members, titles, indptr, indices, weights


def confidences(weights, alpha):
    """c_ui = 1 + alpha max(w, 0): Marquee's linear confidence (IalsRecommender::ExtraConfidence + 1)."""
    import numpy as np

    return (1.0 + alpha * np.maximum(weights.astype(np.float64), 0.0)).astype(np.float32)


def load_factors(directory, rows, factors):
    import numpy as np

    m = np.fromfile(directory, dtype="<f4")
    if m.size != rows * factors:
        sys.exit(f"{directory}: {m.size} floats, expected {rows} x {factors}")
    return m.reshape(rows, factors)


def loss(x, y, indptr, indices, c, regularization):
    """L above, summed in float64. The sum over all pairs of (x.y)^2 is trace(X^T X Y^T Y); the
    plays then replace their (x.y)^2 by c (1 - x.y)^2."""
    import numpy as np

    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    total = float(np.sum((x64.T @ x64) * (y64.T @ y64)))
    total += regularization * (float(np.sum(x64 * x64)) + float(np.sum(y64 * y64)))
    rows = np.repeat(np.arange(x.shape[0]), np.diff(indptr).astype(np.int64))
    chunk = 1 << 20  # plays at a time: bounds the gathered rows to chunk x factors
    for start in range(0, len(indices), chunk):
        end = min(start + chunk, len(indices))
        s = np.einsum("ij,ij->i", x64[rows[start:end]], y64[indices[start:end]])
        cc = c[start:end].astype(np.float64)
        total += float(np.sum(cc * (1.0 - s) ** 2 - s * s))
    return total


def run_implicit(args):
    # implicit runs its own threads; a multi-threaded BLAS under them oversubscribes the cores
    # (implicit warns about it), so the BLAS gets one thread, set before numpy loads it.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    import numpy as np
    import scipy.sparse
    from implicit.cpu.als import AlternatingLeastSquares  # the CPU model, even where a GPU is

    members, titles, indptr, indices, weights = load_matrix(args.matrix)
    user_items = scipy.sparse.csr_matrix(
        (confidences(weights, args.alpha), indices.astype(np.int32), indptr.astype(np.int64)),
        shape=(members, titles))
    model = AlternatingLeastSquares(factors=args.factors, regularization=args.regularization,
                                    alpha=1.0, iterations=args.iterations, use_cg=True,
                                    calculate_training_loss=False, num_threads=args.threads,
                                    random_state=42)
    seconds = []
    model.fit_callback = lambda iteration, elapsed, loss: seconds.append(elapsed)
    model.fit(user_items, show_progress=False)

    userids = np.arange(members)
    start = time.perf_counter()
    model.recommend(userids, user_items[userids], N=20, filter_already_liked_items=True)
    recommend_seconds = time.perf_counter() - start

    os.makedirs(args.out, exist_ok=True)
    np.ascontiguousarray(model.user_factors, dtype="<f4").tofile(os.path.join(args.out, "members.f32"))
    np.ascontiguousarray(model.item_factors, dtype="<f4").tofile(os.path.join(args.out, "titles.f32"))
    print(f"s_per_iteration {statistics.mean(seconds):.6f}")
    print(f"recommend_members_per_second {members / recommend_seconds:.1f}")


def ratio(a, b):
    return a / b if b else float("nan")


def read_results(path):
    """Lines 'library factors round name value' -> {(library, factors, name): [values]}."""
    results = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5:
                continue
            library, factors, _, name, value = parts
            results.setdefault((library, int(factors), name), []).append(float(value))
    return results


def report(args):
    results = read_results(args.results)
    factor_counts = sorted({k[1] for k in results})

    def median(library, factors, name):
        values = results.get((library, factors, name))
        return statistics.median(values) if values else float("nan")

    try:
        import numpy  # noqa: F401  (the losses need it; implicit brings it)
        have_numpy = True
        members, titles, indptr, indices, weights = load_matrix(os.path.join(args.work, "matrix"))
        c = confidences(weights, args.alpha)
    except ImportError:
        have_numpy = False

    def final_loss(library, factors):
        directory = os.path.join(args.work, library, f"f{factors}")
        if not have_numpy or not os.path.exists(os.path.join(directory, "members.f32")):
            return float("nan")
        x = load_factors(os.path.join(directory, "members.f32"), members, factors)
        y = load_factors(os.path.join(directory, "titles.f32"), titles, factors)
        return loss(x, y, indptr, indices, c, args.regularization)

    print("Training: median seconds per iteration over the rounds; final loss of the last round's")
    print("factors, both by the formula in bench/compare_implicit.py")
    print("(Marquee x: how many times faster Marquee is; below 1, implicit is faster)")
    print(f"{'factors':>7} {'Marquee s/it':>12} {'implicit s/it':>13} {'Marquee x':>9} "
          f"{'Marquee loss':>14} {'implicit loss':>14}")
    for f in factor_counts:
        m, i = median("marquee", f, "s_per_iteration"), median("implicit", f, "s_per_iteration")
        print(f"{f:>7} {m:>12.3f} {i:>13.3f} {ratio(i, m):>9.2f} "
              f"{final_loss('marquee', f):>14.6e} {final_loss('implicit', f):>14.6e}")
    print()
    print("Marquee's own loss (ials_bench, same objective), as a check of the formula:")
    for f in factor_counts:
        print(f"  {f} factors: {median('marquee', f, 'own_loss'):.6e}")
    print()
    print("Batch recommendation, every member, k = 20, watched titles excluded: median members/s")
    print("(Marquee: marquee recommend, minus the time of the same command for one member, i.e.")
    print(" without loading the model and dataset; writing the CSV is included)")
    print(f"{'factors':>7} {'Marquee':>12} {'implicit':>12} {'Marquee x':>9}")
    for f in factor_counts:
        m = median("marquee", f, "recommend_members_per_second")
        i = median("implicit", f, "recommend_members_per_second")
        print(f"{f:>7} {m:>12.0f} {i:>12.0f} {ratio(m, i):>9.2f}")
    if not have_numpy:
        print("\n(losses: nan, numpy is not installed)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("implicit")
    p.add_argument("--matrix", required=True)
    p.add_argument("--factors", type=int, required=True)
    p.add_argument("--iterations", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--regularization", type=float, required=True)
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--work", required=True)
    r.add_argument("--results", required=True)
    r.add_argument("--regularization", type=float, required=True)
    r.add_argument("--alpha", type=float, required=True)
    args = parser.parse_args()
    if args.command == "implicit":
        run_implicit(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
