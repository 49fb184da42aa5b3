"""What the demo league contains: its tracks, owners and scenarios, in English and Chinese.

The organisations are invented but shaped after the real bodies that post needs to a China–ASEAN
league: border ports, marketplaces, payment firms, farm cooperatives, research stations, travel
companies and trade associations. All data is synthetic (see ``tabular`` and ``language``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from aileague.demo import language, phrases, tabular
from aileague.demo.dataset import Dataset

Text = dict[str, str]  # a language map: {"en": ..., "zh-hans": ...}

LEAGUE_SLUG = "ai-super-league-demo"


def t(en: str, zh: str) -> Text:
    return {"en": en, "zh-hans": zh}


@dataclass(frozen=True)
class Organisation:
    name: str
    kind: str
    country: str


@dataclass(frozen=True)
class TrackSpec:
    slug: str
    name: Text
    description: Text


@dataclass(frozen=True)
class ScenarioSpec:
    slug: str
    track: str
    generate: Callable[[np.random.Generator], Dataset]
    kind: str
    metric: str
    prediction_column: str
    title: Text
    summary: Text
    owner: str
    background: Text
    task: Text
    baseline_model: Text
    columns: dict[str, Text]
    languages: tuple[str, ...]
    target_countries: tuple[str, ...]
    prize_amount: int
    prize: Text
    pilot_offer: Text
    labels: tuple[str, ...] = ()
    language: str | None = None
    closed: bool = False  # its single stage closed two days before the build


ORGANISATIONS = (
    Organisation("Pingxiang Border Port Service Centre", "public_body", "CN"),
    Organisation("Youyiguan Port Logistics Co., Ltd.", "enterprise", "CN"),
    Organisation("MekongMart Co., Ltd.", "enterprise", "TH"),
    Organisation("PayBridge Asia Sdn. Bhd.", "enterprise", "MY"),
    Organisation("Guilin Hillside Berry Cooperative", "enterprise", "CN"),
    Organisation("Chongzuo Sugarcane Research Station", "public_body", "CN"),
    Organisation("Lang Son Travel Joint Stock Company", "enterprise", "VN"),
    Organisation("Vientiane Lao–China Trade Association", "other", "LA"),
)

TRACKS = (
    TrackSpec(
        "logistics-customs",
        t("Logistics & customs", "物流与通关"),
        t(
            "Faster, safer border crossings between Guangxi and ASEAN.",
            "让广西与东盟之间的通关更快、更安全。",
        ),
    ),
    TrackSpec(
        "cross-border-ecommerce",
        t("Cross-border e-commerce", "跨境电商"),
        t(
            "Marketplaces, payments and parcels across China and ASEAN.",
            "中国与东盟之间的电商平台、支付与包裹。",
        ),
    ),
    TrackSpec(
        "smart-agriculture",
        t("Smart agriculture", "智慧农业"),
        t(
            "Yield and quality forecasts for Guangxi's farms and sugar industry.",
            "为广西农场和糖业提供产量与品质预测。",
        ),
    ),
    TrackSpec(
        "tourism-language",
        t("Tourism & language services", "文旅与语言服务"),
        t(
            "Understanding travellers and traders in their own languages.",
            "用对方的语言理解游客与商户。",
        ),
    ),
)

_BINARY = "binary_probability"

SCENARIOS: tuple[ScenarioSpec, ...] = (
    ScenarioSpec(
        slug="customs-declaration-risk",
        track="logistics-customs",
        generate=tabular.customs_declaration_risk,
        kind=_BINARY,
        metric="roc_auc",
        prediction_column="risk",
        title=t(
            "Risk of a customs declaration at the Pingxiang and Dongxing border ports",
            "凭祥、东兴边境口岸报关单风险预测",
        ),
        summary=t(
            "Rank import declarations by the chance that an inspection finds a discrepancy, "
            "so that officers inspect the right trucks first.",
            "按查验发现问题的可能性对进口报关单排序，让关员优先查验真正有风险的货车。",
        ),
        owner="Pingxiang Border Port Service Centre",
        background=t(
            "Every day thousands of trucks bring fruit, seafood, timber and electronics from "
            "Vietnam and other ASEAN countries through the Youyiguan (Friendship Pass) road port, "
            "the Pingxiang rail port and the Dongxing ports on the Beilun River. Officers can "
            "inspect only a small share of them. The port service centre wants a model that ranks "
            "declarations by risk, from the declaration itself and the declarant's history.",
            "每天有数千辆货车经友谊关公路口岸、凭祥铁路口岸和北仑河畔的东兴口岸，从越南及其他东盟国家"
            "运来水果、海产品、木材和电子产品。关员只能查验其中一小部分。口岸服务中心希望有一个模型，"
            "根据报关单本身和申报人的历史记录，按风险对报关单排序。",
        ),
        task=t(
            "For each declaration in `test.csv`, give the probability that an inspection would "
            "find a discrepancy (undervaluation, a wrong HS code, undeclared goods).",
            "对 `test.csv` 中的每份报关单，"
            "给出查验时发现问题（低报价格、归类错误、未申报货物）的概率。",
        ),
        baseline_model=t("logistic regression on the numeric columns", "基于数值列的逻辑回归"),
        columns={
            "port": t(
                "Port of entry: PX-YYG (Youyiguan road port), PX-RAIL (Pingxiang rail port), "
                "DX-BRIDGE (Dongxing Beilun River bridge), DX-HUSHI (Dongxing border-resident "
                "trade area)",
                "入境口岸：PX-YYG（友谊关公路口岸）、PX-RAIL（凭祥铁路口岸）、DX-BRIDGE"
                "（东兴北仑河大桥）、DX-HUSHI（东兴边民互市贸易区）",
            ),
            "origin_country": t("Country of origin (ISO code)", "原产国（ISO 代码）"),
            "hs_chapter": t(
                'HS chapter: two digits, leading zero kept ("08" is fruit)',
                'HS 章：两位数字，保留前导零（"08" 为水果）',
            ),
            "declared_value_cny": t("Declared customs value, CNY", "申报货值（元）"),
            "gross_weight_kg": t("Gross weight, kg", "毛重（公斤）"),
            "declarant_age_days": t(
                "Days since the declarant registered with customs", "申报单位在海关注册的天数"
            ),
            "past_declarations": t(
                "Declarations by the same declarant before this one", "该申报单位此前的报关单数"
            ),
            "past_discrepancies": t(
                "Of those, how many inspections found a discrepancy", "其中查验发现问题的次数"
            ),
            "documents_attached": t("Supporting documents attached", "随附单证数量"),
            "declared_hour": t(
                "Hour of declaration, 0–23, Beijing time", "申报时刻（0–23，北京时间）"
            ),
            "consolidated_cargo": t(
                "1 if the truck carries consolidated (LCL) cargo", "拼箱货物为 1"
            ),
            "risk": t(
                "Target (train only): 1 if the inspection found a discrepancy",
                "目标（仅训练集）：查验发现问题为 1",
            ),
        },
        languages=("zh-hans", "en", "vi"),
        target_countries=("CN", "VN"),
        prize_amount=200_000,
        prize=t(
            "First prize 100,000 CNY, second 60,000 CNY, third 40,000 CNY.",
            "一等奖 10 万元，二等奖 6 万元，三等奖 4 万元。",
        ),
        pilot_offer=t(
            "The best model runs for three months beside the officers in the risk "
            "control room of the Youyiguan port, on live declarations.",
            "最佳模型将在友谊关口岸风险防控室基于实时报关数据试运行三个月。",
        ),
    ),
    ScenarioSpec(
        slug="hs-listing-categories",
        track="cross-border-ecommerce",
        generate=language.hs_listing_categories,
        kind="multiclass_label",
        metric="f1_macro",
        prediction_column="hs_chapter",
        labels=language.HS_LABELS,
        title=t(
            "Customs (HS) chapters for Thai, Vietnamese and Indonesian product listings",
            "泰语、越南语、印尼语商品标题的海关 HS 章归类",
        ),
        summary=t(
            "Read a seller's product title in Thai, Vietnamese or Indonesian and give the HS "
            "chapter its parcel is declared under when it enters China.",
            "读取卖家用泰语、越南语或印尼语写的商品标题，给出包裹入境中国时申报的 HS 章。",
        ),
        owner="MekongMart Co., Ltd.",
        background=t(
            "Sellers on a cross-border marketplace list goods in their own language. Before a "
            "parcel crosses into China it needs a customs (HS) code, and sellers often get it "
            "wrong. Thai titles run words together without spaces, and many listings mention a "
            'free gift from another category ("แถม", "tặng kèm", "gratis").',
            "跨境电商平台上的卖家用本国语言发布商品。包裹入境中国前需要海关（HS）编码，而卖家经常填错。"
            '泰语标题的词与词之间没有空格，很多商品标题还提到另一类别的赠品（"แถม"、"tặng kèm"、'
            '"gratis"）。',
        ),
        task=t(
            "For each listing in `test.csv`, give its HS chapter, one of: "
            + ", ".join(f"`{c}` ({en})" for c, (en, _) in phrases.HS_CHAPTERS.items())
            + ".",
            "对 `test.csv` 中的每个商品，给出其 HS 章，取值为："
            + "、".join(f"`{c}`（{zh}）" for c, (_, zh) in phrases.HS_CHAPTERS.items())
            + "。",
        ),
        baseline_model=t("nearest centroid on space-separated words", "基于空格分词的最近质心分类"),
        columns={
            "language": t("Language of the title: th, vi or id", "标题语言：th、vi 或 id"),
            "title": t("The seller's product title", "卖家填写的商品标题"),
            "hs_chapter": t(
                "Target (train only): the HS chapter chosen by a customs broker, two "
                "digits with the leading zero",
                "目标（仅训练集）：报关员确定的 HS 章，两位数字，保留前导零",
            ),
        },
        languages=("th", "vi", "id", "zh-hans", "en"),
        target_countries=("TH", "VN", "ID", "CN"),
        prize_amount=150_000,
        prize=t(
            "First prize 80,000 CNY, second 45,000 CNY, third 25,000 CNY.",
            "一等奖 8 万元，二等奖 4.5 万元，三等奖 2.5 万元。",
        ),
        pilot_offer=t(
            "Integration into the marketplace's export declaration service for sellers "
            "in Thailand, Vietnam and Indonesia.",
            "接入平台面向泰国、越南、印尼卖家的出口申报服务。",
        ),
    ),
    ScenarioSpec(
        slug="ecommerce-fraud",
        track="cross-border-ecommerce",
        generate=tabular.ecommerce_fraud,
        kind=_BINARY,
        metric="roc_auc",
        prediction_column="fraud",
        title=t("Fraudulent orders on a cross-border marketplace", "跨境电商平台欺诈订单识别"),
        summary=t(
            "Score each order by the chance that it is fraudulent, before the goods ship.",
            "在发货前为每笔订单给出欺诈概率。",
        ),
        owner="PayBridge Asia Sdn. Bhd.",
        background=t(
            "A payment gateway serving merchants in six ASEAN markets sees card testing, stolen "
            "e-wallet accounts and bursts of orders from new accounts. It wants to hold risky "
            "orders for review without delaying honest buyers.",
            "一家服务东盟六国商户的支付网关，经常遇到盗卡测试、被盗电子钱包账户以及新账户集中下单。"
            "它希望在不耽误正常买家的前提下，把高风险订单挑出来人工复核。",
        ),
        task=t(
            "For each order in `test.csv`, give the probability that it is fraudulent.",
            "对 `test.csv` 中的每笔订单，给出其为欺诈订单的概率。",
        ),
        baseline_model=t("logistic regression on the numeric columns", "基于数值列的逻辑回归"),
        columns={
            "market": t("Marketplace country (ISO code)", "站点所在国家（ISO 代码）"),
            "ip_country": t("Country of the buyer's IP address", "买家 IP 地址所在国家"),
            "payment_method": t(
                "card, e-wallet, cod (cash on delivery) or bank_transfer",
                "card（银行卡）、e-wallet（电子钱包）、cod（货到付款）或 bank_transfer（银行转账）",
            ),
            "order_amount_cny": t("Order amount, CNY", "订单金额（元）"),
            "account_age_days": t("Age of the buyer's account, days", "买家账户注册天数"),
            "orders_last_24h": t(
                "Orders by the same account in the past 24 hours", "同一账户过去 24 小时的订单数"
            ),
            "device_seen_before": t(
                "1 if the device was used by this account before", "该设备曾被此账户使用过为 1"
            ),
            "order_hour": t("Hour of the order, local time", "下单时刻（当地时间）"),
            "items": t("Items in the order", "订单商品件数"),
            "discount_pct": t("Discount applied, %", "折扣（%）"),
            "free_email_domain": t(
                "1 if the account uses a free e-mail provider", "使用免费邮箱为 1"
            ),
            "fraud": t(
                "Target (train only): 1 if the order was confirmed fraudulent",
                "目标（仅训练集）：确认为欺诈订单为 1",
            ),
        },
        languages=("en", "zh-hans", "ms", "th"),
        target_countries=("MY", "TH", "SG", "ID", "PH", "VN"),
        prize_amount=150_000,
        prize=t(
            "First prize 80,000 CNY, second 45,000 CNY, third 25,000 CNY.",
            "一等奖 8 万元，二等奖 4.5 万元，三等奖 2.5 万元。",
        ),
        pilot_offer=t(
            "A shadow-mode trial in the payment gateway for Malaysian and Thai merchants.",
            "在支付网关中为马来西亚和泰国商户进行影子模式试运行。",
        ),
    ),
    ScenarioSpec(
        slug="blueberry-yield",
        track="smart-agriculture",
        generate=tabular.blueberry_yield,
        kind="regression",
        metric="rmse",
        prediction_column="yield_kg",
        title=t("Blueberry yield on hillside farms in Guangxi", "广西山地蓝莓产量预测"),
        summary=t(
            "Predict the harvest per plant of blueberry plots from weather, soil and slope.",
            "根据气象、土壤和坡度预测蓝莓地块的单株产量。",
        ),
        owner="Guilin Hillside Berry Cooperative",
        background=t(
            "Blueberries now grow on terraced hillsides across northern and western Guangxi. "
            "Yields vary widely with soil acidity, winter chill, slope and irrigation. The "
            "cooperative wants plot-level forecasts to plan pickers, cold storage and sales.",
            "蓝莓如今遍布桂北、桂西的山地梯田。产量随土壤酸度、冬季需冷量、坡度和灌溉条件差异很大。"
            "合作社希望获得地块级的产量预测，以安排采摘人手、冷库和销售。",
        ),
        task=t(
            "For each plot in `test.csv`, predict the yield in kg per plant.",
            "对 `test.csv` 中的每个地块，预测单株产量（公斤）。",
        ),
        baseline_model=t(
            "least-squares linear regression on the numeric columns", "基于数值列的最小二乘线性回归"
        ),
        columns={
            "county": t("City or county", "市县"),
            "variety": t("Blueberry variety", "蓝莓品种"),
            "plant_age_years": t("Age of the plants, years", "树龄（年）"),
            "slope_deg": t("Slope, degrees", "坡度（度）"),
            "aspect": t("Direction the slope faces (N, NE, ..., NW)", "坡向（N、NE……NW）"),
            "elevation_m": t("Elevation, m", "海拔（米）"),
            "soil_ph": t("Soil pH", "土壤 pH"),
            "organic_matter_pct": t("Soil organic matter, %", "土壤有机质（%）"),
            "chill_hours": t("Winter hours below 7.2 °C", "冬季低于 7.2 °C 的小时数"),
            "season_rain_mm": t("Rain from flowering to harvest, mm", "开花至采收期降雨量（毫米）"),
            "drip_irrigation": t("1 if drip-irrigated", "滴灌为 1"),
            "mulch": t("1 if mulched", "覆盖地膜或覆草为 1"),
            "yield_kg": t(
                "Target (train only): harvest per plant, kg", "目标（仅训练集）：单株产量（公斤）"
            ),
        },
        languages=("zh-hans", "en"),
        target_countries=("CN",),
        prize_amount=100_000,
        prize=t(
            "First prize 50,000 CNY, second 30,000 CNY, third 20,000 CNY.",
            "一等奖 5 万元，二等奖 3 万元，三等奖 2 万元。",
        ),
        pilot_offer=t(
            "A trial on 200 mu of the cooperative's plots next season, with yields "
            "checked at harvest.",
            "下一季在合作社 200 亩地块上试用，采收时核验产量。",
        ),
    ),
    ScenarioSpec(
        slug="sugarcane-sucrose",
        track="smart-agriculture",
        generate=tabular.sugarcane_sucrose,
        kind="regression",
        metric="mae",
        prediction_column="sucrose_pct",
        title=t("Sucrose content of sugarcane at harvest", "甘蔗收获期蔗糖分预测"),
        summary=t(
            "Predict the sucrose content of cane from field measurements, so that mills "
            "harvest each field at the right time.",
            "根据田间测量预测甘蔗蔗糖分，帮助糖厂在最佳时机收获每块蔗田。",
        ),
        owner="Chongzuo Sugarcane Research Station",
        background=t(
            "Guangxi grows most of China's sugarcane, and Chongzuo alone crushes millions of tons "
            "each season. The sugar a mill recovers depends on the cane's sucrose content on the "
            "day it is cut. A handheld refractometer gives a quick but rough field Brix reading.",
            "广西的甘蔗产量占全国大半，仅崇左每个榨季就压榨数百万吨甘蔗。糖厂的产糖量取决于甘蔗砍收当天的"
            "蔗糖分。手持折光仪可以在田间快速但粗略地测出锤度。",
        ),
        task=t(
            "For each field sample in `test.csv`, predict the sucrose content in % of cane weight.",
            "对 `test.csv` 中的每个田间样本，预测蔗糖分（占蔗重的百分比）。",
        ),
        baseline_model=t(
            "least-squares linear regression on the numeric columns", "基于数值列的最小二乘线性回归"
        ),
        columns={
            "county": t("City or county", "市县"),
            "variety": t("Cane variety (GT = Guitang)", "甘蔗品种（GT 为桂糖系列）"),
            "harvest_month": t("Month of harvest, 1–12", "收获月份（1–12）"),
            "ratoon": t("0 for plant cane, 1–3 for ratoon crops", "新植蔗为 0，宿根蔗为 1–3"),
            "nitrogen_kg_ha": t("Nitrogen applied, kg/ha", "施氮量（公斤/公顷）"),
            "rain_30d_mm": t(
                "Rain in the 30 days before harvest, mm", "收获前 30 天降雨量（毫米）"
            ),
            "mean_temp_30d_c": t(
                "Mean temperature in those 30 days, °C", "收获前 30 天平均气温（°C）"
            ),
            "lodging": t("1 if the cane had lodged", "发生倒伏为 1"),
            "field_brix": t("Field refractometer reading, °Bx", "田间折光锤度（°Bx）"),
            "stalk_diameter_mm": t("Mean stalk diameter, mm", "平均茎径（毫米）"),
            "sucrose_pct": t(
                "Target (train only): sucrose, % of cane weight",
                "目标（仅训练集）：蔗糖分（占蔗重 %）",
            ),
        },
        languages=("zh-hans", "en", "th"),
        target_countries=("CN", "TH", "LA"),
        prize_amount=120_000,
        prize=t(
            "First prize 60,000 CNY, second 35,000 CNY, third 25,000 CNY.",
            "一等奖 6 万元，二等奖 3.5 万元，三等奖 2.5 万元。",
        ),
        pilot_offer=t(
            "A harvest-scheduling trial with two sugar mills in Chongzuo during the "
            "crushing season.",
            "榨季期间与崇左两家糖厂合作开展砍收排程试点。",
        ),
    ),
    ScenarioSpec(
        slug="vi-review-sentiment",
        track="tourism-language",
        generate=language.vi_review_sentiment,
        kind="multiclass_label",
        metric="accuracy",
        prediction_column="sentiment",
        labels=phrases.SENTIMENT_LABELS,
        title=t(
            "Sentiment of Vietnamese reviews of cross-border tours", "越南语跨境旅游点评情感分类"
        ),
        summary=t(
            "Tell negative, neutral and positive reviews apart, in Vietnamese, to follow up "
            "unhappy travellers quickly.",
            "区分越南语点评中的负面、中性和正面评价，以便及时回访不满意的游客。",
        ),
        owner="Lang Son Travel Joint Stock Company",
        background=t(
            "Tours between northern Vietnam and Guangxi (Ban Gioc–Detian waterfall, Guilin, "
            "Nanning, Dongxing) are booming. The travel company collects thousands of short "
            "reviews in Vietnamese and wants to route unhappy ones to staff. Watch out for "
            'negations: "không ngon" (not tasty) is not praise.',
            "越南北部与广西之间的旅游线路（板约—德天瀑布、桂林、南宁、东兴）十分火热。"
            "旅行社收集了数千条越南语短评，希望把不满意的点评转给客服跟进。"
            '注意否定表达："không ngon"（不好吃）并不是好评。',
        ),
        task=t(
            "For each review in `test.csv`, give `negative`, `neutral` or `positive`.",
            "对 `test.csv` 中的每条点评，"
            "给出 `negative`（负面）、`neutral`（中性）或 `positive`（正面）。",
        ),
        baseline_model=t("nearest centroid on space-separated words", "基于空格分词的最近质心分类"),
        columns={
            "review": t("The review, in Vietnamese", "越南语点评"),
            "sentiment": t(
                "Target (train only): negative, neutral or positive",
                "目标（仅训练集）：negative、neutral 或 positive",
            ),
        },
        languages=("vi", "zh-hans", "en"),
        target_countries=("VN", "CN"),
        prize_amount=80_000,
        prize=t(
            "First prize 40,000 CNY, second 25,000 CNY, third 15,000 CNY.",
            "一等奖 4 万元，二等奖 2.5 万元，三等奖 1.5 万元。",
        ),
        pilot_offer=t(
            "A live dashboard of tour feedback for the company's Guangxi–Vietnam routes.",
            "为公司的广西—越南线路搭建实时游客反馈看板。",
        ),
    ),
    ScenarioSpec(
        slug="lao-zh-trade-phrases",
        track="tourism-language",
        generate=language.lao_zh_trade_phrases,
        kind="text",
        metric="chrf",
        prediction_column="zh",
        language="zh-hans",
        title=t("Lao → Chinese translation of trade messages", "老挝语→中文贸易消息翻译"),
        summary=t(
            "Translate short Lao messages about orders, prices, delivery and payment into "
            "Chinese for traders on the Laos–China railway corridor.",
            "为中老铁路沿线的商户把关于订单、价格、交货和付款的老挝语短消息翻译成中文。",
        ),
        owner="Vientiane Lao–China Trade Association",
        background=t(
            "Since the Laos–China railway opened, small traders in Vientiane, Luang Prabang and "
            "Boten sell rice, cassava, bananas and rubber to buyers in Kunming and Nanning by "
            "chat. General translation apps stumble on quantities, units and trade terms. Lao is "
            "written without spaces between words, so the score is chrF, which needs no "
            "segmentation.",
            "中老铁路开通以来，万象、琅勃拉邦和磨丁的小商户通过聊天软件向昆明、南宁的买家出售大米、木薯、"
            "香蕉和橡胶。通用翻译软件常常译错数量、单位和贸易术语。老挝语词与词之间不写空格，因此采用无需"
            "分词的 chrF 评分。",
        ),
        task=t(
            "For each Lao message in `test.csv`, give its Chinese translation.",
            "对 `test.csv` 中的每条老挝语消息，给出中文译文。",
        ),
        baseline_model=t(
            "a translation memory: the translation of the most similar training "
            "message, by character bigrams",
            "翻译记忆：按字符二元组取最相似训练消息的译文",
        ),
        columns={
            "lo": t("The message in Lao", "老挝语消息"),
            "zh": t("Target (train only): the Chinese translation", "目标（仅训练集）：中文译文"),
        },
        languages=("lo", "zh-hans", "en"),
        target_countries=("LA", "CN"),
        prize_amount=100_000,
        prize=t(
            "First prize 50,000 CNY, second 30,000 CNY, third 20,000 CNY.",
            "一等奖 5 万元，二等奖 3 万元，三等奖 2 万元。",
        ),
        pilot_offer=t(
            "Built into the association's chat assistant for members in Vientiane and Boten.",
            "接入协会为万象和磨丁会员提供的聊天助手。",
        ),
    ),
    ScenarioSpec(
        slug="border-truck-wait",
        track="logistics-customs",
        generate=tabular.border_truck_wait,
        kind="regression",
        metric="mae",
        prediction_column="wait_minutes",
        closed=True,
        title=t(
            "Truck waiting time at the Youyiguan (Friendship Pass) port",
            "友谊关口岸货车通关等待时间预测",
        ),
        summary=t(
            "Predict how long a cargo truck will queue at the border, so that drivers and "
            "shippers can plan.",
            "预测货车在口岸排队的时长，方便司机和货主安排行程。",
        ),
        owner="Youyiguan Port Logistics Co., Ltd.",
        background=t(
            "In the lychee, longan and durian seasons, and before Tet and the Spring Festival, "
            "queues of trucks at the Youyiguan port can stretch for kilometres. Fruit and "
            "cold-chain cargo use the green lane. Drivers want a reliable estimate of the wait.",
            "在荔枝、龙眼、榴莲上市季节以及春节前，友谊关口岸的货车队伍可长达数公里。水果和冷链货物走"
            "绿色通道。司机希望能得到可靠的等待时间预估。",
        ),
        task=t(
            "For each truck in `test.csv`, predict its waiting time in minutes.",
            "对 `test.csv` 中的每辆货车，预测其等待时间（分钟）。",
        ),
        baseline_model=t(
            "least-squares linear regression on the numeric columns", "基于数值列的最小二乘线性回归"
        ),
        columns={
            "cargo_type": t(
                "fruit, general, cold_chain or machinery (fruit and cold chain use the green lane)",
                "fruit（水果）、general（普通货物）、cold_chain（冷链）或 machinery（机械），"
                "水果和冷链走绿色通道",
            ),
            "weekday": t("Day of the week, 0 = Monday", "星期几（0 为星期一）"),
            "arrival_hour": t("Hour of arrival at the queue", "到达排队区的时刻"),
            "days_to_festival": t(
                "Days until the next Tet / Spring Festival peak", "距下一个春节高峰的天数"
            ),
            "trucks_in_queue": t("Trucks ahead in the queue on arrival", "到达时前方排队车辆数"),
            "lanes_open": t("Inspection lanes open", "开放的查验通道数"),
            "rain_mm": t("Rain in the past hour, mm", "过去一小时降雨量（毫米）"),
            "inspection_rate_pct": t(
                "Share of trucks sent to inspection that day, %", "当天布控查验比例（%）"
            ),
            "wait_minutes": t(
                "Target (train only): minutes from arrival to clearance",
                "目标（仅训练集）：从到达到放行的分钟数",
            ),
        },
        languages=("zh-hans", "vi", "en"),
        target_countries=("CN", "VN"),
        prize_amount=100_000,
        prize=t(
            "First prize 50,000 CNY, second 30,000 CNY, third 20,000 CNY.",
            "一等奖 5 万元，二等奖 3 万元，三等奖 2 万元。",
        ),
        pilot_offer=t(
            "Estimates shown to drivers in the port's mini-program.",
            "预测结果将在口岸小程序中向司机展示。",
        ),
    ),
)


def scenario_spec(slug: str) -> ScenarioSpec:
    return next(spec for spec in SCENARIOS if spec.slug == slug)
