"""Implicit-feedback ALS (Hu, Koren and Volinsky 2008), Marquee's iALS, with
implicit.als.AlternatingLeastSquares's constructor and calls."""
import numpy as np

from ._recommender import RecommenderBase, _FactorMixin


class AlternatingLeastSquares(_FactorMixin, RecommenderBase):
    """Matrix factorization of implicit feedback: confidence c = 1 + alpha * w on
    observed pairs, 1 elsewhere; minimizes sum c (p - x_u . y_i)^2 + regularization
    terms, alternating members and titles.

    Differences from implicit, and the compatible settings (the defaults here):
      regularization_scaling="plain": lambda the same for every row, as implicit.
        Marquee's own default is "frequency" (lambda_u = regularization * W_u^nu,
        Rendle et al. 2021), with which regularization wants values near 0.03.
      confidence="linear": c = 1 + alpha * w, as implicit >= 0.5 ("log" is
        c = 1 + alpha * log(1 + w / epsilon), Hu et al.'s alternative).
      use_cg=True: conjugate gradient steps per row (implicit's default);
        False solves each row exactly (Cholesky).
    dtype, use_native, use_gpu and calculate_training_loss are accepted for
    compatibility: Marquee computes in float32 on the CPU. num_threads=0 uses every
    core. random_state seeds the initial factors (an int, RandomState or Generator).
    """

    _name = "ials"

    def __init__(self, factors=100, regularization=0.01, alpha=1.0, dtype=np.float32, use_native=True, use_cg=True,
                 use_gpu=False, iterations=15, calculate_training_loss=False, num_threads=0, random_state=None,
                 regularization_scaling="plain", confidence="linear"):
        if use_gpu:
            raise ValueError("use_gpu: Marquee trains on the CPU; pass use_gpu=False")
        if np.dtype(dtype) != np.float32:
            raise ValueError(f"dtype: Marquee's factors are float32, found {np.dtype(dtype)}")
        parameters = {"factors": factors, "regularization": regularization, "alpha": alpha,
                      "iterations": iterations, "solver": "cg" if use_cg else "cholesky",
                      "regularization_scaling": regularization_scaling, "confidence": confidence}
        super().__init__(parameters, num_threads, random_state)

    @property
    def factors(self):
        return int(self.parameters["factors"])
