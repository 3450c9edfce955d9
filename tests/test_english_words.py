"""English words the glossary lacks, put in the corpus's Chinese words (CC-CEDICT read
backwards, ranked by the embedder): the dictionary is the real one; the embedder is a fake with
stated geometry."""

from __future__ import annotations

import numpy as np

from assistant.english_words import EnglishRenderer, dictionary_words, singular, word_forms


def test_plurals_are_looked_up_in_the_singular():
    assert [singular(w) for w in ("policies", "taxes", "exports", "industries", "business", "status", "women")] == [
        "policy", "tax", "export", "industry", "business", "status", "woman"]


def test_inflected_words_are_looked_up_in_their_lemmas():
    assert word_forms("renovating")[:2] == ["renovating", "renovate"]
    assert "phone" in word_forms("phones") and "grow" in word_forms("grew")
    assert "修缮" in dictionary_words("renovating")  # CC-CEDICT glosses the lemma only


def test_words_the_corpus_lacks_give_way_to_glosses_that_contain_the_word():
    # "phone" is the whole gloss of 致电 only; 手机 is glossed "cell phone": when the corpus
    # does not use 致电, the glosses that contain the word are looked at
    assert "致电" in dictionary_words("phone")
    assert "手机" in dictionary_words("phones", keep=lambda w: w != "致电")


def test_the_dictionary_gives_the_chinese_words_of_an_english_one():
    assert "赤字" in dictionary_words("deficit")
    assert "储蓄" in dictionary_words("savings")
    assert "失业" in dictionary_words("unemployment")
    # no gloss is the word itself: short glosses that contain it (植树造林 "afforestation; …")
    assert any("造林" in w for w in dictionary_words("afforestation"))
    assert dictionary_words("qwertyuiop") == []


def _fake_embed(geometry: dict[str, list[float]]):
    """Unit vectors from a table: the English word and its candidates, as stated."""
    def embed(words: list[str]) -> np.ndarray:
        rows = np.array([geometry.get(w, [0.0, 0.0, 1.0]) for w in words], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return embed


def test_only_words_the_corpus_uses_are_kept_best_first_by_the_embedder():
    corpus = {"工资", "大战"}
    # "wage" and 工资 point the same way; 大战 ("wage war") is orthogonal
    geometry = {"wage": [1.0, 0.0, 0.0], "工资": [0.9, 0.1, 0.0], "大战": [0.0, 1.0, 0.0]}
    renderer = EnglishRenderer(lambda w: w in corpus, _fake_embed(geometry))
    assert renderer.render("wages") == ("工资",)
    # nothing the corpus uses: no rendering (the word stays English, and counts as unmatched)
    assert EnglishRenderer(lambda w: False).render("wages") == ()


def test_among_close_renderings_the_word_the_reports_use_more_wins():
    corpus = {"家用", "国内"}
    # 家用 ("household") is a little closer to "domestic" than 国内, but rare in the reports
    geometry = {"domestic": [1.0, 0.0, 0.0], "家用": [0.95, 0.31, 0.0], "国内": [0.94, 0.34, 0.0]}
    idf = {"家用": 6.3, "国内": 2.6}
    renderer = EnglishRenderer(lambda w: w in corpus, _fake_embed(geometry), idf.__getitem__)
    assert renderer.render("domestic")[0] == "国内"


def test_an_english_question_gets_chinese_terms_from_the_dictionary():
    from assistant.question import Vocabulary, understand

    known = {"植树", "造林", "植树造林", "河北"}
    q = understand("How much afforestation will Hebei complete in 2025?",
                   Vocabulary(df=lambda token: 1 if token in known else 0, n_chunks=10, words=lambda: {}))
    rendered = [t for t in q.terms if any("造林" in a for a in t.alternatives)]
    assert rendered and not rendered[0].text.isascii(), q.terms
    assert "Hebei" not in {t.text for t in q.terms if t.weight > 0}


def test_two_adjacent_words_the_dictionary_glosses_as_one_render_as_one_word():
    from assistant.question import Vocabulary, understand

    renderer = EnglishRenderer(lambda w: w in {"医保", "社保"})
    assert renderer.render_pair("medical", "insurance") == ("医保",)
    assert renderer.render_pair("social", "insurances") == ("社保",)  # the second word's lemmas too
    assert renderer.render_pair("green", "insurance") == ()  # no such gloss: rendered word by word
    # a compound glossed with a possessive (bachelor's degree), read from words without it
    assert EnglishRenderer(lambda w: w == "学士学位").render_pair("bachelor", "degrees") == ("学士学位",)
    # each word alone has a rendering of its own (固定, 资产): the pair is one term all the same
    known = {"固定", "资产", "固定资产", "青河"}
    q = understand("What fixed asset value did Qinghe report for 2034?",
                   Vocabulary(df=lambda token: 1 if token in known else 0, n_chunks=10, words=lambda: {}))
    pair = next((t for t in q.terms if t.text == "固定资产"), None)
    assert pair is not None and "资产" in pair.alternatives, q.terms  # the head word's rendering beside it


def test_a_five_year_plan_named_in_english_is_the_reports_n_wu():
    from assistant.question import understand

    q = understand("How fast was GNP to grow on average each year under the Sixth Five-Year Plan?")
    plan_term = next((t for t in q.terms if t.text == "六五"), None)
    assert plan_term is not None and "第六个五年计划" in plan_term.alternatives, q.terms
    texts = [t.text for t in q.terms]
    assert "国民生产总值" in texts and "年均" in texts, texts  # the glossary's phrases of the genre
    assert not any(t in texts for t in ("Sixth", "Five-Year", "GNP")), texts
    assert any(t.text == "十四五" for t in understand("GDP growth over the 14th Five-Year Plan period?").terms)


def test_a_british_spelling_is_read_as_the_dictionarys_american_one():
    from assistant.english_words import american_spelling

    assert american_spelling("the talent programme and labour costs") == "the talent program and labor costs"
    assert american_spelling("urbanisation") == "urbanization"
    assert american_spelling("four hours") == "four hours"  # (words the dictionary knows stay)


def test_a_word_of_a_hyphenated_compound_asks_no_number():
    from assistant.question import understand

    assert not understand("What talent program does Yunling plan to attract high-level innovators?").wants_number
    assert understand("What level did Yunling's output reach?").wants_number


def test_the_genres_indicators_are_glossed_and_reporting_is_no_term():
    from assistant.question import understand

    q = understand("Compare the urbanization rates of permanent residents reported by Yunling and Qinghe.")
    rendered = {a for t in q.terms for a in t.alternatives}
    assert {"城镇化率", "常住人口"} <= rendered, q.terms
    assert not any(t.text in ("reported", "反映") for t in q.terms), q.terms
    assert q.wants_number  # (comparing rates asks their figures)


def test_power_capacity_is_glossed_and_reached_is_no_term():
    from assistant.question import understand

    q = understand("What grid-connected offshore wind capacity had Yunling reached by 2035?")
    rendered = {a for t in q.terms for a in t.alternatives}
    assert {"并网", "海上风电", "装机"} <= rendered, q.terms
    assert not any("reach" in t.text for t in q.terms) and not rendered & {"达成", "到达"}, q.terms
    assert q.wants_number  # (what capacity asks a figure)


def test_the_genres_verbs_and_programmes_are_glossed():
    from assistant.question import understand

    def rendered(question: str) -> set[str]:
        return {a for t in understand(question).terms for a in t.alternatives}

    assert {"下降", "天然气"} <= rendered("By how much will Yunling lower the price of gas in 2036?")
    assert {"普通高等学校", "招生"} <= rendered("How many students will Yunling's regular institutions of higher education enroll?")
    assert {"老旧车", "淘汰"} <= rendered("How many old vehicles will Yunling take off the road in 2036?")


def test_the_indicators_the_reports_measure_most_are_rendered():
    """Indicator words frequent across the stored figures, which the dictionary alone misses."""
    from assistant.question import understand

    for english, chinese in (("surface water", "地表水"), ("childcare places", "托位"), ("urban villages", "城中村"),
                             ("electricity consumption", "用电量"), ("defence spending", "国防支出"),
                             ("energy storage", "储能"), ("water supply", "供水"), ("scenic spots", "景区")):
        q = understand(f"What was Yunling's {english} in 2035?")
        assert chinese in {a for t in q.terms for a in t.alternatives}, (english, q.terms)


def test_common_words_take_the_reports_sense_not_the_dictionarys_first():
    from assistant.question import understand

    rendered = {a for t in understand("How many jobs did Yunling create in its urban areas in 2035?").terms
                for a in t.alternatives}
    assert {"城镇", "就业", "新增"} <= rendered and not rendered & {"城市依赖症", "饭碗"}, rendered
    computing = understand("How much computing power did Yunling have in 2035?").terms
    assert "算力" in {a for t in computing for a in t.alternatives} and "电力" not in {t.text for t in computing}


def test_the_corpus_chosen_indicators_never_override_a_glossary_row():
    import re
    from pathlib import Path

    import assistant.english_glossary as glossary
    from assistant.english_indicators import INDICATORS

    written = set(re.findall(r'^    "([^"]+)":', Path(glossary.__file__).read_text(encoding="utf-8"), re.M))
    assert not written & set(INDICATORS)
    assert all(glossary.ENGLISH[k] == v for k, v in INDICATORS.items())
