"""The words and names the region matcher (:mod:`jabodash.geo.regions`) knows besides ``data/``:
Kemendagri's numbering of the Jakarta cities, English display names, the kind words (Kabupaten,
Kota, Kecamatan...), token rewrites, English direction words and the province names.

``data/regions.csv`` holds the regions themselves and ``data/region_aliases.csv`` the short names
(Jaksel, Tangsel...); these tables are the language around them. Static data only, no imports.
"""
# Kemendagri numbers the five Jakarta cities differently from BPS.
KEMENDAGRI_TO_BPS_JAKARTA = {
    "3174": "3171",  # Jakarta Selatan
    "3175": "3172",  # Jakarta Timur
    "3171": "3173",  # Jakarta Pusat
    "3173": "3174",  # Jakarta Barat
    "3172": "3175",  # Jakarta Utara
}

# English display names (the Indonesian ones come from regions.csv).
EN_NAMES = {
    "3101": ("Thousand Islands Regency", "Thousand Islands"),
    "3171": ("South Jakarta City", "South Jakarta"),
    "3172": ("East Jakarta City", "East Jakarta"),
    "3173": ("Central Jakarta City", "Central Jakarta"),
    "3174": ("West Jakarta City", "West Jakarta"),
    "3175": ("North Jakarta City", "North Jakarta"),
    "3201": ("Bogor Regency", "Bogor Regency"),
    "3203": ("Cianjur Regency", "Cianjur Regency"),
    "3216": ("Bekasi Regency", "Bekasi Regency"),
    "3271": ("Bogor City", "Bogor City"),
    "3275": ("Bekasi City", "Bekasi City"),
    "3276": ("Depok City", "Depok"),
    "3603": ("Tangerang Regency", "Tangerang Regency"),
    "3671": ("Tangerang City", "Tangerang City"),
    "3674": ("South Tangerang City", "South Tangerang"),
}

KAB_WORDS = {"kabupaten", "kab", "regency"}
KOTA_WORDS = {"kota", "kotamadya", "kotamadia", "kodya", "city", "municipality"}
ADM_WORDS = {"adm", "admin", "administrasi", "administratif", "administrative", "administration"}
KEC_WORDS = {"kecamatan", "kec", "district", "subdistrict", "distrik"}
PROVINCE_WORDS = {"provinsi", "propinsi", "prov", "province"}
STRIP_WORDS = KAB_WORDS | KOTA_WORDS | ADM_WORDS | KEC_WORDS

# token -> replacement tokens
TOKEN_REWRITES = {"kep": ("kepulauan",), "jkt": ("jakarta",)}

# English direction words; "central" is Pusat for Jakarta and Tengah elsewhere (Bogor Tengah).
EN_DIRECTIONS = {
    "south": ("selatan",), "north": ("utara",), "east": ("timur",), "west": ("barat",),
    "central": ("pusat", "tengah"),
}

# Province names as token sequences, longest first.
PROVINCES: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("dki", "jakarta"), "31"), (("dki",), "31"), (("jakarta",), "31"),
        (("daerah", "khusus", "ibukota", "jakarta"), "31"), (("daerah", "khusus", "jakarta"), "31"),
        (("special", "capital", "region", "jakarta"), "31"), (("jakarta", "raya"), "31"),
        (("jawa", "barat"), "32"), (("jabar",), "32"), (("west", "java"), "32"),
        (("banten",), "36"),
    ],
    key=lambda item: -len(item[0]),
)
PROVINCE_KEYS = {seq: code for seq, code in PROVINCES}
