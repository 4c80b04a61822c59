"""Confidence intervals for survey shares.

Survey shares are estimated from the respondents of a follow-up survey sent to a known,
finite population (the participants of the surveyed editions). A large part of that
population answered, so the usual binomial interval overstates the uncertainty; the
interval here shrinks it with the finite-population correction.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054  # two-sided 95 % standard normal quantile


def effective_sample_size(n: int, population: int | None) -> float:
    """n' = n (N - 1) / (N - n): the sample size that makes the binomial variance
    p (1 - p) / n' equal to the finite-population variance p (1 - p) / n * (N - n) / (N - 1).

    `population` None means an infinite population (n' = n). Returns inf when n == N.
    """
    if population is None:
        return float(n)
    if n == population:
        return math.inf
    return n * (population - 1) / (population - n)


def wilson_fpc(successes: int, n: int, population: int | None, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval with finite-population correction.

    successes: respondents with the answer (k); n: respondents who answered the item;
    population: size N of the population the respondents were drawn from (None = infinite).

    With p = k / n and the effective sample size n' = n (N - 1) / (N - n) (see
    `effective_sample_size`), the interval is the Wilson score interval computed with n'
    in place of n:

        centre = (p + z^2 / (2 n')) / (1 + z^2 / n')
        half   = z / (1 + z^2 / n') * sqrt(p (1 - p) / n' + z^2 / (4 n'^2))

    When every member of the population answered (n == N) there is no sampling error and
    the interval collapses to the point (p, p). With n == 0 the share is undefined and
    (nan, nan) is returned. The Wilson bounds are exactly 0 when k == 0 and 1 when k == n;
    they are set so (floating-point noise would otherwise give 1e-17).
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if population is not None and n > population:
        raise ValueError(
            f"{n} answers cannot come from a population of {population}: "
            "the population (participants of the surveyed editions) is too small"
        )
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    n_eff = effective_sample_size(n, population)
    if math.isinf(n_eff):
        return (p, p)
    z2 = z * z
    denom = 1 + z2 / n_eff
    centre = (p + z2 / (2 * n_eff)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)
