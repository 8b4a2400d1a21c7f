"""Old import path of the attention code, now split by layer (kept so existing code runs).

* :mod:`lowrank_nb.core.softmax`: softmax, attention and random features (primitives);
* :mod:`lowrank_nb.papers.budzinskiy.attention_matrix`: the attention matrix as an
  entrywise low-rank object (Budzinskiy §1.3);
* :mod:`lowrank_nb.papers.views`: Part VI, one attention matrix through all four papers.
"""

from lowrank_nb.core.softmax import (
    attention,
    elu_plus_one,
    gaussian_features,
    linear_attention,
    performer_attention,
    positive_random_features,
    softmax_rows,
    trig_random_features,
)
from lowrank_nb.papers.budzinskiy.attention_matrix import (
    attention_from_matrix,
    attention_transfer_bounds,
    exp_logits,
    trig_softmax_factors,
)
from lowrank_nb.papers.views import (
    ap_eps_rank,
    performer_frobenius_errors,
    performer_self_success,
    performer_spike_model,
    theorem38_exp_rank,
)

__all__ = [
    "ap_eps_rank",
    "attention",
    "attention_from_matrix",
    "attention_transfer_bounds",
    "elu_plus_one",
    "exp_logits",
    "gaussian_features",
    "linear_attention",
    "performer_attention",
    "performer_frobenius_errors",
    "performer_self_success",
    "performer_spike_model",
    "positive_random_features",
    "softmax_rows",
    "theorem38_exp_rank",
    "trig_random_features",
    "trig_softmax_factors",
]
