"""Place resolution rules found by the hand check of ant-2018 conflict articles (docs/kb.md section 2).

Each test runs the run-time path: ``analyse`` finds the mentions, ``resolve_mentions`` on one mention with the
article's context gives its place.
"""
from __future__ import annotations

import pytest

from rasd.kb.gazetteer import load_gazetteer
from rasd.model import Article
from rasd.pipeline import analyse
from rasd.resolve.geocode import article_context, resolve_mentions


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def resolved(text: str) -> dict[str, tuple[str, str, str] | None]:
    """Mention text → (place name_en, level, country) or None when found but not resolved."""
    gazetteer = load_gazetteer()
    an = analyse(Article("t", text))
    ctx = article_context(an)
    out = {}
    for m in an.places:
        r = resolve_mentions(gazetteer, [m], ctx)
        out[m.text] = (r.place.name_en, r.place.level, r.place.country_code) if r else None
    return out


def test_plural_and_dual_type_words_type_every_joined_name():
    got = resolved("قصفت طائرات التحالف محافظات حجة وعمران والمحويت")
    assert [got[n][1] for n in ("حجة", "عمران", "المحويت")] == ["admin1"] * 3
    got = resolved("اندلعت اشتباكات في محافظتي صعدة والجوف")
    assert got["صعدة"][1] == got["الجوف"][1] == "admin1"
    # a singular type word types only its own name
    got = resolved("قصف في محافظة حجة وعمران")
    assert got["حجة"][1] == "admin1" and got["عمران"][1] == "populated"


def test_bare_gaza_is_the_strip_but_gaza_city_is_the_city():
    assert resolved("مسيرات على الحدود بين غزة وإسرائيل")["غزة"] == ("Gaza Strip", "admin1", "PS")
    assert resolved("قصف في مدينة غزة")["غزة"][1] == "populated"
    assert resolved("قصفت الطائرات قطاع غزة")["قطاع غزة"][1] == "admin1"


def test_rif_dimashq_is_the_governorate():
    assert resolved("قتل 3 في ريف دمشق") == {"ريف دمشق": ("Rif Dimashq", "admin1", "SY")}


def test_madinat_idlib_is_the_city_not_the_district():
    assert resolved("قتل 3 في مدينة إدلب")["إدلب"] == ("Idlib", "populated", "SY")


def test_ghouta_of_damascus_is_eastern_ghouta():
    got = resolved("قصف عنيف على غوطة دمشق في سوريا")
    assert got.get("غوطة دمشق") == ("Eastern Ghouta", "admin2", "SY")


def test_bare_small_names_backed_by_their_governorate():
    got = resolved("تقدمت القوات بين زبيد والتحيتا في الحديدة بعد الخوخة")
    assert got["زبيد"][2] == got["التحيتا"][2] == got["الخوخة"][2] == "YE"
    # no governorate named: a bare small name without a locative word stays out
    assert "الخوخة" not in resolved("وصل الوفد بعد الخوخة")
    # a frequent word split by a clitic is still no place ("بشرية" is not ب + شرية)
    assert set(resolved("خسائر بشرية في بغداد")) == {"بغداد"}


def test_multiword_site_name_counts_without_a_locative_word():
    assert resolved("قصف التحالف مطار صنعاء الدولي في اليمن")["مطار صنعاء الدولي"][1] == "site"


def test_junction_word_is_no_place():
    got = resolved("وصلت القوات في تعز إلى مفرق المخا")
    assert "مفرق" not in got and all(v is None or v[2] == "YE" for v in got.values())


def test_foreign_homonyms_stay_unresolved_in_a_local_article():
    got = resolved("اشتباكات في حي المغار بمدينة درنة الليبية وفي بنغازي")
    assert got["المغار"] == ("Darnah", "populated", "LY")   # not Maghar in Israel: the town it lies in
    assert got["درنة"][2] == "LY"
    # typed as a district, a Somali region of the same name is no reading
    got = resolved("غارات على مديرية حيران بمحافظة حجة")
    assert got["حيران"] is None or got["حيران"][2] == "YE"


def test_west_coast_of_yemen(gaz):
    got = resolved("قوات الساحل الغربي تتقدم نحو الحديدة")
    assert got["الساحل الغربي"] == ("West Coast (Yemen)", "admin2", "YE")


def test_yemeni_districts_carry_their_seat_names(gaz):
    for name in ("حيس", "حيران", "ميدي", "الدريهمي", "لودر"):
        assert gaz.lookup(name, level="admin2", country="YE"), name
    got = resolved("معارك في مديرية حيس جنوب الحديدة")
    assert got["حيس"][1:] == ("admin2", "YE")


def test_rules_are_data(gaz):
    assert gaz.bare_name_means("غزة") == "gn:281132"
    assert gaz.bare_name_means("بغداد") is None
    assert gaz.foreign_homonym_max_population > 0


def test_common_words_need_a_locative_word_and_a_local_town():
    # "عاصمة" (a capital) and "جديدة" (new) are names of places too, but not here
    assert set(resolved("قتل 3 في مدينة السويداء عاصمة المحافظة")) == {"السويداء"}
    assert set(resolved("قتل 28 وفق حصيلة جديدة للمرصد في ريف دمشق")) == {"ريف دمشق"}
    # a district that is also a word counts after a locative word in its governorate's article
    assert resolved("معارك في الحديدة وتقدم في الجراحي")["الجراحي"][2] == "YE"


def test_plural_type_word_after_a_direction_word():
    got = resolved("تدمير آليات عسكرية في شرق مديريتي حيس والجراحي في محافظة الحديدة")
    assert got["حيس"][1] == got["الجراحي"][1] == "admin2"


def test_region_abroad_is_no_reading_of_a_local_quarter():
    got = resolved('الاشتباكات في "حي المغار" وسط مدينة درنة الساحلية شرقي ليبيا')
    assert got["المغار"] == ("Darnah", "populated", "LY")          # not Mgarr, Malta
    assert got["درنة"][2] == "LY"


def test_washington_found_by_ner_is_the_city():
    got = resolved("وهجوم لاذع شنته مندوبة واشنطن على حماس في غزة")
    assert got.get("واشنطن") in (None, ("Washington", "populated", "US"))


def test_a_name_repeated_does_not_support_itself():
    got = resolved('الاشتباكات في "حي المغار" وسط مدينة درنة شرقي ليبيا. وانحصر القناصة بين حي المغار ووسط المدينة')
    assert set(got.values()) <= {("Darnah", "populated", "LY"), ("Derna", "admin1", "LY"), ("Libya", "country", "LY"),
                                 None}


def test_a_world_capital_is_no_homonym():
    got = resolved("قصف التحالف مواقع في صعدة والحديدة، وعقدت محادثات في روما")
    assert got["روما"][2] == "IT"


def test_kind_words_found_by_ner_are_not_looked_up():
    from rasd.recognise.places import PlaceRef, is_place_word
    assert is_place_word("المدينة") and is_place_word("مدينة") and is_place_word("مطار")
    assert not is_place_word("واشنطن")
    gazetteer = load_gazetteer()
    ctx = article_context(analyse(Article("t", "قصف على مدينة نوى في درعا")))
    from rasd.model import Mention
    m = Mention(0, 7, "PLACE", "المدينة", PlaceRef("المدينة", ()))
    assert resolve_mentions(gazetteer, [m], ctx) is None


def test_dual_nahiya_types_both_subdistricts():
    got = resolved("عملية أمنية بين قضاء خانقين وناحيتي السعدية وجلولاء في ديالى")
    assert got["السعدية"][1] in ("admin3", "populated") and got["جلولاء"][2] == "IQ"


def test_hashtags_do_not_break_a_dual_type_word():
    got = resolved("قصفت الطائرات محافظتي #الحديدة و #حجة")
    assert got["الحديدة"][1] == got["حجة"][1] == "admin1"


def test_a_site_word_makes_any_place_abroad_a_homonym():
    # not Qatar, not the UAE: the unit the sentence names for them
    assert resolved("لا سجون سرية بمطار الريان في حضرموت")["الريان"][2] == "YE"
    assert resolved("أغلقوا الطرق إلى حقل الرميلة النفطي في البصرة")["الرميلة"][2] == "IQ"
    # named otherwise in the article, the country abroad stays
    assert resolved("قصف الحوثيون مطار جازان في السعودية")["جازان"][2] == "SA"


def test_bare_kuwait_is_the_state_kuwait_city_the_city():
    assert resolved("رحلوا إلى الكويت عن طريق معبر سفوان")["الكويت"] == ("Kuwait", "country", "KW")
    assert resolved("وصل إلى مدينة الكويت").popitem()[1][1] == "populated"


def test_a_country_adjective_is_no_place_but_the_countrys_name_is():
    assert "السورية" not in resolved("قالت الحكومة السورية إن القصف استهدف دوما")
    assert "السورية" not in resolved("شن الطيران ضربات داخل الأراضي السورية")
    assert resolved("قالت السعودية إن الحوثيين أطلقوا صاروخا")["السعودية"][2] == "SA"
    assert resolved("حملة ضد الجمهورية العربية السورية")["الجمهورية العربية السورية"] == ("Syria", "country", "SY")
    assert resolved("قصفت الطائرات مواقع في سورية")["سورية"][2] == "SY"


def test_a_short_common_word_name_after_a_front_word_next_to_its_governorate():
    got = resolved("تمكنت القوات من تحرير عدة مواقع استراتيجية في جبهة حرض بمحافظة حجة شمال غرب البلاد")
    assert got["حرض"][2] == "YE"


def test_an_indefinite_country_adjective_is_no_place():
    # found or not, it resolves to nothing: "Syrian airports", "a Syrian military site"
    assert resolved("دمرت الغارات مطارات سورية عدة في حمص").get("سورية") is None
    assert resolved("قصفت القوات موقعا عسكريا سوريا قرب دمشق").get("سوريا") is None
    # the country after a particle, a definite word or with a clitic
    assert resolved("وصل إلى سوريا وفد روسي")["سوريا"][2] == "SY"
    assert resolved("زار الرئيس سورية")["سورية"][2] == "SY"
    assert resolved("الحرب في سورية مستمرة")["سورية"][2] == "SY"


def test_words_that_are_no_place():
    assert set(resolved("جاء ذلك على لسان المتحدث باسم الجيش في دمشق")) == {"دمشق"}     # not Ulsan
    assert set(resolved("انفجرت عبوة داخله في حلب")) == {"حلب"}                        # not Dakhla
    assert set(resolved("وجهت ضربات قاهرة للحوثيين في صعدة")) == {"صعدة"}               # not Cairo
    assert set(resolved("أعلن عن 3 مديريات جديدة في الحديدة")) == {"الحديدة"}           # not El Jadida
    assert set(resolved("قدم ورقة بيضاء حول الوضع في إدلب")) == {"إدلب"}                # not و + رقة
    assert set(resolved("اجتاحت السيول المحافظات الجنوبية في اليمن")) == {"اليمن"}    # not Seoul, Bahrain
    assert set(resolved("نزح الآلاف من مدن جنوبية")) == set()
    assert set(resolved("قال إنه لن يتنازل عن شبر من أرض الجنوب السوري")) == set()       # not Surrey
    assert set(resolved("تتواصل عمليات العبور في سيناء")) == {"سيناء"} or "العبور" not in resolved(
        "تتواصل عمليات العبور في سيناء")                                                  # not Obour City
    assert resolved("دخل مدينة العبور في مصر")["العبور"][2] == "EG"
    assert resolved("دخلت القوات مدينة الرقة")["الرقة"][2] == "SY"
    assert resolved("وصل الوفد إلى القاهرة")["القاهرة"][2] == "EG"


def test_a_dual_front_word_types_its_names():
    got = resolved("اشتباكات في جبهتي حرض وميدي بمحافظة حجة")
    assert got["حرض"][2] == got["ميدي"][2] == "YE"


def test_abi_heads_a_name():
    got = resolved("قصفت الطائرات ضاحية أبي الفداء في مدينة حماة")
    assert "أبي" not in got and got["أبي الفداء"][2] == "SY"      # not El Obeid, Sudan


def test_the_short_name_of_a_district_after_its_type_word():
    got = resolved("حررت القوات مواقع جديدة في مديرية برط بمحافظة الجوف")
    assert got["مديرية برط"] == ("Bart al 'Anan", "admin2", "YE")


def test_regions_that_span_governorates_name_their_country():
    got = resolved("تقدمت القوات في البادية السورية وفي منطقة شرق الفرات.")
    assert got["البادية السورية"][2] == "SY" and got["شرق الفرات"][2] == "SY"
    assert resolved("سيطر الجيش الليبي على منطقة الهلال النفطي.")["الهلال النفطي"][2] == "LY"


def test_nominative_dual_type_words_open_and_type_names():
    # "بلدتا"/"قريتا"/"مدينتا" (nominative) do what "بلدتي" does: open names, type every joined one
    got = resolved("حاصرت الفصائل بلدتا كفريا والفوعة في ريف إدلب.")
    assert got["كفريا"] is not None and got["الفوعة"] is not None
    assert got["كفريا"][2] == got["الفوعة"][2] == "SY"
    got = resolved("وتقع محافظتا صعدة والجوف على الحدود")
    assert got["صعدة"][1] == got["الجوف"][1] == "admin1"


def test_control_over_opens_a_strict_list_of_names():
    got = resolved("واستعادة السيطرة على السرداح والمجروب والمعاين في مديرية حرض.")
    assert got["السرداح"] == got["المجروب"] == got["المعاين"] == ("Harad District", "admin2", "YE")
    # the strict rule holds: a common word, a plural of people, an indefinite word is no name
    assert resolved("تمكنت القوات من السيطرة على المدينة والسيطرة على الحوثيين") == {}
    assert resolved("فقدت الحكومة السيطرة على الأوضاع") == {}


def test_other_names_of_t4_are_its_governorate():
    got = resolved("قصفت طائرات قاعدة تياس الجوية المعروفة باسم التيفور، وقاعدة تي فور.")
    assert got["قاعدة تياس"] == got["التيفور"] == got["تي فور"] == ("Homs", "admin1", "SY")


def test_bare_names_listed_after_a_sure_place():
    got = resolved("بدأ سلاح الجو سلسلة غارات في منطقة الحجر الأسود والعسالي جنوب دمشق. بحسب تقارير.")
    assert got["العسالي"] is not None and got["العسالي"][2] == "SY"
    # words about the place, frequent words and a clause going on after و are no names
    assert set(resolved("استهدفت الغارات مواقع بمحيط مدينة الحديدة وضواحيها.")) == {"الحديدة"}
    assert set(resolved("قصفت الطائرات مدينة حلب والمعارضة تسيطر على الأحياء")) == {"حلب"}


def test_names_in_parentheses_after_a_type_word():
    got = resolved("قصفت الطائرات بلدات (يلدا وببيلا) جنوب دمشق")
    assert got["يلدا"] is not None and got["ببيلا"] is not None
    assert resolved("قصفت الطائرات قرية (الحكومية) أمس") == {}


def test_damascus_quarters_the_gazetteer_lacks_are_damascus_city():
    got = resolved("قصفت قوات النظام حيي القدم والعسالي ومنطقة الحجر الأسود جنوب دمشق.")
    assert got["حيي القدم"] == got["العسالي"] == ("Damascus", "populated", "SY")
    assert got["الحجر الأسود"][0] == "Al Ḩajar al Aswad"
    got = resolved("وتقدمت قوات النظام في حي التضامن وحي القدم ومنطقة القابون.")
    assert got["حي التضامن"] == got["حي القدم"] == got["القابون"] == ("Damascus", "populated", "SY")
    # the frequent words stay words without a quarter word
    assert resolved("فاز فريق كرة القدم بكأس التضامن في دمشق") == {"دمشق": ("Damascus", "populated", "SY")}
    assert resolved("دمر القصف منازل في حلب") == {"حلب": ("Aleppo", "populated", "SY")}


def test_waw_written_apart_joins_like_a_clitic():
    got = resolved("اشتباكات في مديريات باجل و الجراحي بمحافظة الحديدة")
    assert got["باجل"] == ("Bajil", "admin2", "YE")
    assert got["الجراحي"][1:] == ("admin2", "YE")


def test_ras_before_a_known_name_heads_another_name():
    got = resolved("قتلى في منطقة راس الحديدة بمحافظة البيضاء")
    assert "الحديدة" not in got and got["راس الحديدة"] == ("Al Bayda", "admin1", "YE")
    # a known whole name stays itself; "على رأس وفد" names no place
    assert resolved("اشتباكات في مدينة رأس العين بريف الحسكة")["رأس العين"][2] == "SY"
    assert resolved("وصل على رأس وفد إلى دمشق") == {"دمشق": ("Damascus", "populated", "SY")}


def test_front_word_vouches_for_a_frequent_district_name():
    assert resolved("معارك في جبهة نهم") == {"نهم": ("Nihm", "admin2", "YE")}
    assert resolved("معارك عنيفة في جبهات صرواح")["صرواح"][2] == "YE"
    assert resolved("تقدم في جبهات القتال") == {}


def test_hills_plural_opens_unknown_names_after_a_capture_word():
    got = resolved("وأعلنت القوات تحرير تباب عجاج وخشم أضيق في مديرية حيس بمحافظة الحديدة")
    assert got["عجاج"] == ("Hays", "admin2", "YE")


def test_ras_rule_leaves_idioms_and_the_name_firas_alone():
    # "فراس" is the given name Firas, not ف + "راس"; "مسقط رأس" (birthplace) and "على رأس" (at the head of)
    # before a word that names no place give no "رأس …" place
    assert not any("راس" in k or "رأس" in k for k in resolved("قال فراس الدبس في دمشق"))
    assert "رأس زعيم" not in resolved("زار مسقط رأس زعيم الحوثيين في صعدة")
    assert not any(k.startswith("رأس") for k in resolved("جاء على رأس التحالف وفد إلى عدن"))
