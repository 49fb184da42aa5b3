"""Generators for the demo's tabular scenarios: one function per scenario.

Each draws rows from a known, noisy process, so that a model can learn the target from the
features and the best possible score is good but not perfect. The baseline is a linear model on
the numeric columns only: it misses the categorical columns, the interactions and the curves
that the process contains, which leaves room for better entries.
"""

from __future__ import annotations

import numpy as np

from aileague.demo.baselines import least_squares, logistic_regression
from aileague.demo.dataset import Dataset, fmt, logistic, texts

# Typical declared value per kg (CNY) by HS chapter at the Guangxi–Vietnam border.
_CHAPTER_VALUE_PER_KG = {
    "03": 38.0,
    "07": 4.5,
    "08": 9.0,
    "10": 3.2,
    "40": 12.0,
    "44": 2.8,
    "61": 85.0,
    "84": 140.0,
    "85": 210.0,
    "94": 26.0,
}
_CUSTOMS_PORTS = ("PX-YYG", "PX-RAIL", "DX-BRIDGE", "DX-HUSHI")


def _columns(x: dict[str, np.ndarray], names: list[str], n_train: int):
    matrix = np.column_stack([np.asarray(x[name], dtype=np.float64) for name in names])
    return matrix[:n_train], matrix[n_train:]


def customs_declaration_risk(
    rng: np.random.Generator, n_train: int = 6000, n_test: int = 3000
) -> Dataset:
    """Will an inspection of this declaration find a discrepancy? (binary, about 12 % yes)."""
    n = n_train + n_test
    chapters = np.array(list(_CHAPTER_VALUE_PER_KG))
    chapter = rng.choice(
        chapters, n, p=[0.06, 0.10, 0.30, 0.06, 0.08, 0.08, 0.08, 0.08, 0.10, 0.06]
    )
    norm = np.log([_CHAPTER_VALUE_PER_KG[c] for c in chapter])
    port = rng.choice(_CUSTOMS_PORTS, n, p=[0.35, 0.20, 0.30, 0.15])
    origin = rng.choice(
        ["VN", "TH", "KH", "LA", "MY", "ID"], n, p=[0.62, 0.14, 0.07, 0.06, 0.06, 0.05]
    )
    weight = np.round(np.exp(rng.normal(np.log(6000), 1.1, n)), 1)
    undervalued = rng.random(n) < 0.10
    deviation = rng.normal(0, 0.30, n) - undervalued * rng.exponential(0.9, n)
    value = np.round(weight * np.exp(norm + deviation), 2)
    age_days = np.rint(rng.gamma(1.3, 800, n)) + 1
    firm_rate = rng.beta(1.2, 30, n)
    declarations = rng.poisson(np.minimum(age_days / 8, 400))
    discrepancies = rng.binomial(declarations, firm_rate)
    documents = rng.integers(3, 10, n)
    hour = rng.integers(0, 24, n)
    night = (hour >= 22) | (hour < 6)
    consolidated = rng.random(n) < 0.25
    electronics = np.isin(chapter, ["84", "85"])
    logit = (
        -5.0
        + 3.0 * np.maximum(-deviation - 0.2, 0)
        + 1.3 * (age_days < 180)
        + 30 * firm_rate
        + 1.3 * night
        + 1.6 * (consolidated & electronics)
        - 0.25 * (documents - 6)
        + 0.6 * (port == "DX-HUSHI")
        + 0.5 * (origin != "VN")
        + rng.normal(0, 0.3, n)
    )
    target = (rng.random(n) < logistic(logit)).astype(int)
    x = {
        "log_value": np.log(value),
        "log_weight": np.log(weight),
        "age_days": age_days,
        "declarations": declarations,
        "discrepancies": discrepancies,
        "documents": documents,
        "hour": hour,
        "consolidated": consolidated,
    }
    x_train, x_test = _columns(x, list(x), n_train)
    baseline = logistic_regression(x_train, target[:n_train], x_test)
    return Dataset(
        id_prefix="CD",
        features={
            "port": texts(port),
            "origin_country": texts(origin),
            "hs_chapter": texts(chapter),
            "declared_value_cny": fmt(value, 2),
            "gross_weight_kg": fmt(weight, 1),
            "declarant_age_days": fmt(age_days),
            "past_declarations": fmt(declarations),
            "past_discrepancies": fmt(discrepancies),
            "documents_attached": fmt(documents),
            "declared_hour": fmt(hour),
            "consolidated_cargo": fmt(consolidated),
        },
        target=fmt(target),
        n_train=n_train,
        baseline=fmt(baseline, 4),
        sample="0.5",
    )


def ecommerce_fraud(rng: np.random.Generator, n_train: int = 8000, n_test: int = 4000) -> Dataset:
    """Is this cross-border marketplace order fraudulent? (binary, about 5 % yes)."""
    n = n_train + n_test
    markets = np.array(["TH", "VN", "ID", "MY", "PH", "SG"])
    market = rng.choice(markets, n, p=[0.24, 0.22, 0.22, 0.14, 0.10, 0.08])
    foreign_ip = rng.random(n) < 0.12
    ip_country = np.where(foreign_ip, rng.choice(np.append(markets, ["CN", "US", "RU"]), n), market)
    mismatch = ip_country != market
    payment = rng.choice(["card", "e-wallet", "cod", "bank_transfer"], n, p=[0.35, 0.35, 0.2, 0.1])
    amount = np.round(np.exp(rng.normal(np.log(180), 0.9, n)), 2)
    age_days = np.rint(rng.gamma(0.9, 400, n))
    orders_24h = rng.poisson(0.5, n) + (rng.random(n) < 0.04) * rng.poisson(6, n)
    device_seen = rng.random(n) < 0.8
    hour = rng.integers(0, 24, n)
    night = (hour >= 1) & (hour < 6)
    items = rng.integers(1, 8, n)
    discount = rng.choice([0, 5, 10, 20, 30, 50], n, p=[0.4, 0.2, 0.15, 0.12, 0.08, 0.05])
    free_email = rng.random(n) < 0.6
    card = payment == "card"
    logit = (
        -5.2
        + 2.4 * mismatch
        + 1.2 * np.log1p(orders_24h)
        + 1.8 * (age_days < 7)
        + 1.3 * card * (np.log(amount) - np.log(180))
        + 1.3 * ~device_seen
        + 1.1 * night
        + 0.8 * (discount >= 30)
        - 1.5 * (payment == "cod")
        + 0.4 * free_email
        + rng.normal(0, 0.3, n)
    )
    target = (rng.random(n) < logistic(logit)).astype(int)
    x = {
        "amount": amount,
        "age_days": age_days,
        "orders_24h": orders_24h,
        "device_seen": device_seen,
        "items": items,
        "discount": discount,
        "hour": hour,
        "free_email": free_email,
    }
    x_train, x_test = _columns(x, list(x), n_train)
    baseline = logistic_regression(x_train, target[:n_train], x_test)
    return Dataset(
        id_prefix="EF",
        features={
            "market": texts(market),
            "ip_country": texts(ip_country),
            "payment_method": texts(payment),
            "order_amount_cny": fmt(amount, 2),
            "account_age_days": fmt(age_days),
            "orders_last_24h": fmt(orders_24h),
            "device_seen_before": fmt(device_seen),
            "order_hour": fmt(hour),
            "items": fmt(items),
            "discount_pct": fmt(discount),
            "free_email_domain": fmt(free_email),
        },
        target=fmt(target),
        n_train=n_train,
        baseline=fmt(baseline, 4),
        sample="0.5",
    )


def blueberry_yield(rng: np.random.Generator, n_train: int = 4500, n_test: int = 2500) -> Dataset:
    """Yield per plant (kg) of blueberry plots on hillside farms in Guangxi (regression)."""
    n = n_train + n_test
    varieties = {"O'Neal": 2.4, "Emerald": 2.8, "Star": 2.2, "Misty": 2.0, "Sharpblue": 2.3}
    variety = rng.choice(list(varieties), n)
    county = rng.choice(["Guilin", "Hechi", "Baise", "Liuzhou", "Hezhou"], n)
    aspects = np.array(["N", "NE", "E", "SE", "S", "SW", "W", "NW"])
    aspect = rng.choice(aspects, n)
    age = rng.integers(2, 13, n)
    slope = np.round(rng.uniform(0, 35, n), 1)
    elevation = np.rint(rng.uniform(150, 900, n))
    ph = np.round(rng.normal(5.2, 0.6, n), 2)
    organic = np.round(rng.gamma(4, 0.8, n), 2)
    chill = np.rint(rng.uniform(80, 650, n) + 0.35 * (elevation - 500))
    rain = np.rint(rng.normal(850, 220, n))
    irrigated = rng.random(n) < 0.55
    mulched = rng.random(n) < 0.45
    base = np.array([varieties[v] for v in variety])
    sunny = np.isin(aspect, ["SE", "S", "SW"])
    kg = (
        base
        * (1 - np.exp(-age / 3.0))
        * np.exp(-(((ph - 5.0) / 0.75) ** 2))
        * logistic((chill - 250) / 80)
        * (1 - 0.012 * slope)
        * (1 + 0.10 * sunny)
        * (1 + 0.04 * np.minimum(organic, 6))
        * (1 - 0.25 * ((rain - 900) / 600) ** 2)
        + 0.35 * irrigated
        + 0.15 * mulched
    )
    kg = np.round(np.maximum(kg * np.exp(rng.normal(0, 0.12, n)), 0.05), 3)
    x = {
        "age": age,
        "slope": slope,
        "elevation": elevation,
        "ph": ph,
        "organic": organic,
        "chill": chill,
        "rain": rain,
        "irrigated": irrigated,
        "mulched": mulched,
    }
    x_train, x_test = _columns(x, list(x), n_train)
    baseline = least_squares(x_train, kg[:n_train], x_test)
    return Dataset(
        id_prefix="BY",
        features={
            "county": texts(county),
            "variety": texts(variety),
            "plant_age_years": fmt(age),
            "slope_deg": fmt(slope, 1),
            "aspect": texts(aspect),
            "elevation_m": fmt(elevation),
            "soil_ph": fmt(ph, 2),
            "organic_matter_pct": fmt(organic, 2),
            "chill_hours": fmt(chill),
            "season_rain_mm": fmt(rain),
            "drip_irrigation": fmt(irrigated),
            "mulch": fmt(mulched),
        },
        target=fmt(kg, 3),
        n_train=n_train,
        baseline=fmt(baseline, 3),
        sample=f"{kg[:n_train].mean():.3f}",
    )


def sugarcane_sucrose(rng: np.random.Generator, n_train: int = 5000, n_test: int = 3000) -> Dataset:
    """Sucrose content (% of cane weight) at harvest, Guangxi sugarcane fields (regression)."""
    n = n_train + n_test
    varieties = {"GT42": 0.6, "GT49": 0.4, "GT44": 0.2, "ROC22": 0.0, "LC05-136": 0.3}
    variety = rng.choice(list(varieties), n, p=[0.35, 0.15, 0.15, 0.25, 0.10])
    county = rng.choice(["Chongzuo", "Laibin", "Nanning", "Liuzhou", "Baise", "Beihai"], n)
    month = rng.choice([11, 12, 1, 2, 3, 4], n)
    season_month = np.where(month >= 11, month - 11, month + 1)  # 0 = November ... 5 = April
    ratoon = rng.choice([0, 1, 2, 3], n, p=[0.35, 0.3, 0.2, 0.15])
    nitrogen = np.rint(rng.normal(300, 60, n))
    rain_30d = np.rint(rng.gamma(2, 25, n))
    temp = np.round(rng.normal(17, 3, n), 1)
    lodging = rng.random(n) < 0.12
    sucrose = (
        13.6
        + np.array([varieties[v] for v in variety])
        - 0.45 * (season_month - 2.5) ** 2 / 2.5
        - 0.25 * ratoon
        - 0.004 * (nitrogen - 300)
        - 0.012 * rain_30d
        - 0.08 * (temp - 17)
        - 0.7 * lodging
        + rng.normal(0, 0.45, n)
    )
    brix = np.round(sucrose / 0.72 + rng.normal(0, 1.1, n), 1)
    diameter = np.round(rng.normal(27, 2.5, n) - 0.3 * ratoon, 1)
    sucrose = np.round(sucrose, 2)
    x = {
        "month": month,
        "ratoon": ratoon,
        "nitrogen": nitrogen,
        "rain": rain_30d,
        "temp": temp,
        "lodging": lodging,
        "brix": brix,
        "diameter": diameter,
    }
    x_train, x_test = _columns(x, list(x), n_train)
    baseline = least_squares(x_train, sucrose[:n_train], x_test)
    return Dataset(
        id_prefix="SC",
        features={
            "county": texts(county),
            "variety": texts(variety),
            "harvest_month": fmt(month),
            "ratoon": fmt(ratoon),
            "nitrogen_kg_ha": fmt(nitrogen),
            "rain_30d_mm": fmt(rain_30d),
            "mean_temp_30d_c": fmt(temp, 1),
            "lodging": fmt(lodging),
            "field_brix": fmt(brix, 1),
            "stalk_diameter_mm": fmt(diameter, 1),
        },
        target=fmt(sucrose, 2),
        n_train=n_train,
        baseline=fmt(baseline, 2),
        sample=f"{np.median(sucrose[:n_train]):.2f}",
    )


def border_truck_wait(rng: np.random.Generator, n_train: int = 4000, n_test: int = 2000) -> Dataset:
    """Minutes a cargo truck waits at the Youyiguan (Friendship Pass) port (regression)."""
    n = n_train + n_test
    cargo = rng.choice(
        ["fruit", "general", "cold_chain", "machinery"], n, p=[0.35, 0.35, 0.15, 0.15]
    )
    weekday = rng.integers(0, 7, n)
    hour = rng.integers(6, 22, n)
    days_to_festival = rng.integers(0, 60, n)
    queue = rng.poisson(40 + 80 * np.exp(-days_to_festival / 10), n)
    lanes = rng.integers(2, 9, n)
    rain = np.round(rng.exponential(3, n) * (rng.random(n) < 0.3), 1)
    inspection = np.round(rng.uniform(2, 15, n), 1)
    green_lane = np.isin(cargo, ["fruit", "cold_chain"])
    peak = np.exp(-(((hour - 10) / 2.5) ** 2)) + 0.7 * np.exp(-(((hour - 16) / 2.0) ** 2))
    minutes = (
        (queue / lanes)
        * 7.0
        * (1 - 0.4 * green_lane)
        * (1 + 0.03 * inspection)
        * (1 + 0.35 * peak)
        * (1 + 0.02 * rain)
        * (1 + 0.15 * (weekday >= 5))
    )
    minutes = np.round(minutes * np.exp(rng.normal(0, 0.18, n)) + rng.uniform(5, 15, n), 1)
    x = {
        "weekday": weekday,
        "hour": hour,
        "days": days_to_festival,
        "queue": queue,
        "lanes": lanes,
        "rain": rain,
        "inspection": inspection,
    }
    x_train, x_test = _columns(x, list(x), n_train)
    baseline = least_squares(x_train, minutes[:n_train], x_test)
    return Dataset(
        id_prefix="TW",
        features={
            "cargo_type": texts(cargo),
            "weekday": fmt(weekday),
            "arrival_hour": fmt(hour),
            "days_to_festival": fmt(days_to_festival),
            "trucks_in_queue": fmt(queue),
            "lanes_open": fmt(lanes),
            "rain_mm": fmt(rain, 1),
            "inspection_rate_pct": fmt(inspection, 1),
        },
        target=fmt(minutes, 1),
        n_train=n_train,
        baseline=fmt(np.maximum(baseline, 0), 1),
        sample=f"{np.median(minutes[:n_train]):.1f}",
    )
