"""Countries and Chinese provinces the league recruits from.

Codes are ISO 3166-1 alpha-2 for countries and ISO 3166-2:CN for provinces, so that exports and
reports join cleanly with other data.
"""

from django.utils.translation import gettext_lazy as _

ASEAN_COUNTRIES = {
    "BN": _("Brunei"),
    "KH": _("Cambodia"),
    "ID": _("Indonesia"),
    "LA": _("Laos"),
    "MY": _("Malaysia"),
    "MM": _("Myanmar"),
    "PH": _("Philippines"),
    "SG": _("Singapore"),
    "TH": _("Thailand"),
    "TL": _("Timor-Leste"),
    "VN": _("Vietnam"),
}
COUNTRIES = {"CN": _("China"), **ASEAN_COUNTRIES}

# 31 provincial-level divisions of mainland China.
CHINESE_PROVINCES = {
    "CN-AH": _("Anhui"),
    "CN-BJ": _("Beijing"),
    "CN-CQ": _("Chongqing"),
    "CN-FJ": _("Fujian"),
    "CN-GD": _("Guangdong"),
    "CN-GS": _("Gansu"),
    "CN-GX": _("Guangxi"),
    "CN-GZ": _("Guizhou"),
    "CN-HA": _("Henan"),
    "CN-HB": _("Hubei"),
    "CN-HE": _("Hebei"),
    "CN-HI": _("Hainan"),
    "CN-HL": _("Heilongjiang"),
    "CN-HN": _("Hunan"),
    "CN-JL": _("Jilin"),
    "CN-JS": _("Jiangsu"),
    "CN-JX": _("Jiangxi"),
    "CN-LN": _("Liaoning"),
    "CN-NM": _("Inner Mongolia"),
    "CN-NX": _("Ningxia"),
    "CN-QH": _("Qinghai"),
    "CN-SC": _("Sichuan"),
    "CN-SD": _("Shandong"),
    "CN-SH": _("Shanghai"),
    "CN-SN": _("Shaanxi"),
    "CN-SX": _("Shanxi"),
    "CN-TJ": _("Tianjin"),
    "CN-XJ": _("Xinjiang"),
    "CN-XZ": _("Tibet"),
    "CN-YN": _("Yunnan"),
    "CN-ZJ": _("Zhejiang"),
}

COUNTRY_CHOICES = sorted(COUNTRIES.items(), key=lambda kv: kv[0])
PROVINCE_CHOICES = sorted(CHINESE_PROVINCES.items(), key=lambda kv: kv[0])
