"""Statistics for float-vs-quantized accuracy: Wilson intervals, McNemar's exact test and the paired Top-1 drop with an
interval that agrees with it. The one implementation: TypeScript shows these numbers and computes none of them."""

import math
from typing import Dict, Tuple


def wilson(correct: int, n: int, z: float = 1.959963984540054) -> Tuple[float, float]:
    """95 % Wilson score interval for a proportion, in percent."""
    if n == 0:
        return (0.0, 0.0)
    p = correct / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value on the discordant pairs (b: float-only right, c: quant-only right)."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    # Sum in log space: n can be in the thousands.
    logs = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - n * math.log(2) for i in range(k + 1)]
    m = max(logs)
    tail = math.exp(m) * sum(math.exp(x - m) for x in logs)
    return min(1.0, 2 * tail)


def _binom_tail_le(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space."""
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    logs = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * math.log(p) + (n - i) * math.log1p(-p)
        for i in range(k + 1)
    ]
    m = max(logs)
    return min(1.0, math.exp(m) * sum(math.exp(x - m) for x in logs))


def clopper_pearson(k: int, n: int, alpha: float = 0.05) -> Tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a binomial proportion k/n, by bisection on the binomial tails."""

    def solve(tail, target: float) -> float:  # tail(p) falls as p rises
        lo, hi = 0.0, 1.0
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if tail(mid) > target else (lo, mid)
        return (lo + hi) / 2

    lower = 0.0 if k == 0 else solve(lambda p: _binom_tail_le(k - 1, n, p), 1.0 - alpha / 2)  # P(X >= k) = a/2
    upper = 1.0 if k == n else solve(lambda p: _binom_tail_le(k, n, p), alpha / 2)  # P(X <= k) = a/2
    return (lower, upper)


def paired_drop(b: int, c: int, n: int, alpha: float = 0.05) -> Dict[str, float]:
    """The Top-1 drop, float minus int8 in points (positive: int8 is worse), with a 95 % interval that agrees with the
    exact McNemar test: it excludes 0 exactly when McNemar's p < 0.05. Given the m = b + c flips, b ~ Binomial(m, pi)
    and drop = m (2 pi - 1) / n, so pi's exact interval gives the drop's. With no flips the drop is 0 but not known
    to be: the interval is then +- the exact upper bound of the flip rate (0 flips of n)."""
    if n == 0:
        return {"points": 0.0, "lo": 0.0, "hi": 0.0}
    m = b + c
    if m == 0:
        bound = 100.0 * clopper_pearson(0, n, alpha)[1]
        return {"points": 0.0, "lo": -bound, "hi": bound}
    lo, hi = clopper_pearson(b, m, alpha)
    return {"points": 100.0 * (b - c) / n, "lo": 100.0 * m * (2 * lo - 1) / n, "hi": 100.0 * m * (2 * hi - 1) / n}
