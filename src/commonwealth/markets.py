"""Markets: what companies and land are worth each year, and who owns them.

Every non-land asset is a claim on the capital stock K (base-year dollars at replacement cost):
owner-occupied structures and net bonds (bonds less household debt) earn the net return
r = R − δ; corporate equity is the residual claim on the rest, its *book* capital
B = K − structures − net bonds, and earns equity income E = r·B. So household capital income plus
foreigners' equity income is exactly rK, and with land rent the whole of capital's and land's share.

*Market values* capitalise each firm's equity income at the current return on capital, scaled by
the base year's ratio of market to book value q_0 = V_0/B_0 (derived, not assumed):
V_j = q_0·E_j/r. A firm earning the normal return is worth q_0 times its book capital; rents above
the normal return are capitalised as a perpetuity at r. So the market as a whole is worth q_0·B —
values follow the capital actually accumulated, not a jump in sentiment — while AI rents move value
towards the firms that capture them. AI moves income from labour to capital; the part of equity
income above its base-year share of GDP is the **AI surplus**, and a share κ of it
(``assets.ai_rent_capture``) accrues to firms in proportion to AI exposure × base value, as rents:
E_j = (1 − ρ)·E·B_j/ΣB + ρ·E·a_j with ρ = κ·max(0, 1 − (E_0/Y_0)/(E/Y)). Rents redistribute equity
income among firms; they never create it.

Firms retain a share of equity income (``assets.retention_ratio``) and invest it: book capital
and value rise together and nobody is diluted — which is how founders' stakes grow. New saving
invested in the index buys new shares of every firm pro rata to the index's holdings,
at the pre-money value; foreigners buy their own share of each issue so their fraction is unchanged;
concentrated holders (founders) and the fund are diluted. Net sales (households dissaving) are
buybacks of the households' own shares: foreigners keep theirs (their fraction rises), so a sale never
takes more capital out of a firm than households held in it. Issuance leaves every existing holder's
value unchanged and ownership rows summing to one.

Land is one asset with one rent and one price per unit (1 unit = $1 at the base year), whoever owns it:
households (housing and other land), corporations (inside firm values) and governments. Production's
land rent (1 − α)·Y is paid per unit to every owner — the corporate share is part of firm income, net of
the property tax and any land tax the firms pay, and is capitalised in firm values, so corporate land is
counted once. The price is V_L = rent / (i − g_e + τ_land + τ_p) with a land buyer's required return
i = r_safe + π_L + η·(g_e − g_0) (never below r_safe): the safe rate plus a land premium, moving with
expected growth by the Ramsey rule (η = ``saving.eta``; with η > 1 faster expected growth lowers
price/rent, so extrapolation cannot make land's price infinite, and the floor keeps it finite when
expected rents fall) — not the return on capital r, which rises with automation without
any change in land's risk. Buyers expect rents to keep growing at their average log growth over the past
``assets.land_rent_expectation_years`` years (extrapolative expectations); before the base year that
growth is the baseline's balanced growth g_0 (:func:`balanced_growth`), and the premium
π_L = y_0 + g_0 − τ_p − r_safe,0 is what makes the base-year price the calibrated value (y_0 = rent/value).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from commonwealth.assets import Firms, land_value
from commonwealth.errors import ModelError, UserError
from commonwealth.labs import RentForecast
from commonwealth.sums import dot


def balanced_growth(tfp_growth: float, labour_growth: float, labour_share: float, land_share: float) -> float:
    """Growth of output and land rent on the balanced path with no further automation, per year.

    With Y = A·X^α·M^{1−α}, X constant-returns in K and L, land fixed and K/Y constant:
    g = (g_A + λ·n) / (1 − κ), κ = α − λ the capital share, so 1 − κ = λ + (1 − α)
    (``production.tfp_growth`` notes). Land rent is (1 − α)·Y and grows with Y.
    """
    return (tfp_growth + labour_share * labour_growth) / (labour_share + land_share)


@dataclass(frozen=True)
class LabIndustry:
    """The frontier labs' part of the market (:mod:`commonwealth.labs`): their share θ of the AI surplus,
    each firm's share of the labs' rents, the rent forecast and the market's calibrated confidence β in it."""

    lab_share: float  # θ = 2/(1/HHI + 2)
    lab_weight: NDArray[np.float64]  # per firm, sums to 1
    lab_rows: NDArray[np.bool_]  # the labs' own rows
    paid_in: NDArray[np.float64]  # per firm, USD: capital paid in to each lab's own row (0 elsewhere)
    forecast: RentForecast
    belief: float = 0.0  # β, set by Market.from_base

    def rent_weights(self, fine_tuner_weight: NDArray[np.float64], kappa: float) -> NDArray[np.float64]:
        """Each firm's share of the AI surplus as rent: θ·lab_weight + κ(1 − θ)·fine_tuner_weight."""
        return self.lab_share * self.lab_weight + kappa * (1.0 - self.lab_share) * fine_tuner_weight


@dataclass
class Market:
    """Year-to-year state of firms, the index and land (mutated in place by the engine)."""

    firms: Firms
    book: NDArray[np.float64]  # equity book capital per firm, USD
    rent_weight: NDArray[np.float64]  # a_j, sums to 1
    market_to_book: float  # q_0 = V_0·r_0 / E_0 (= V_0 / B_0 when E_0 = r_0·B_0)
    equity_income_share0: float  # E_0 / Y_0 (capital's part of equity income, without land rent)
    rent_capture: float  # κ
    index_units: float  # units of the index held by households (1 unit = $1 at the base year)
    conc_base: NDArray[np.float64]  # own_concentrated_j · V_j at the base year, USD
    land_units: float  # all land, units (1 unit = $1 at the base year)
    land_value0: float  # USD, all land
    g_expected0: float  # expected growth of land rents at the base year, per year (balanced growth)
    expectation_years: int  # years of past rent growth that buyers extrapolate
    property_tax: float  # per year
    rent_history: list[float]  # land rent of each year so far, USD/year
    household_land_units: float = 0.0  # households' land, units
    corporate_land_units: float = 0.0  # corporations' land, units (inside firm values)
    land_weight: NDArray[np.float64] | None = None  # share of corporate land (its rent and taxes) per firm, sums to 1
    land_premium: float = 0.0  # π_L: land's required return over the safe rate, per year (derived)
    current_land_price: float = 1.0  # USD per unit, this year's (set by :meth:`land_price`)
    growth_sensitivity: float = 0.0  # η: change in land's required return per unit of expected growth
    industry: LabIndustry | None = None  # frontier labs and forward-looking rents (commonwealth.labs); None: off
    rents: NDArray[np.float64] | None = None  # this year's AI rents per firm (labs' and fine-tuners'), USD/year
    surplus_split: tuple[float, float, float] = (0.0, 0.0, 0.0)  # this year's AI surplus to labs, fine-tuners, users
    retained: NDArray[np.float64] | None = None  # this year's retained earnings per firm, USD (set by :meth:`retain`)

    @classmethod
    def from_base(cls, firms: Firms, *, book_total: float, r0: float, gdp0: float, land_total: float,
                  land_rent0: float, property_tax: float, rent_capture: float,
                  expectation_years: int, equity_income0: float | None = None,
                  household_land: float | None = None, corporate_land: float = 0.0,
                  r_safe0: float | None = None, rent_growth0: float = 0.0,
                  growth_sensitivity: float = 0.0, industry: LabIndustry | None = None) -> Market:
        """``equity_income0``: the base year's equity income from capital, r_0·book plus the safe-rate
        premium on the bond-financed capital (default r_0·book); the firms also earn the rent on
        ``corporate_land`` (USD) net of the property tax. ``land_total`` is all land (USD), households'
        ``household_land`` (default: all but corporate land). ``r_safe0`` (default r_0) and
        ``rent_growth0`` (g_0) give the land premium π_L = y_0 + g_0 − τ_p − r_safe,0; ``growth_sensitivity``
        is η in the required return (:meth:`discount_rate`).

        With frontier labs (``industry``), base-year values include the expected rents the market prices:
        V_j = q_0·(C·B_j/B + β·P_j), C = (E_0 + land income)/r_0, P_j firm j's share of the forecast's present
        value of the AI surplus. q_0 and β solve the total and a lab's row (book = its capital paid in):
        V = q_0·(C + β·P), V_lab = q_0·(C·K_lab/B + β·P_lab). With several labs, β is the smallest of their
        solutions (so no lab's book falls below its paid-in capital), kept in [0, 1]."""
        if book_total <= 0:
            raise UserError(
                f"calibration: capital stock net of housing structures and net bonds is ${book_total / 1e12:.1f} tn; "
                "allowed: a positive equity book (raise calibration.capital_output_ratio).")
        if r0 <= 0:
            raise UserError(f"calibration: the base-year net return on capital is {r0:.4f}; allowed: positive "
                            "(lower production.depreciation or calibration.capital_output_ratio).")
        equity_income0 = r0 * book_total if equity_income0 is None else equity_income0
        r_safe0 = r0 if r_safe0 is None else r_safe0
        value = firms.value.copy()
        total = float(value.sum())
        exposure = np.where(firms.aggregate, 0.0, firms.ai_exposure) * value
        index_value = float(dot(firms.own_index, value))
        land_income0 = corporate_land * (land_rent0 / land_total - property_tax)
        rent_weight = exposure / exposure.sum()
        book = book_total * value / total
        market_to_book = total * r0 / (equity_income0 + land_income0)
        if industry is not None:
            industry, book, market_to_book = _price_expected_rents(
                industry, value, rent_weight * rent_capture, book_total, (equity_income0 + land_income0) / r0,
                industry.forecast.present_value(0, gdp0, r0), firms.name)
        return cls(
            firms=firms,
            book=book,
            rent_weight=rent_weight,
            market_to_book=market_to_book,
            equity_income_share0=equity_income0 / gdp0,
            rent_capture=rent_capture,
            index_units=index_value,
            conc_base=firms.own_concentrated * value,
            land_units=land_total,
            land_value0=land_total,
            g_expected0=rent_growth0,
            expectation_years=expectation_years,
            property_tax=property_tax,
            rent_history=[],
            household_land_units=land_total - corporate_land if household_land is None else household_land,
            corporate_land_units=corporate_land,
            # Shared like book capital (base value): with one q_0 every firm's base value is reproduced.
            land_weight=value / total if industry is None else book / book.sum(),
            land_premium=land_rent0 / land_total + rent_growth0 - property_tax - r_safe0,
            growth_sensitivity=growth_sensitivity,
            industry=industry,
        )

    # --- valuation -----------------------------------------------------------------------------

    def rent_share(self, equity_income: float, gdp: float) -> float:
        """ρ: the share of equity income paid as AI rents."""
        share = equity_income / gdp
        if share <= 0:
            return 0.0
        return self.rent_capture * max(0.0, 1.0 - self.equity_income_share0 / share)

    def firm_income(self, equity_income: float, gdp: float, land_income: float = 0.0) -> NDArray[np.float64]:
        """E_j, USD/year: ordinary income by book capital plus AI rents by exposure, plus the firm's share
        of ``land_income`` (the corporate land's rent, net of what firms pay on it) by its base value."""
        if self.industry is not None:
            return self._income_with_labs(equity_income, gdp, land_income)
        rho = self.rent_share(equity_income, gdp)
        income = equity_income * ((1.0 - rho) * self.book / self.book.sum() + rho * self.rent_weight)
        return income if land_income == 0.0 else income + land_income * self.land_weight

    def ai_surplus(self, equity_income: float, gdp: float) -> float:
        """S = max(0, E − (E_0/Y_0)·Y), USD/year: equity income above its base-year share of GDP."""
        return max(0.0, equity_income - self.equity_income_share0 * gdp) if equity_income > 0 else 0.0

    def _income_with_labs(self, equity_income: float, gdp: float, land_income: float) -> NDArray[np.float64]:
        """E_j with frontier labs: the labs take θ·S (∝ s_i²), fine-tuners κ(1 − θ)·S by exposure, and the
        rest of equity income (users' share of S included) goes by book capital (commonwealth.labs)."""
        industry = self.industry
        surplus = self.ai_surplus(equity_income, gdp)
        rents = surplus * industry.rent_weights(self.rent_weight, self.rent_capture)
        labs = industry.lab_share * surplus
        fine = self.rent_capture * (1.0 - industry.lab_share) * surplus
        self.rents = rents
        self.surplus_split = (labs, fine, surplus - labs - fine)
        income = (equity_income - labs - fine) * self.book / self.book.sum() + rents
        return income if land_income == 0.0 else income + land_income * self.land_weight

    def revalue(self, firm_income: NDArray[np.float64], r: float, t: int = 0, gdp: float = 0.0) -> None:
        """Set firm values to q_0·E_j/r (before this year's issuance). With frontier labs, rents are valued
        forward: V_j = q_0·(E_j/r + β·(P_j,t − rent_j/r)), P_j,t firm j's share of the present value of the
        AI surplus expected after year ``t`` (GDP ``gdp``): the market's weight β on the technology path."""
        if r <= 0:
            raise ModelError(f"markets: the net return on capital fell to {r:.4f}; firms cannot be valued at a "
                             "non-positive return (parameters that keep R above depreciation avoid it).")
        if self.industry is None:
            self.firms.value = self.market_to_book * firm_income / r
            return
        industry = self.industry
        expected = industry.forecast.present_value(t, gdp, r) * industry.rent_weights(self.rent_weight,
                                                                                     self.rent_capture)
        rents = self.rents if self.rents is not None else np.zeros_like(firm_income)
        self.firms.value = self.market_to_book * (firm_income / r + industry.belief * (expected - rents / r))

    @property
    def index_value(self) -> float:
        return float(dot(self.firms.own_index, self.firms.value))

    @property
    def index_price(self) -> float:
        """USD per index unit."""
        return self.index_value / self.index_units

    def concentrated_price(self) -> NDArray[np.float64]:
        """Value of each firm's concentrated block relative to the base year; a trailing 0 serves
        records with no stake (stake_firm = −1)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            price = np.where(self.conc_base > 0, self.firms.own_concentrated * self.firms.value / self.conc_base,
                             0.0)
        return np.append(price, 0.0)

    def expected_rent_growth(self) -> float:
        """Average log growth of land rent over the last ``expectation_years`` years (g_e0 before the
        base year); an economy without land rent (``production.land_share`` 0) observes no growth."""
        n = self.expectation_years
        history = self.rent_history[-(n + 1):]
        observed = float(np.log(history[-1] / history[0])) if len(history) > 1 and history[0] > 0 \
            and history[-1] > 0 else 0.0
        return (observed + (n - (len(history) - 1)) * self.g_expected0) / n

    def discount_rate(self, r_safe: float, g_expected: float | None = None) -> float:
        """i = max(r_safe + π_L + η·(g_e − g_0), r_safe + min(π_L, 0)): a land buyer's required return, per
        year (``g_expected``: default the current expectation). Falling expected growth never takes land's
        return below the safe rate (below r_safe + π_L if the premium is negative); with η ≥ 1 and π_L ≥ 0
        the floor keeps i − g_e positive however far expected rents fall (a stalled economy whose rents
        shrink), so the price stays finite."""
        g = self.expected_rent_growth() if g_expected is None else g_expected
        floor = r_safe + min(self.land_premium, 0.0)
        return max(r_safe + self.land_premium + self.growth_sensitivity * (g - self.g_expected0), floor)

    def land_price(self, rent: float, r_safe: float, tau_land: float = 0.0) -> float:
        """USD per land unit: V_L / land units, V_L capitalised from this year's rent (all land, USD/year)
        at the required return :meth:`discount_rate` (recorded; call once a year)."""
        self.rent_history.append(rent)
        try:
            g = self.expected_rent_growth()
            total = land_value(rent, self.discount_rate(r_safe, g), g, tau_land, self.property_tax)
        except ValueError as exc:
            raise ModelError(f"land: {exc}") from None
        self.current_land_price = float(total) / self.land_units
        return self.current_land_price

    def rent_per_unit(self, rent: float) -> float:
        """USD per land unit per year, from this year's rent on all land."""
        return rent / self.land_units

    @property
    def government_land_units(self) -> float:
        """Federal, state and local land, units: all land less households' and corporations'."""
        return self.land_units - self.household_land_units - self.corporate_land_units

    def corporate_land_value(self) -> float:
        """USD: the corporations' land at this year's price (a part of firm values, not an extra asset)."""
        return self.corporate_land_units * self.current_land_price

    # --- retained earnings and issuance --------------------------------------------------------

    def retain(self, firm_income: NDArray[np.float64], ratio: float) -> NDArray[np.float64]:
        """Firms keep ``ratio`` of equity income and invest it: book capital and value rise by the
        same dollars, no shares are issued. Returns the retained earnings per firm, USD."""
        retained = ratio * firm_income
        self.retained = retained
        self.firms.value = self.firms.value + retained
        self.book = self.book + retained
        return retained

    def issue_to_foreigners(self, purchase: NDArray[np.float64]) -> float:
        """Foreigners buy ``purchase`` USD of new shares of each firm at pre-money value (their payouts
        above the status-quo payout ratio, reinvested: they see through the corporate veil as households
        do, :mod:`commonwealth.investment`); every other holder is diluted, nobody's value changes.
        Returns the foreign purchases, USD."""
        f = self.firms
        post = f.value + purchase
        live = post > 0
        for holder in ("own_index", "own_concentrated", "own_fund", "own_public"):
            setattr(f, holder, np.divide(getattr(f, holder) * f.value, post, out=getattr(f, holder).copy(), where=live))
        f.own_foreign = np.divide(f.own_foreign * f.value + purchase, post, out=f.own_foreign.copy(), where=live)
        f.value = post
        self.book = self.book + purchase
        return float(purchase.sum())

    def issue_to_index(self, purchase: float) -> float:
        """Households put ``purchase`` USD into the index (negative: sell). New shares are issued at
        pre-money value; foreigners buy their share of each issue, but do not sell in a buyback (net sales).
        Returns foreign purchases, USD."""
        f = self.firms
        held = f.own_index * f.value
        index_value = float(held.sum())
        if index_value <= 0:
            raise ModelError("households' index holdings are worth nothing (they sold or borrowed against all of "
                             "their shares: taxes above their incomes year after year)")
        price = index_value / self.index_units
        buy = purchase * held / index_value
        buying = purchase > 0
        issue = buy / (1.0 - f.own_foreign) if buying else buy
        post = f.value + issue
        live = f.value > 0  # a firm worth nothing (no capital left) trades no shares
        if np.any(post[live] <= 0):
            raise ModelError("households' index sales exceed what the index holds")
        foreign_buy = f.own_foreign * issue if buying else np.zeros_like(issue)

        def diluted(held_before: np.ndarray, fraction: np.ndarray) -> np.ndarray:
            return np.divide(held_before, post, out=fraction.copy(), where=live)

        f.own_index = diluted(f.own_index * f.value + buy, f.own_index)
        f.own_foreign = diluted(f.own_foreign * f.value + foreign_buy, f.own_foreign)
        for holder in ("own_concentrated", "own_fund", "own_public"):
            setattr(f, holder, diluted(getattr(f, holder) * f.value, getattr(f, holder)))
        f.value = post
        self.book = self.book + issue
        self.index_units += purchase / price
        return float(foreign_buy.sum())


def _price_expected_rents(industry: LabIndustry, value: NDArray[np.float64], fine_weight: NDArray[np.float64],
                          book_total: float, capitalised: float, present_value: float, names: NDArray[np.object_]
                          ) -> tuple[LabIndustry, NDArray[np.float64], float]:
    """β, the books B_j and q_0 that reproduce every base-year value with expected rents priced in
    (:meth:`Market.from_base`); ``fine_weight`` is κ × the fine-tuners' weights, ``capitalised`` C."""
    expected = present_value * (industry.lab_share * industry.lab_weight + (1.0 - industry.lab_share) * fine_weight)
    v_total, p_total = float(value.sum()), float(expected.sum())
    beliefs = []
    for j in np.flatnonzero(industry.lab_rows):  # β that gives lab j exactly its paid-in capital as book
        denominator = v_total * expected[j] - value[j] * p_total
        if denominator > 0:
            beliefs.append((value[j] * capitalised - v_total * capitalised * industry.paid_in[j] / book_total)
                           / denominator)
    belief = min(beliefs) if beliefs else 0.0
    belief = min(max(belief, 0.0), 1.0)
    q0 = v_total / (capitalised + belief * p_total)
    book = book_total / capitalised * (value / q0 - belief * expected)
    if np.any(book <= 0):
        worst = int(np.argmin(book))
        raise ModelError(f"labs: firm {worst} ({names[worst] or 'a generated firm'}) is worth less in 2025 "
                         "than the AI rents the market is calibrated to expect of it; lower "
                         "assets.ai_rent_capture or the labs' shares")
    return replace(industry, belief=belief), book, q0
