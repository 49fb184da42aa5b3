"""Hand-written word and phrase tables behind the demo's language scenarios.

Three tables:

* ``LAO_ZH``: Lao ↔ Chinese trade phrases (goods, units, prices, delivery, payment, documents)
  from which Lao→Chinese sentence pairs are composed.
* ``LISTING_WORDS``: product words in Thai, Vietnamese and Indonesian per HS chapter, for the
  customs-category classification of marketplace listings.
* ``REVIEW_FRAGMENTS``: Vietnamese tourism-review fragments with a sentiment weight.

Every string is written in its real script and normalised to NFC when the tables are built, so
that character n-gram metrics (chrF) compare like with like.
"""

from __future__ import annotations

import unicodedata
from typing import Any


def _nfc(value: Any) -> Any:
    """NFC-normalise every string inside nested tuples, lists and dicts."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_nfc(item) for item in value)
    return value


# --- Lao → Chinese trade phrases -----------------------------------------------------------

#: Units: key → (Lao, Chinese).
LAO_ZH_UNITS: dict[str, tuple[str, str]] = _nfc(
    {
        "ton": ("ໂຕນ", "吨"),
        "kg": ("ກິໂລ", "公斤"),
        "sack": ("ກະສອບ", "袋"),
        "box": ("ແກັດ", "箱"),
        "head": ("ໂຕ", "头"),
        "metre": ("ແມັດ", "米"),
    }
)

#: Goods: (Lao, Chinese, units it is traded in).
LAO_ZH_GOODS: tuple[tuple[str, str, tuple[str, ...]], ...] = _nfc(
    (
        ("ເຂົ້າສານ", "大米", ("ton", "sack")),
        ("ເມັດກາເຟ", "咖啡豆", ("ton", "kg", "sack")),
        ("ມັນຕົ້ນ", "木薯", ("ton",)),
        ("ກ້ວຍ", "香蕉", ("ton", "box")),
        ("ຢາງພາລາ", "橡胶", ("ton",)),
        ("ສາລີ", "玉米", ("ton", "sack")),
        ("ນ້ຳຕານ", "白糖", ("ton", "sack")),
        ("ໝາກໂມ", "西瓜", ("ton", "kg")),
        ("ທອງແດງ", "铜", ("ton",)),
        ("ຜ້າໄໝ", "丝绸", ("metre",)),
        ("ໃບຊາ", "茶叶", ("kg", "box")),
        ("ໝາກມ່ວງ", "芒果", ("box", "kg", "ton")),
        ("ງົວ", "肉牛", ("head",)),
    )
)

#: Currencies: (Lao, Chinese).
LAO_ZH_CURRENCIES: tuple[tuple[str, str], ...] = _nfc(
    (
        ("ໂດລາ", "美元"),
        ("ຢວນ", "元"),
        ("ກີບ", "基普"),
    )
)

#: Delivery times; ``{n}`` is a number of days.
LAO_ZH_TIMES: tuple[tuple[str, str], ...] = _nfc(
    (
        ("ມື້ອື່ນ", "明天"),
        ("ອາທິດໜ້າ", "下周"),
        ("ເດືອນໜ້າ", "下个月"),
        ("ພາຍໃນ {n} ວັນ", "{n}天内"),
    )
)

#: Means of transport.
LAO_ZH_TRANSPORT: tuple[tuple[str, str], ...] = _nfc(
    (
        ("ລົດໄຟລາວ-ຈີນ", "中老铁路"),
        ("ລົດບັນທຸກ", "卡车"),
        ("ເຮືອ", "船"),
    )
)

#: Places on the Laos–China trade corridor.
LAO_ZH_PLACES: tuple[tuple[str, str], ...] = _nfc(
    (
        ("ຄຸນໝິງ", "昆明"),
        ("ໜານໜິງ", "南宁"),
        ("ບໍ່ເຕັນ", "磨丁"),
        ("ວຽງຈັນ", "万象"),
        ("ຫຼວງພະບາງ", "琅勃拉邦"),
        ("ປາກເຊ", "巴色"),
    )
)

#: Payment terms; ``{pct}`` is a percentage.
LAO_ZH_PAYMENT: tuple[tuple[str, str], ...] = _nfc(
    (
        ("ຈ່າຍເງິນລ່ວງໜ້າ {pct}%", "预付{pct}%货款"),
        ("ຈ່າຍເງິນສົດເມື່ອຮັບເຄື່ອງ", "货到付现金"),
        ("ໂອນເງິນຜ່ານທະນາຄານ", "通过银行转账付款"),
    )
)

#: Trade documents.
LAO_ZH_DOCUMENTS: tuple[tuple[str, str], ...] = _nfc(
    (
        ("ໃບຮຽກເກັບເງິນ", "发票"),
        ("ສັນຍາ", "合同"),
        ("ໃບຢັ້ງຢືນແຫຼ່ງກຳເນີດສິນຄ້າ", "原产地证书"),
        ("ລາຍການບັນຈຸເຄື່ອງ", "装箱单"),
    )
)

#: Clause templates: (Lao, Chinese). Placeholders: goods, qty, unit, price, currency, time,
#: transport, place, payment, document.
LAO_ZH_CLAUSES: dict[str, tuple[str, str]] = _nfc(
    {
        "buy": ("ພວກເຮົາຕ້ອງການຊື້{goods} {qty} {unit}", "我们需要采购{qty}{unit}{goods}"),
        "sell": ("ພວກເຮົາມີ{goods} {qty} {unit} ສຳລັບຂາຍ", "我们有{qty}{unit}{goods}出售"),
        "ask_price": ("{goods}ລາຄາເທົ່າໃດຕໍ່{unit}", "{goods}每{unit}多少钱"),
        "price": ("ລາຄາ {price} {currency}ຕໍ່{unit}", "价格是每{unit}{price}{currency}"),
        "deliver": ("ສົ່ງເຄື່ອງ{time}", "{time}发货"),
        "transport": ("ທາງ{transport}ໄປ{place}", "通过{transport}运到{place}"),
        "payment": ("{payment}", "{payment}"),
        "document": ("ກະລຸນາສົ່ງ{document}ໃຫ້ພວກເຮົາ", "请把{document}发给我们"),
        "confirm": ("ກະລຸນາຢືນຢັນຄຳສັ່ງຊື້", "请确认订单"),
        "inspection": ("ສິນຄ້າຕ້ອງຜ່ານການກວດກາ", "货物必须通过检验"),
    }
)

#: Which clauses may follow an opening clause, as short dialogue turns in a trade chat.
LAO_ZH_OPENINGS: tuple[str, ...] = ("buy", "sell", "ask_price", "price", "deliver", "document")
LAO_ZH_FOLLOW_UPS: tuple[str, ...] = (
    "price",
    "deliver",
    "transport",
    "payment",
    "document",
    "confirm",
    "inspection",
)


# --- Marketplace listings → HS chapters ----------------------------------------------------

#: HS chapters used as labels. Leading zeros are part of the code: "08" is not "8".
HS_CHAPTERS: dict[str, tuple[str, str]] = {
    "08": ("Edible fruit and nuts", "食用水果及坚果"),
    "09": ("Coffee, tea and spices", "咖啡、茶及调味香料"),
    "33": ("Perfumery and cosmetics", "香料及化妆盥洗品"),
    "40": ("Rubber and articles thereof", "橡胶及其制品"),
    "61": ("Knitted apparel", "针织服装"),
    "64": ("Footwear", "鞋靴"),
    "85": ("Electrical machinery and equipment", "电机、电气设备"),
    "94": ("Furniture and bedding", "家具、寝具"),
}

#: Product words per language and chapter. Thai is written without spaces inside words.
LISTING_WORDS: dict[str, dict[str, tuple[str, ...]]] = _nfc(
    {
        "th": {
            "08": ("ทุเรียนหมอนทอง", "มะม่วงน้ำดอกไม้", "แก้วมังกร", "ลำไยอบแห้ง", "มังคุด", "กล้วยหอม"),
            "09": ("กาแฟคั่วบด", "เมล็ดกาแฟอาราบิก้า", "ชาเขียว", "ชาไทย", "พริกไทยดำ", "อบเชย"),
            "33": ("ลิปสติก", "ครีมบำรุงผิว", "โฟมล้างหน้า", "น้ำหอม", "มาสก์หน้า", "เซรั่มวิตามินซี"),
            "40": ("ถุงมือยาง", "ยางรถยนต์", "ที่นอนยางพารา", "หมอนยางพารา", "สายยาง"),
            "61": ("เสื้อยืด", "เสื้อโปโล", "ชุดชั้นใน", "เสื้อไหมพรม", "ถุงเท้า"),
            "64": ("รองเท้าผ้าใบ", "รองเท้าแตะ", "รองเท้าหนัง", "รองเท้าส้นสูง", "รองเท้าวิ่ง"),
            "85": ("หูฟังบลูทูธ", "พาวเวอร์แบงค์", "สายชาร์จ", "ลำโพงบลูทูธ", "พัดลมตั้งโต๊ะ"),
            "94": ("เก้าอี้หวาย", "โต๊ะไม้สัก", "ตู้เสื้อผ้า", "เตียงนอน", "ชั้นวางหนังสือ"),
        },
        "vi": {
            "08": ("sầu riêng", "xoài cát", "thanh long", "nhãn lồng", "vải thiều", "chuối tiêu"),
            "09": (
                "cà phê rang xay",
                "cà phê hạt",
                "trà xanh",
                "trà ô long",
                "hạt tiêu đen",
                "quế",
            ),
            "33": (
                "son môi",
                "kem dưỡng da",
                "sữa rửa mặt",
                "nước hoa",
                "mặt nạ",
                "serum vitamin C",
            ),
            "40": ("găng tay cao su", "lốp xe", "nệm cao su", "gối cao su", "ống cao su"),
            "61": ("áo thun", "áo polo", "đồ lót", "áo len", "vớ cotton"),
            "64": ("giày thể thao", "dép tổ ong", "giày da", "giày cao gót", "giày chạy bộ"),
            "85": ("tai nghe bluetooth", "sạc dự phòng", "cáp sạc", "loa bluetooth", "quạt điện"),
            "94": ("ghế mây", "bàn gỗ", "tủ quần áo", "giường ngủ", "kệ sách"),
        },
        "id": {
            "08": (
                "durian montong",
                "mangga harum manis",
                "buah naga",
                "kelengkeng",
                "manggis",
                "pisang",
            ),
            "09": (
                "kopi bubuk",
                "biji kopi arabika",
                "teh hijau",
                "teh melati",
                "lada hitam",
                "kayu manis",
            ),
            "33": (
                "lipstik",
                "krim wajah",
                "sabun muka",
                "parfum",
                "masker wajah",
                "serum vitamin C",
            ),
            "40": (
                "sarung tangan karet",
                "ban mobil",
                "kasur lateks",
                "bantal lateks",
                "selang karet",
            ),
            "61": ("kaos", "kaos polo", "pakaian dalam", "sweater rajut", "kaos kaki"),
            "64": (
                "sepatu olahraga",
                "sandal jepit",
                "sepatu kulit",
                "sepatu hak tinggi",
                "sepatu lari",
            ),
            "85": (
                "earphone bluetooth",
                "power bank",
                "kabel charger",
                "speaker bluetooth",
                "kipas angin",
            ),
            "94": ("kursi rotan", "meja kayu jati", "lemari pakaian", "tempat tidur", "rak buku"),
        },
    }
)

#: Words that appear in listings of any chapter: they carry no signal about the label.
LISTING_FILLERS: dict[str, tuple[str, ...]] = _nfc(
    {
        "th": ("ราคาถูก", "ของแท้", "ใหม่", "ส่งฟรี", "ลดราคา", "พรีเมียม", "สีดำ", "สีขาว", "พร้อมส่ง"),
        "vi": (
            "giá rẻ",
            "chính hãng",
            "hàng mới",
            "freeship",
            "sale",
            "cao cấp",
            "màu đen",
            "màu trắng",
            "có sẵn",
        ),
        "id": (
            "murah",
            "original",
            "baru",
            "gratis ongkir",
            "promo",
            "premium",
            "hitam",
            "putih",
            "ready stock",
        ),
    }
)

#: "comes with a free ..." — a listing may mention a gift from another chapter.
LISTING_GIFT_WORD: dict[str, str] = _nfc({"th": "แถม", "vi": "tặng kèm", "id": "gratis"})

#: Sizes and weights that decorate titles.
LISTING_SIZES: tuple[str, ...] = (
    "500g",
    "1kg",
    "250ml",
    "XL",
    "M",
    "size 40",
    "2 pcs",
    "10000mAh",
    "set 3",
    "100x200cm",
)


# --- Vietnamese tourism reviews ------------------------------------------------------------

#: Places on cross-border tours between Guangxi and northern Vietnam.
REVIEW_PLACES: tuple[str, ...] = _nfc(
    (
        "thác Bản Giốc",
        "vịnh Hạ Long",
        "Quế Lâm",
        "Nam Ninh",
        "Đông Hưng",
        "cửa khẩu Hữu Nghị",
        "Sa Pa",
        "Lạng Sơn",
        "Móng Cái",
        "Bắc Hải",
    )
)

#: Openings: ``{place}`` is one of ``REVIEW_PLACES``.
REVIEW_OPENINGS: tuple[str, ...] = _nfc(
    (
        "Chuyến đi {place}",
        "Tour {place} 3 ngày 2 đêm",
        "Đi {place} cùng gia đình",
        "Lần đầu đến {place}",
        "Đoàn công ty đi {place}",
    )
)

#: Fragments with their sentiment weight. Negated forms ("không ngon") reuse the words of
#: positive ones, so a bag of words alone misreads them.
REVIEW_FRAGMENTS: tuple[tuple[str, float], ...] = _nfc(
    (
        ("cảnh đẹp tuyệt vời", 1.2),
        ("phong cảnh rất đẹp", 1.0),
        ("thiên nhiên hùng vĩ", 1.0),
        ("hướng dẫn viên nhiệt tình", 1.0),
        ("hướng dẫn viên vui tính và chu đáo", 1.1),
        ("đồ ăn ngon", 0.9),
        ("món ăn hợp khẩu vị", 0.8),
        ("khách sạn sạch sẽ", 0.8),
        ("phòng rộng và thoáng", 0.7),
        ("làm thủ tục ở cửa khẩu nhanh", 0.9),
        ("qua cửa khẩu thuận tiện", 0.8),
        ("giá cả hợp lý", 0.8),
        ("đáng đồng tiền", 0.9),
        ("xe đưa đón đúng giờ", 0.5),
        ("cảnh không đẹp như quảng cáo", -1.0),
        ("nước đục, không đẹp", -0.9),
        ("hướng dẫn viên thiếu chuyên nghiệp", -1.1),
        ("hướng dẫn viên ép mua hàng", -1.3),
        ("đồ ăn không ngon", -0.9),
        ("đồ ăn nguội và ít", -0.9),
        ("phòng không sạch", -0.9),
        ("khách sạn cũ, ồn ào", -0.8),
        ("chờ ở cửa khẩu quá lâu", -1.0),
        ("thủ tục xuất nhập cảnh rườm rà", -0.8),
        ("giá quá đắt", -0.9),
        ("bị chặt chém", -1.3),
        ("quá đông người", -0.6),
        ("xếp hàng mệt mỏi", -0.6),
        ("giá không đắt", 0.6),
        ("đồ ăn không tệ", 0.4),
        ("bình thường", 0.0),
        ("tạm được", 0.1),
        ("không có gì đặc biệt", -0.2),
        ("cũng được", 0.1),
    )
)

#: Closings with their weight.
REVIEW_CLOSINGS: tuple[tuple[str, float], ...] = _nfc(
    (
        ("Sẽ quay lại lần nữa.", 1.0),
        ("Rất đáng để đi.", 1.0),
        ("Recommend cho mọi người.", 0.8),
        ("Thất vọng.", -1.2),
        ("Không bao giờ quay lại.", -1.3),
        ("Không nên đi.", -1.1),
    )
)

SENTIMENT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")


def all_strings() -> list[str]:
    """Every string in the tables, for checks such as NFC-normalisation."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for table in (
        LAO_ZH_UNITS,
        LAO_ZH_GOODS,
        LAO_ZH_CURRENCIES,
        LAO_ZH_TIMES,
        LAO_ZH_TRANSPORT,
        LAO_ZH_PLACES,
        LAO_ZH_PAYMENT,
        LAO_ZH_DOCUMENTS,
        LAO_ZH_CLAUSES,
        HS_CHAPTERS,
        LISTING_WORDS,
        LISTING_FILLERS,
        LISTING_GIFT_WORD,
        REVIEW_PLACES,
        REVIEW_OPENINGS,
        REVIEW_FRAGMENTS,
        REVIEW_CLOSINGS,
    ):
        walk(table)
    return found
