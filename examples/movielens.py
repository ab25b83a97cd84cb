"""Marquee from Python on MovieLens, notebook style: load, split, train three
models, evaluate them at K, and plot NDCG@K against K.

    python3 examples/movielens.py [RATINGS_DIR] [--out chart.png]

RATINGS_DIR defaults to ../shared/data/ml-latest-small beside the repository
(MovieLens is not redistributed with Marquee). The dataset is imported with the
real CLI (`marquee import`, ratings >= 4 kept as positives by the models'
weights), then everything else runs in Python.
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

import matplotlib
matplotlib.use("Agg")  # files, not windows
import matplotlib.pyplot as plt
import numpy as np

import marquee

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ratings", nargs="?", default=str(ROOT.parent / "shared/data/ml-latest-small"))
    parser.add_argument("--out", default="movielens_ndcg.png")
    parser.add_argument("--cli", default=str(ROOT / "build/marquee"))
    args = parser.parse_args()
    if not pathlib.Path(args.ratings).is_dir():
        sys.exit(f"{args.ratings}: no MovieLens directory here (pass the ml-latest-small folder)")

    with tempfile.TemporaryDirectory() as tmp:
        data_path = pathlib.Path(tmp) / "ml.mqd"
        subprocess.run([args.cli, "import", "--format", "movielens", "--skip-invalid", "--out", str(data_path),
                        args.ratings], check=True, capture_output=True)
        dataset = marquee.data.load_dataset(data_path)
    print(dataset)

    # Ratings of 4 and above are what a member liked.
    liked = dataset.user_items.copy()
    liked.data = (liked.data >= 4).astype(np.float32)
    liked.eliminate_zeros()
    train, test = marquee.evaluation.train_test_split(liked, 0.8, random_state=0)

    models = {
        "iALS": marquee.als.AlternatingLeastSquares(factors=64, regularization=20.0, alpha=10.0, iterations=15,
                                                   random_state=0),
        "EASE": marquee.ease.EASE(regularization=200.0),
        "item-kNN": marquee.nearest_neighbours.ItemKNN(K=100),
        "popularity": marquee.popularity.Popularity(),
    }
    cutoffs = [1, 5, 10, 20, 50]
    curves = {}
    for name, model in models.items():
        model.fit(train)
        curves[name] = [marquee.evaluation.ndcg_at_k(model, train, test, K=k) for k in cutoffs]
        metrics = marquee.evaluation.ranking_metrics_at_k(model, train, test, K=10)
        print(f"{name:10s} precision@10 {metrics['precision']:.4f}  MAP@10 {metrics['map']:.4f}  "
              f"NDCG@10 {metrics['ndcg']:.4f}")

    # What the best model recommends for one member, by title name.
    ids, _ = models["EASE"].recommend(0, train[0], N=5)
    print("EASE for member", dataset.member_ids[0], "->", "; ".join(dataset.title_names[ids]))

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, values in curves.items():
        ax.plot(cutoffs, values, marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("K")
    ax.set_ylabel("NDCG@K")
    ax.set_title("MovieLens latest-small, 20% of liked ratings held out")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
