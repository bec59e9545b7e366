"""Statistics for float-vs-quantized accuracy: Wilson intervals and McNemar's exact test."""

import math
from typing import Tuple


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
