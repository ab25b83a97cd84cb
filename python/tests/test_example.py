"""examples/movielens.py runs end to end on MovieLens when ../shared has it."""
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import CLI, PYTHON_DIR, ROOT

RATINGS = ROOT.parent / "shared" / "data" / "ml-latest-small"


@pytest.mark.skipif(not RATINGS.is_dir(), reason=f"{RATINGS} is absent (MovieLens is not redistributed)")
def test_movielens_example_trains_evaluates_and_plots(tmp_path):
    chart = tmp_path / "ndcg.png"
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "movielens.py"), str(RATINGS), "--out", str(chart),
                          "--cli", CLI], check=True, capture_output=True, text=True, env=env).stdout
    lines = {line.split()[0]: line for line in out.splitlines() if "NDCG@10" in line}
    assert set(lines) == {"iALS", "EASE", "item-kNN", "popularity"}
    ndcg = {name: float(line.split("NDCG@10")[1]) for name, line in lines.items()}
    assert ndcg["EASE"] > ndcg["popularity"] and ndcg["iALS"] > ndcg["popularity"]
    assert chart.stat().st_size > 10_000 and chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
