"""The gazetteer: whole place names at word boundaries, short forms of the autonomous regions,
misspelt names put right by sound, and the region of every provincial report."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.places import Gazetteer, short_form
from tests.conftest import SHARED

PROVINCIAL = SHARED / "corpora" / "provincial-2025"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(["海城市", "国务院"])


def names(gazetteer: Gazetteer, text: str) -> list[str]:
    return [m.place.name for m in gazetteer.find(text)]


def test_autonomous_regions_have_whole_short_forms():
    assert short_form("宁夏回族自治区") == "宁夏"
    assert short_form("广西壮族自治区") == "广西"
    assert short_form("新疆维吾尔自治区") == "新疆"
    assert short_form("内蒙古自治区") == "内蒙古"
    assert short_form("延边朝鲜族自治州") == "延边"


def test_names_match_at_word_boundaries_leftmost_longest(gazetteer: Gazetteer):
    assert names(gazetteer, "上海南站的客流") == ["上海市"]  # never 海南
    assert names(gazetteer, "浙江西部山区") == ["浙江省"]  # never 江西
    assert names(gazetteer, "城镇新增就业") == []  # 城镇 is not a place
    assert names(gazetteer, "——2025年1月10日在某某县人民代表大会上") == []  # no invented region
    assert names(gazetteer, "宁夏2025年经济增长目标") == ["宁夏回族自治区"]
    assert names(gazetteer, "新疆维吾尔自治区的粮食产量") == ["新疆维吾尔自治区"]
    assert names(gazetteer, "苏州市地区生产总值") == ["苏州市"]
    assert names(gazetteer, "海城今年计划") == ["海城市"]  # a county known to the catalogue
    # a full name opening a longer word (jieba: 江苏省政府, 河北省委) is still the place
    assert names(gazetteer, "2025年江苏省政府工作报告提出") == ["江苏省"]
    assert names(gazetteer, "河北省委、省政府") == ["河北省"]


def test_misspelt_names_are_matched_by_sound(gazetteer: Gazetteer):
    assert gazetteer.correct("宁厦2025年GDP增长目标") == "宁夏2025年GDP增长目标"
    assert gazetteer.correct("海诚今年计划新建多少公里道路") == "海城今年计划新建多少公里道路"
    assert gazetteer.correct("新彊的粮食产量") == "新疆的粮食产量"
    assert gazetteer.correct("将西部大开发推向深入") == "将西部大开发推向深入"  # a word, not a typo
    # a province's name before a year, as a report's title names it, whatever the character
    assert gazetteer.correct("陕酉2031年政府工作报告说") == "陕西2031年政府工作报告说"
    assert gazetteer.correct("陕西2031年的目标") == "陕西2031年的目标"  # a name is no typo of another
    assert gazetteer.correct("湖北省2031年报告") == "湖北省2031年报告"  # (北省 is no 北京 in a text naming a place)
    assert gazetteer.correct("青河县2031年报告") == "青河县2031年报告"
    # the characters of a name already there are no part of a misspelt one (宁三 is no 宁夏 here)
    assert gazetteer.correct("比较湖北、辽宁三省2031年的目标") == "比较湖北、辽宁三省2031年的目标"


def test_english_province_names(gazetteer: Gazetteer):
    found = {p.name for p in gazetteer.find_english("Compare Inner Mongolia, Shaanxi and Tibet with Ningxia's")}
    assert found == {"内蒙古自治区", "陕西省", "西藏自治区", "宁夏回族自治区"}


def test_english_city_names_by_their_pinyin_unless_two_cities_share_it(gazetteer: Gazetteer):
    found = [p.name for p in gazetteer.find_english("What was Lanzhou's GDP in 2034, according to Gansu's report?")]
    assert set(found) == {"甘肃省", "兰州市"}, found
    assert gazetteer.find_english("How many jobs did Taizhou add?") == []  # 台州 and 泰州


def test_every_provincial_report_gets_its_province():
    from ingest import metadata
    from ingest.cleaning import clean_text
    from ingest.loaders import load_path

    files = sorted(PROVINCIAL.glob("*.docx"))
    assert len(files) == 31
    g = Gazetteer()
    for path in files:
        loaded = next(iter(load_path(path)))
        meta = metadata.detect(loaded.name, clean_text(loaded.text, fallback_title=Path(loaded.name).stem), loaded.meta)
        short = path.stem.removeprefix("2025年").removesuffix("政府工作报告")
        expected = g.place_of(short.rstrip("省市") if short.endswith(("省", "市")) else short)
        assert expected is not None and meta.region == expected.name, (path.name, meta.region)
        assert meta.year == 2025


def test_a_figure_whose_clause_names_other_cities_is_not_about_the_city_asked(gazetteer: Gazetteer):
    from assistant.evidence import other_local_place

    chengdu = gazetteer.place_of("成都市")
    assert chengdu is not None and chengdu.level == 2
    assert other_local_place("绵阳、德阳地区生产总值突破4000亿元", [chengdu])
    assert not other_local_place("成都地区生产总值突破2万亿元", [chengdu])
    assert not other_local_place("全省地区生产总值突破6万亿元", [chengdu])  # (no other city: left to the rest)
