"""Numbers and names as the report writes them (shared by the charts' findings, the headline and the tables)."""

from __future__ import annotations

import math

#: Friendly names of the built-in scenarios, for prose ("the American Equity Fund pays …").
DISPLAY_NAMES = {
    "status-quo": "the status quo",
    "american-equity-fund": "the American Equity Fund",
    "ubi-income-tax": "the income-tax-funded UBI",
    "land-value-tax": "the land value tax",
    "wealth-tax": "the wealth tax",
    "business-as-usual": "business as usual",
    "korinek-suh-2024": "the Korinek & Suh (2024) economy",
    "american-equity-fund-locked": "the American Equity Fund with locked shares",
    "american-equity-fund-politics": "the American Equity Fund under endogenous politics",
}

#: Short labels of the metrics the report tabulates (the long descriptions come from commonwealth.metrics).
METRIC_LABELS = {
    "gdp": "GDP",
    "median_income_real": "Median income before taxes (real)",
    "median_disposable_income_real": "Median income after taxes and transfers (real)",
    "influence_share_top1": "Political influence of the top 1 %",
    "influence_share_bottom50": "Political influence of the poorer half",
    "power_concentration": "Concentration of influence (Gini)",
    "fund_voting_share": "Corporate votes of the fund and the bottom 90 %",
    "public_ownership_share": "Companies owned by government",
    "dividend_per_adult": "Dividend per adult",
    "dividend_per_adult_real": "Dividend per adult (real)",
    "dividend_shares_per_adult": "Fund shares per adult",
    "dividend_cash_per_adult": "Fund cash per adult",
    "wealth_share_top0_1": "Top 0.1 % wealth share",
    "wealth_share_top1": "Top 1 % wealth share",
    "wealth_share_top10": "Top 10 % wealth share",
    "wealth_share_bottom50": "Bottom 50 % wealth share",
    "gini_wealth": "Gini of wealth",
    "gini_income": "Gini of income",
    "billionaires": "Billionaires",
    "trillionaires": "Trillionaires",
    "largest_fortune": "Largest fortune",
    "citizen_ownership_share": "Companies owned by the bottom 90 %",
    "fund_ownership_share": "Companies owned by the fund",
    "labor_share": "Labour share of output",
    "automation_share": "Automation share of tasks",
    "public_debt": "Public debt",
    "public_debt_ratio": "Public debt / GDP",
    "displaced_share": "Adults displaced by automation",
    "cpi": "Consumer prices (CPI)",
    "price_housing": "Housing prices",
    "price_health": "Health-care prices",
    "price_education": "Education prices",
    "price_food": "Food prices",
    "price_other": "Other prices",
}

NBSP = "\u00a0"
MINUS = "\u2212"


def display_name(scenario: str, *, start: bool = False) -> str:
    """A scenario's name for prose; ``start`` capitalises it for the start of a sentence."""
    name = DISPLAY_NAMES.get(scenario, f"“{scenario}”")
    if start and name[:1].isalpha():
        name = name[0].upper() + name[1:]
    return name


def legend_name(scenario: str) -> str:
    """A scenario's name in a chart legend: plain words for the built-ins ("American Equity Fund"), the
    scenario's own name otherwise."""
    name = DISPLAY_NAMES.get(scenario)
    if name is None:
        return scenario
    name = name.removeprefix("the ")
    return name[0].upper() + name[1:]


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric.replace("_", " ").capitalize())


def _sign(x: float) -> str:
    return "+" if x > 0 else (MINUS if x < 0 else "±")


def sig(x: float, digits: int = 3) -> float:
    """``x`` rounded to ``digits`` significant figures (12,516 → 12,500)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, -math.floor(math.log10(abs(x))) + digits - 1)


def pct(share: float, decimals: int = 1) -> str:
    """A share as a percentage: 0.3364 → '33.6 %'."""
    if share is None or not math.isfinite(share):
        return "–"
    return f"{share * 100:.{decimals}f}{NBSP}%".replace("-", MINUS)


def pp(diff: float, decimals: int = 1) -> str:
    """A difference of shares in percentage points: −0.038 → '−3.8 pp'."""
    if diff is None or not math.isfinite(diff):
        return "–"
    return f"{_sign(round(diff * 100, decimals))}{abs(diff) * 100:.{decimals}f}{NBSP}pp"


def usd(x: float, digits: int = 3, *, trim: bool = False) -> str:
    """Dollars, rounded to ``digits`` significant figures, in words from a million: '$12,500', '$40.4 trillion'
    (``trim`` drops trailing zeros: '$1 billion' rather than '$1.00 billion')."""
    if x is None or not math.isfinite(x):
        return "–"
    sign = MINUS if x < 0 else ""
    a = abs(x)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= size:
            number = f"{sig(a / size, digits):,.{_decimals(a / size, digits)}f}"
            if trim and "." in number:
                number = number.rstrip("0").rstrip(".")
            return f"{sign}${number}{NBSP}{word}"
    return f"{sign}${sig(a, digits):,.0f}"


def _decimals(x: float, digits: int) -> int:
    if x == 0:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(sig(x, digits)))))


def usd_diff(x: float, digits: int = 3) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    return _sign(sig(x, digits)) + usd(abs(x), digits)


def count(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    return f"{round(x):,}".replace("-", MINUS)


def count_diff(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    return _sign(round(x)) + f"{abs(round(x)):,}"


def relative(r: float, decimals: int = 1) -> str:
    """A relative change: 0.145 → '+14.5 %'."""
    if r is None or not math.isfinite(r):
        return "–"
    if 0 < abs(r) * 100 < 0.5 * 10 ** -decimals:  # too small for the decimals asked: show two significant figures
        decimals = -math.floor(math.log10(abs(r) * 100)) + 1
    return f"{_sign(round(r * 100, decimals))}{abs(r) * 100:.{decimals}f}{NBSP}%"


def value(x: float, unit: str) -> str:
    """A metric's value by its unit."""
    if unit == "/1":
        return pct(x)
    if unit.startswith("USD"):
        return usd(x)
    if unit == "count":
        return count(x)
    if x is None or not math.isfinite(x):
        return "–"
    return f"{x:,.3f}"


def difference(diff: float, rel: float | None, unit: str) -> str:
    """A difference from the baseline by the metric's unit (percentage points for shares)."""
    if unit == "/1":
        return pp(diff)
    if unit.startswith("USD"):
        text = usd_diff(diff)
        return text if rel is None or not math.isfinite(rel) or diff == 0 else f"{text} ({relative(rel)})"
    if unit == "count":
        return count_diff(diff)
    if diff is None or not math.isfinite(diff):
        return "–"
    return f"{_sign(round(diff, 3))}{abs(diff):,.3f}"
