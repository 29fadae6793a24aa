"""US calibration: map the model's units to base-year dollars.

The labour force is normalised to L = 1 and land to M = 1. Given the automation share Φ_0 and σ, the
capital stock K_0 (model units) is the one at which labour's share of output matches the data
(Korinek & Suh 2024 chose K_0 = 4.6 the same way for a 66 % share); output Y_0 follows from the
capital–output ratio, TFP A from Y_0 = A X_0^α, and one model unit of output is worth
GDP / Y_0 dollars. The targets and their sources are parameters under ``calibration.*``.

Solving the region-1 labour share s_X = (1−Φ)^{1/σ} / (K^{(σ−1)/σ} Φ^{1/σ} + (1−Φ)^{1/σ}) for K:
K = [(1−Φ)^{1/σ} (1 − s_X) / (s_X Φ^{1/σ})]^{σ/(σ−1)}, with s_X = s_L / α the share within the task
composite (land takes 1 − α of output).
"""

from __future__ import annotations

from dataclasses import dataclass

from commonwealth.errors import UserError
from commonwealth.parameters import ParameterSet
from commonwealth.production import factor_prices
from commonwealth.sources import bea_industries


@dataclass(frozen=True)
class MacroCalibration:
    """Model constants implied by the calibration targets."""

    capital0: float  # K_0, model units (L = 1)
    tfp: float  # A
    alpha: float  # share of the task composite, 1 − land share
    usd_per_unit: float  # dollars per model unit of output (or capital)
    gdp: float  # target GDP, USD/year
    labor_share: float
    capital_output_ratio: float
    land_share: float


def calibrate(
    *, phi0: float, sigma: float, labor_share: float, capital_output_ratio: float,
    land_share: float, gdp: float,
) -> MacroCalibration:
    """Solve for K_0, A and the dollar scale from the targets (all shares as fractions)."""
    alpha = 1.0 - land_share
    s_x = labor_share / alpha
    if not 0.0 < s_x < 1.0:
        raise UserError(
            f"calibration: labour share {labor_share:g} with land share {land_share:g} leaves "
            f"capital a share of {alpha - labor_share:g}; allowed: labour share below 1 − land share."
        )
    e = (sigma - 1.0) / sigma
    inv = 1.0 / sigma
    capital0 = ((1.0 - phi0) ** inv * (1.0 - s_x) / (s_x * phi0**inv)) ** (1.0 / e)
    if capital0 * (1.0 - phi0) <= phi0:
        raise UserError(
            f"calibration: with automation share {phi0:g} and labour share {labor_share:g} the "
            "economy would start with labour not scarce (region 2); allowed: a lower automation "
            "share or a lower labour share."
        )
    output0 = capital0 / capital_output_ratio
    x0 = float(factor_prices(capital0, 1.0, phi0, tfp=1.0, sigma=sigma, alpha=1.0).output)
    tfp = output0 / x0**alpha
    return MacroCalibration(
        capital0=capital0, tfp=tfp, alpha=alpha, usd_per_unit=gdp / output0, gdp=gdp,
        labor_share=labor_share, capital_output_ratio=capital_output_ratio, land_share=land_share,
    )


def calibrate_us(params: ParameterSet, year: int) -> MacroCalibration:
    """The US calibration from the ``calibration.*``, ``production.*`` and Φ_0 parameters."""
    return calibrate(
        phi0=params("technology.automation_share_base", year),
        sigma=params("production.sigma", year),
        labor_share=params("calibration.labor_share", year),
        capital_output_ratio=params("calibration.capital_output_ratio", year),
        land_share=params("production.land_share", year),
        gdp=params("calibration.gdp", year),
    )


def bea_factor_income_labour_share() -> float:
    """Compensation / (compensation + gross operating surplus), all industries, from the BEA table."""
    bea = bea_industries()
    total = bea[bea["industry"] == "All industries"]
    if total.empty:
        raise RuntimeError("bea-labour-share-by-industry-2023.csv: no 'All industries' row")
    ce, gos = float(total["CE/VA_2023"].iloc[0]), float(total["GOS/VA_2023"].iloc[0])
    return ce / (ce + gos)
