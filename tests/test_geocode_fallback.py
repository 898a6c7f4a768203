"""Unknown villages, fronts, mountains and valleys fall back to the nearest known unit the text gives for them
(issue 3: "بين قرى الطالعة وأم الكرامي غربي ناحية العظيم" → Al-Adhaim, the village names kept in location_ar), and
the other rules from the second hand check of ant-2018 articles (docs/kb.md section 2).

Each test runs the run-time path: ``analyse`` finds the mentions, ``resolve_mentions`` on one mention with the
article's context gives its place.
"""
from __future__ import annotations

from rasd.kb.gazetteer import load_gazetteer
from rasd.model import Article
from rasd.pipeline import analyse, extract_article
from rasd.resolve.geocode import article_context, resolve_mentions


def resolved(text: str) -> dict:
    """Mention text → the ResolvedPlace of that one mention (None when found but not resolved)."""
    gazetteer = load_gazetteer()
    an = analyse(Article("t", text))
    ctx = article_context(an)
    return {m.text: resolve_mentions(gazetteer, [m], ctx) for m in an.places}


def where(r) -> tuple:
    return (r.place.name_en, r.place.level, r.place.country_code, r.geo_precision)


def test_villages_fall_back_to_the_subdistrict_named_after_them():
    got = resolved("قتل 3 مدنيين بين قرى الطالعة وأم الكرامي غربي ناحية العظيم")
    for village in ("الطالعة", "أم الكرامي"):
        r = got[village]
        assert r.place.level == "admin3" and r.place.country_code == "IQ" and r.geo_precision == 2
        assert village in r.location_ar and r.unknown_names == (village,)


def test_village_in_a_district():
    r = resolved("قصفت الطائرات قرية الحمراء في مديرية صرواح بمأرب")["الحمراء"]
    assert where(r) == ("Sirwah", "admin2", "YE", 2) and r.location_ar.startswith("الحمراء")


def test_front_north_of_a_town():
    r = resolved("تقدمت القوات في جبهة الملاحيظ شمال صعدة")["الملاحيظ"]   # the name stops at the direction word
    assert r.place.country_code == "YE" and r.place.admin1 == resolved("في صعدة")["صعدة"].place.admin1
    assert r.geo_precision == 2 and "الملاحيظ" in r.location_ar


def test_mountain_valley_and_a_village_of_a_governorate():
    r = resolved("سيطرت القوات على جبل القاهرة في مديرية الغيل بالجوف")["القاهرة"]
    assert where(r) == ("Al Ghayl", "admin2", "YE", 2)          # not Cairo
    r = resolved("غارات على وادي عذبه في مديرية خب والشعف")["عذبه"]
    assert r.place.level == "admin2" and r.place.country_code == "YE" and r.geo_precision == 2
    r = resolved("قتل 2 في بلدة الهبيط التابعة لمحافظة إدلب")["الهبيط"]   # "التابعة" is no part of the name
    assert where(r) == ("Idlib", "admin1", "SY", 3)
    r = resolved("استهدف القصف منطقة الشيخ سعد في محافظة درعا")["الشيخ سعد"]
    assert where(r) == ("Daraa", "admin1", "SY", 3)


def test_a_farm_word_makes_a_big_place_abroad_a_homonym():
    r = resolved("قتل مدني في مزارع الطائف في محافظة درعا")["الطائف"]
    assert where(r) == ("Daraa", "admin1", "SY", 3)              # not Ta'if, Saudi Arabia


def test_the_unit_named_earlier_in_the_sentence_or_the_dominant_governorate():
    r = resolved("في مديرية صرواح بمحافظة مأرب، قصفت الطائرات قرية الزور")["الزور"]
    assert r.place.country_code == "YE" and r.geo_precision in (2, 3)     # the nearest unit before it
    got = resolved("قصف على محافظة حجة. وفي حجة قتل 3. وسقطت قذائف على قرية الخربة")
    assert where(got["الخربة"])[1:] == ("admin1", "YE", 3) and got["الخربة"].location_ar == "الخربة"


def test_no_anchor_across_a_sentence_end_and_no_country_anchor():
    got = resolved("قصف في اليمن. قتل 3 في قرية الخربة")
    assert got["الخربة"] is None


def test_not_a_name_after_a_front_word():
    assert set(resolved("قصفت جبهة النصرة مواقع في إدلب")) == {"إدلب"}
    assert set(resolved("قتل جندي في جبهات القتال بصعدة")) == {"صعدة"}


def test_descriptive_phrases_are_not_the_named_region():
    assert set(resolved("سيطرت قسد على الضفة الغربية لنهر الفرات في دير الزور")) == {"دير الزور"}
    got = resolved("اشتباكات في الساحل الغربي للعاصمة طرابلس")
    assert {where(r)[2] for r in got.values()} == {"LY"}      # not Yemen's West Coast, not Bahrain's Capital
    assert resolved("تقدمت القوات في الساحل الغربي لليمن")["الساحل الغربي"].place.country_code == "YE"


def test_bare_country_shared_with_its_capital_is_the_country():
    assert where(resolved("وصل الوفد إلى الجزائر")["الجزائر"])[:3] == ("Algeria", "country", "DZ")
    assert resolved("وصل الوفد إلى تونس")["تونس"].place.level == "country"


def test_gaza_envelope_is_israel_not_the_strip():
    r = resolved("سقطت صواريخ على مستوطنات غلاف غزة")["مستوطنات غلاف غزة"]
    assert r.place.country_code == "IL" and r.place.level == "admin1"


def test_bare_ghouta_and_the_golan():
    assert resolved("قصف على الغوطة بريف دمشق")["الغوطة"].place.name_en == "Eastern Ghouta"
    assert resolved("قصفت إسرائيل مواقع في الجولان")["الجولان"].place.country_code == "SY"


def test_an_event_at_an_unknown_village_gets_the_unit_and_keeps_the_name():
    events = extract_article(Article("t", "قتل ثلاثة مدنيين في غارة جوية على قرية الحمراء في مديرية صرواح بمحافظة مأرب"))
    assert events
    ev = events[0]
    assert ev.country_code == "YE" and "الحمراء" in (ev.location_ar or "") and ev.geo_precision >= 2


def test_words_after_a_type_word_are_no_unknown_place():
    from rasd.recognise.places import could_be_unknown_place
    assert not could_be_unknown_place("الغربية") and not could_be_unknown_place("تضم")
    assert could_be_unknown_place("الملاحيظ") and could_be_unknown_place("أم الكرامي")
    got = resolved("استهدف التفجير القصر العدلي في مدينة إدلب، ووقع في منطقة تضم أيضا مشفى المحافظة")
    assert "تضم" not in got
    got = resolved("تفجير في حي سكني في مدينة السويداء. واستعادوا السيطرة على تلة وفرضوا حصارا")
    assert got.get("سكني") is None and got.get("وفرضوا") is None      # found by the tagger at most


def test_a_village_joined_to_a_known_town_takes_the_towns_governorate():
    got = resolved("تسيطر القوات على كامل محافظة درعا، ما عدا مدينة نوى وبلدة الشيخ سعد ومحيطها وبعض مناطق ريف القنيطرة")
    assert where(got["الشيخ سعد"]) == ("Daraa", "admin1", "SY", 3)      # not Quneitra, named after it


def test_no_dominant_governorate_abroad():
    got = resolved("قتل 3 في طرابلس وبنغازي وسرت، وعاد وفد من القاهرة. ثم سافر إلى القاهرة. وقصفت قرية الخربة")
    assert got.get("الخربة") is None or got["الخربة"].place.country_code == "LY"


def test_a_verb_after_a_mountain_name_is_no_second_mountain():
    got = resolved("تقدمت القوات باتجاه جبل الظهر وقطعت إمدادات الميليشيات في مديرية نعمان")
    assert "قطعت" not in got and "وقطعت" not in got and got["الظهر"].place.country_code == "YE"
    got = resolved("العملية أسفرت عن تحرير جبل الذراع وأجزاء واسعة من جبل النار بمديرية حرض")
    assert "أجزاء" not in got and got["النار"].place.level == "admin2"


def test_a_mountain_pass_is_no_aqaba_but_al_aqaba_is():
    got = resolved("تقدمت القوات باتجاه جبل الظهر وقطعت الإمدادات إلى عقبة القنذع في مديرية نعمان")
    assert {r.place.country_code for r in got.values()} == {"YE"} and "القنذع" in got
    assert not any("قطعت" in name for name in got)
    assert resolved("وصل الملك إلى العقبة")["العقبة"].place.country_code == "JO"


def test_a_unit_word_vouches_for_a_short_unknown_name():
    from rasd.model import Mention
    from rasd.recognise.places import PlaceRef
    from rasd.resolve.geocode import _after_unit_word
    text = "حررت القوات مواقع في مديرية برط"
    m = Mention(text.index("برط"), len(text), "PLACE", "برط", PlaceRef("برط", ()))
    assert _after_unit_word(text, m) and not _after_unit_word("في منطقة برط", Mention(9, 12, "PLACE", "برط", PlaceRef("برط", ())))


def test_iraqi_kurdistan_bab_al_mandab_and_a_governorate_that_is_an_admin2():
    got = resolved("قصف الحرس الثوري مقرا في قضاء كويسنجق في اربيل بكردستان العراق")
    assert got["كردستان العراق"].place.country_code == "IQ"
    assert resolved("أكدت وزارة البيشمركة في إقليم كردستان العراق")["إقليم كردستان العراق"].place.country_code == "IQ"
    got = resolved("تقع جبال كهبوب في اليمن جنوب غرب باب المندب")
    assert {r.place.country_code for r in got.values()} == {"YE"}
    assert resolved("قال مسؤول ملف الاستيطان في محافظة نابلس")["نابلس"].place.level == "admin2"
    assert "العمليات" not in resolved("تعرضت مقاتلة بمنطقة العمليات لصاروخ من مطار صعدة")



# Round three (docs/kb.md section 2, "Round three"): names after site and unit words, hashtags, heads of names.

def test_a_front_named_after_a_junction_is_no_town_abroad():
    got = resolved("تركزت المواجهات شمالي مديرية حيس، بالإضافة إلى جبهة المفرق في مديرية موزع بمحافظة تعز")
    assert got["المفرق"].place.country_code == "YE" and got["المفرق"].geo_precision >= 2


def test_unknown_names_after_site_words_that_need_the_article():
    got = resolved("غارات على مطار التيفور العسكري في ريف حمص")
    assert "التيفور" in got and got["التيفور"].place.country_code == "SY" and "التيفور العسكري" not in got
    got = resolved("يواصلون اعتصامهم قرب موقع البرجسية النفطي في البصرة")
    assert where(got["البرجسية"])[2:] == ("IQ", 2)
    # a foreign name without the article, a frequent word and the site word with the article open no name
    assert set(resolved("هبطت الطائرة في مطار هيثرو في لندن")) == {"لندن"}
    assert set(resolved("وقع انفجار في موقع الحادث في بغداد")) == {"بغداد"}
    assert set(resolved("أعلنت مديرية الأمن في عدن")) == {"عدن"}
    assert set(resolved("وصلت الطائرة إلى المطار الدولي في عدن")) == {"عدن"}


def test_names_after_a_capture_word_and_in_its_list():
    got = resolved("تمكنت القوات من تحرير السرداح والمجروب والمعاين في مديرية حرض بمحافظة حجة")
    assert all(got[n].place.name_en == "Harad District" for n in ("السرداح", "المجروب", "المعاين"))
    assert set(resolved("طالبت بتحرير الأسرى في صنعاء")) == {"صنعاء"}


def test_lam_before_a_village_word_opens_the_name():
    got = resolved("وأفاد رئيس المجلس البلدي لقرية سديرة جنوب الشرقاط أن المشيعين وصلوا")
    assert got["سديرة"].place.country_code == "IQ" and got["سديرة"].geo_precision == 2
    assert "القضاء" not in resolved("أحيل للقضاء العسكري في بغداد")


def test_a_name_head_keeps_the_next_word_and_a_hashtag_name_is_one_name():
    got = resolved("قصفت الطائرات مواقع في منطقة بني معين بمديرية رازح")
    assert "بني معين" in got and got["بني معين"].place.country_code == "YE"
    got = resolved("قصف قرى عبد الله الحطام وقرى السيد مصطفى شرقي جلولاء")
    assert "عبد الله الحطام" in got
    got = resolved("اشتباكات بين الحوثيين وأهالي منطقة #بني_سويد بمحافظة ذمار")
    assert "بني_سويد" in got and got["بني_سويد"].place.country_code == "YE" and "سويد" not in got
    assert resolved("مظاهرة تحت شعار معا ضد #الهجمات_التركية_على_عفرين")["عفرين"].place.country_code == "SY"


def test_a_border_fence_is_no_name():
    assert set(resolved("يسود التوتر منطقة السياج الحدودي بين غزة وإسرائيل")) <= {"غزة", "إسرائيل"}


def test_a_governorate_opening_a_line_starts_a_section_for_the_fallback():
    text = ("قصفت الطائرات مواقع في جبهة حرض بمحافظة حجة.\nوتقدمت القوات في مديرية حرض ومدينة حرض بحجة.\n"
            "وفي محافظة الجوف، حررت القوات مواقع جديدة.\nوتواصل القوات التقدم لاستكمال تحرير جبل القاهرة الاستراتيجي.")
    assert where(resolved(text)["القاهرة"]) == ("Al Jawf", "admin1", "YE", 3)
    # a governorate named inside a line opens no section: the article's dominant governorate stays
    text = ("قصفت الطائرات مواقع في جبهة حرض بمحافظة حجة.\nوتقدمت القوات في مديرية حرض ومدينة حرض بحجة.\n"
            "ووقعت اشتباكات في منطقة آنس التابعة لمحافظة ذمار.\nواستهدفت الطائرات منصات في مزارع منطقة الجر.")
    assert where(resolved(text)["الجر"])[:3] == ("Hajjah", "admin1", "YE")


def test_a_second_opener_after_an_opener_takes_the_name_and_adjectives_end_it():
    got = resolved("سيطرت قوات الشرعية على منطقة وجبال كهبوب الاستراتيجية بأطراف مديرية المضاربة شمال لحج")
    assert "كهبوب" in got and "وجبال كهبوب" not in got and "كهبوب الاستراتيجية" not in got
    assert resolved("بالإضافة إلى جبهة المفرق، المؤدية إلى محافظة تعز")["المفرق"].place.country_code == "YE"
    assert set(resolved("وصلوا إلى درنة، وهي ميناء على البحر المتوسط")).isdisjoint({"البحر المتوسط"}) or \
        resolved("وصلوا إلى درنة، وهي ميناء على البحر المتوسط")["البحر المتوسط"] is None


def test_a_frequent_name_after_a_village_word_but_no_adjective_or_verb():
    got = resolved("ينص الاتفاق على إخراج قاطني بلدتي كفريا والفوعة المواليتين لقوات النظام في ريف إدلب")
    assert where(got["كفريا"])[:3] == where(got["الفوعة"])[:3] == ("Idlib", "admin1", "SY")
    got = resolved("سيطر الجيش على بلدة تقع شمال حماة، ودخل قرية صغيرة قرب حلب، وبلدات جنوبية في ريف حلب")
    assert all(got.get(w) is None for w in ("تقع", "صغيرة", "جنوبية"))


def test_a_plain_word_opens_a_name_even_in_a_hashtag():
    got = resolved("غارات على منطقة #قاع_الحقل في مديرية جهران بمحافظة #ذمار")
    assert got["الحقل"].place.country_code == "YE" and got["الحقل"].geo_precision == 2
    assert set(resolved("غرقت السفينة في قاع البحر قرب عدن")) == {"عدن"}


def test_the_fallback_does_not_anchor_abroad_unless_the_text_ties_it():
    got = resolved("قال مسؤولون إن الضربة استهدفت مطار التيفور العسكري السوري في ريف حمص. "
                   "وقالت مصادر إن الضربة استهدفت مطار التيفور العسكري السوري وواشنطن تنفي مشاركتها في الهجوم على حمص")
    assert got["التيفور"].place.country_code == "SY"           # not Washington, named after it
    # tied by a locative word, a unit abroad still anchors
    r = resolved("قتل مدنيون في دمشق وحلب. وقع انفجار في قرية الجديدة في مديرية صرواح بمأرب")["الجديدة"]
    assert r is None or r.place.country_code == "YE"


def test_names_in_quotes_after_an_opener():
    r = resolved("سيطرت القوات على جبل «معرين» في مديرية حرض بمحافظة حجة")["معرين"]
    assert r.place.country_code == "YE" and r.geo_precision == 2 and "معرين" in r.location_ar


def test_bare_names_after_a_plural_area_word():
    got = resolved("تقدمت القوات في مناطق الفازة والمغرس في مديرية التحيتا بالحديدة")
    assert got["المغرس"].place.country_code == "YE" and got["الفازة"].place.country_code == "YE"
    assert "النظام" not in resolved("سقطت قذائف في مناطق سيطرة النظام في حلب")


def test_bare_names_listed_before_a_known_town_take_its_governorate():
    got = resolved("نزح المدنيون من حمورية وحزة والنشابية في الغوطة الشرقية")
    for name in ("حمورية", "حزة"):
        assert where(got[name]) == ("Rif Dimashq", "admin1", "SY", 3) and name in got[name].location_ar
    assert set(resolved("خرج من الاجتماع ودمشق تؤكد")) == {"دمشق"}     # a common noun is no name
    assert set(resolved("دمرت القوات المنازل والمدارس وحلب")) == {"حلب"}  # the list must follow a list word


def test_a_definite_feminine_adjective_ends_an_unknown_name():
    got = resolved("اشتباكات في قرية بسيرين البعيدة عن حماة")
    assert "بسيرين" in got and "بسيرين البعيدة" not in got and got["بسيرين"].place.country_code == "SY"
    assert "المحجة" in resolved("قتل 2 في منطقة المحجة الخاضعة لسيطرة النظام في درعا")


def test_a_kind_word_right_after_an_opener_starts_no_name():
    assert set(resolved("قتل جندي في منطقة جنوبي البلاد")) == set()       # a description, no fallback
    got = resolved("قتل في منطقة جبل الأكراد في اللاذقية")
    assert "جبل الأكراد" not in got and got["الأكراد"].place.country_code == "SY"   # one row, not two


def test_a_name_only_the_tagger_found_gets_no_governorate_of_the_article():
    from rasd.model import Mention
    from rasd.recognise.places import PlaceRef
    text = "قصف على حلب. قتلى في حلب. وقال الوزير في فرساي إن الحل قريب"
    an = analyse(Article("t", text))
    ctx = article_context(an)
    s = text.index("فرساي")
    tagged = Mention(s, s + len("فرساي"), "PLACE", "فرساي", PlaceRef("فرساي", ()))
    assert resolve_mentions(load_gazetteer(), [tagged], ctx) is None         # not Aleppo (Versailles)
    # after a village word it still falls back ("قرية X" is local)
    typed = Mention(s, s + len("فرساي"), "PLACE", "فرساي", PlaceRef("فرساي", (), "populated"))
    assert resolve_mentions(load_gazetteer(), [typed], ctx).place.admin1 == resolved("في حلب")["حلب"].place.admin1


def test_a_target_or_destination_is_no_fallback_anchor():
    # "باتجاه مدينة مأرب": the missiles' target does not contain the mountain they were fired from
    r = resolved("أطلقت المليشيا صاروخا باليستيا من جبل هيلان باتجاه مدينة مأرب.")["هيلان"]
    assert r is None or r.place.name_en != "Ma'rib"
    # "مروراً بمنطقة X": on the way, not in the town named before it
    got = resolved("كان في طريق عودته إلى مقر إقامته بمدينة المرج، مروراً بمنطقة سيدي خليفة حيث وقع الهجوم.")
    assert got["سيدي خليفة"] is None or got["سيدي خليفة"].place.name_en != "Al Marj"
    # "المؤدية إلى محافظة تعز" and "نحو تحرير مديرية كتاف" still anchor
    assert resolved("بالإضافة إلى جبهة المفرق، المؤدية إلى محافظة تعز")["المفرق"].place.country_code == "YE"


def test_a_name_after_a_direction_phrase_belongs_to_the_district_it_describes():
    r = resolved("واصلت القوات تقدمها في مديرية ناطع شرق البيضاء، وحررت عدداً من المواقع في منطقة اعشار.")["اعشار"]
    assert r.place.level == "admin2" and r.place.country_code == "YE" and r.geo_precision == 2
    assert "اعشار" in r.location_ar


def test_bare_lists_after_positions_and_dual_quarter_word():
    got = resolved("سيطرت القوات على مواقع الخيامي والمشجب في مديرية حيس بالحديدة.")
    for name in ("الخيامي", "المشجب"):
        assert got[name].place.level == "admin2" and got[name].place.country_code == "YE"
    assert not any(k.startswith(("الحوثي", "الجيش", "التواصل"))
                   for k in resolved("قصف الطيران مواقع الحوثيين ومواقع الجيش في صعدة ومواقع التواصل."))
    got = resolved("سقطت قذائف على حيي التضامن والزين في دمشق.")
    assert got["التضامن"].place.country_code == "SY" and got["الزين"].place.country_code == "SY"


def test_sanaa_governorate_is_not_the_capital():
    got = resolved("قتل ثلاثة في مديرية أرحب بمحافظة صنعاء.")
    r = next(v for k, v in got.items() if "صنعاء" in k)
    assert r.place.level == "admin1" and r.place.id != "gn:6940571"
    assert resolved("وصل الوفد إلى صنعاء.")["صنعاء"].place.id == "gn:71137"


def test_north_of_the_strip_is_the_gaza_strip():
    got = resolved("مقتل فلسطينيين اثنين برصاص الجيش الإسرائيلي شرق جبال شمال القطاع في قطاع غزة.")
    assert any(r is not None and r.place.id == "gn:281132" for k, r in got.items() if "القطاع" in k and "غزة" not in k)
