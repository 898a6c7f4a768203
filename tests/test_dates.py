"""Date recogniser: resolution against the publication date, offsets, robustness and speed."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from rasd.recognise.dates import DAY, MONTH, WEEK, YEAR, DateRef, date_lexicon, find_dates
from rasd.text.normalise import normalise
from rasd.text.tokens import tokenize

PUB = date(2022, 1, 21)        # a Friday, the reference article's publication day
D = date.fromisoformat


def dates(text: str, published: date | None = PUB):
    found = find_dates(normalise(text), published)
    for m in found:
        assert text[m.start:m.end] == m.text == m.value.expression
        assert m.label == "DATE"
    return found


def only(text: str, published: date | None = PUB) -> tuple[str, DateRef]:
    found = dates(text, published)
    assert len(found) == 1, [(m.text, m.value) for m in found]
    return found[0].text, found[0].value


# (sentence, mention, start, end, precision, tolerance, part of day, relative, past reference)
CASES = [
    ("شنوا هجوما فجر اليوم على مقر", "فجر اليوم", "2022-01-21", "2022-01-21", DAY, 0, "فجر", True, False),
    ("وقع الانفجار صباح اليوم", "صباح اليوم", "2022-01-21", "2022-01-21", DAY, 0, "صباح", True, False),
    ("وقع الانفجار ظهر اليوم", "ظهر اليوم", "2022-01-21", "2022-01-21", DAY, 0, "ظهر", True, False),
    ("وقع الانفجار عصر اليوم", "عصر اليوم", "2022-01-21", "2022-01-21", DAY, 0, "عصر", True, False),
    ("وقع الانفجار مساء اليوم", "مساء اليوم", "2022-01-21", "2022-01-21", DAY, 0, "مساء", True, False),
    ("قتل اليوم ثلاثة جنود", "اليوم", "2022-01-21", "2022-01-21", DAY, 0, None, True, False),
    ("تظاهر المئات الليلة", "الليلة", "2022-01-21", "2022-01-21", DAY, 1, "ليل", True, False),
    ("قصفت الطائرات ليلة أمس", "ليلة أمس", "2022-01-20", "2022-01-20", DAY, 1, "ليل", True, False),
    ("قصفت الطائرات ليل أمس", "ليل أمس", "2022-01-20", "2022-01-20", DAY, 1, "ليل", True, False),
    ("قصفت الطائرات الليلة الماضية", "الليلة الماضية", "2022-01-20", "2022-01-20", DAY, 1, "ليل", True, False),
    ("قتل أمس جندي", "أمس", "2022-01-20", "2022-01-20", DAY, 1, None, True, False),
    ("وقع الهجوم يوم أمس", "يوم أمس", "2022-01-20", "2022-01-20", DAY, 1, None, True, False),
    ("وقع الهجوم بالأمس", "الأمس", "2022-01-20", "2022-01-20", DAY, 1, None, True, False),
    ("وقع الهجوم مساء أمس", "مساء أمس", "2022-01-20", "2022-01-20", DAY, 1, "مساء", True, False),
    ("وقع الهجوم أول أمس", "أول أمس", "2022-01-19", "2022-01-19", DAY, 1, None, True, False),
    ("وقع الهجوم امس الأول", "امس الأول", "2022-01-19", "2022-01-19", DAY, 1, None, True, False),
    ("وقع الهجوم قبل يومين", "قبل يومين", "2022-01-19", "2022-01-19", DAY, 1, None, True, False),
    ("وقع الهجوم قبل ثلاثة أيام", "قبل ثلاثة أيام", "2022-01-18", "2022-01-18", DAY, 1, None, True, False),
    ("وقع الهجوم قبل 3 أيام", "قبل 3 أيام", "2022-01-18", "2022-01-18", DAY, 1, None, True, False),
    ("اختطف منذ أسبوع", "منذ أسبوع", "2022-01-14", "2022-01-14", WEEK, 3, None, True, False),
    ("اعتقل الأسبوع الماضي", "الأسبوع الماضي", "2022-01-14", "2022-01-20", WEEK, 7, None, True, False),
    ("قتل الشهر الماضي", "الشهر الماضي", "2021-12-01", "2021-12-31", MONTH, 30, None, True, False),
    ("قتل العام الماضي", "العام الماضي", "2021-01-01", "2021-12-31", YEAR, 364, None, True, False),
    ("هو الأعنف في العام الحالي", "العام الحالي", "2022-01-01", "2022-12-31", YEAR, 364, None, True, False),
    ("هو الأعنف هذا العام", "هذا العام", "2022-01-01", "2022-12-31", YEAR, 364, None, True, False),
    ("قتل الخميس جندي", "الخميس", "2022-01-20", "2022-01-20", DAY, 0, None, True, False),
    ("قتل يوم الخميس جندي", "يوم الخميس", "2022-01-20", "2022-01-20", DAY, 0, None, True, False),
    ("قتل مساء الخميس جندي", "مساء الخميس", "2022-01-20", "2022-01-20", DAY, 0, "مساء", True, False),
    ("قتل صباح يوم الأربعاء", "صباح يوم الأربعاء", "2022-01-19", "2022-01-19", DAY, 0, "صباح", True, False),
    ("قتل فجر الجمعة جندي", "فجر الجمعة", "2022-01-21", "2022-01-21", DAY, 0, "فجر", True, False),
    ("قتل الجمعة الماضية", "الجمعة الماضية", "2022-01-14", "2022-01-14", DAY, 0, None, True, False),
    ("قتل السبت", "السبت", "2022-01-15", "2022-01-15", DAY, 0, None, True, False),
    ("قصف ليلة الخميس الجمعة", "ليلة الخميس الجمعة", "2022-01-20", "2022-01-21", DAY, 1, "ليل", True, False),
    ("قصف ليلة الخميس على الجمعة", "ليلة الخميس على الجمعة", "2022-01-20", "2022-01-21", DAY, 1, "ليل",
     True, False),
    ("محاصرون منذ مساء الخميس", "منذ مساء الخميس", "2022-01-20", "2022-01-21", DAY, 1, "مساء", True, False),
    ("صدر في 21 يناير 2022", "21 يناير 2022", "2022-01-21", "2022-01-21", DAY, 0, None, False, False),
    ("صدر في 21 كانون الثاني 2022", "21 كانون الثاني 2022", "2022-01-21", "2022-01-21", DAY, 0, None, False,
     False),
    ("صدر في 21/1/2022", "21/1/2022", "2022-01-21", "2022-01-21", DAY, 0, None, False, False),
    ("صدر في 2022-01-21", "2022-01-21", "2022-01-21", "2022-01-21", DAY, 0, None, False, False),
    ("صدر في 21.1.2022", "21.1.2022", "2022-01-21", "2022-01-21", DAY, 0, None, False, False),
    ("قتل في 20 يناير", "20 يناير", "2022-01-20", "2022-01-20", DAY, 0, None, True, False),
    ("قتل في 25 ديسمبر", "25 ديسمبر", "2021-12-25", "2021-12-25", DAY, 0, None, True, False),
    ("قتل في 12 أيلول", "12 أيلول", "2021-09-12", "2021-09-12", DAY, 0, None, True, True),
    ("قتل في 3 آب 2021", "3 آب 2021", "2021-08-03", "2021-08-03", DAY, 0, None, False, True),
    ("قتل يناير الماضي", "يناير الماضي", "2021-01-01", "2021-01-31", MONTH, 30, None, True, True),
    ("طرد التنظيم في مارس 2019", "مارس 2019", "2019-03-01", "2019-03-31", MONTH, 30, None, False, True),
    ("وقع في تشرين الأول 2021", "تشرين الأول 2021", "2021-10-01", "2021-10-31", MONTH, 30, None, False, True),
    ("أعلن العراق في نهاية 2017", "نهاية 2017", "2017-10-01", "2017-12-31", YEAR, 91, None, False, True),
    ("احتل عام 2014 ثلث البلاد", "عام 2014", "2014-01-01", "2014-12-31", YEAR, 364, None, False, True),
    ("الذي احتل في 2014 ثلث البلاد", "2014", "2014-01-01", "2014-12-31", YEAR, 364, None, False, True),
    ("مطلع الشهر الجاري", "مطلع الشهر الجاري", "2022-01-01", "2022-01-10", WEEK, 9, None, True, False),
    ("أواخر الشهر الماضي", "أواخر الشهر الماضي", "2021-12-21", "2021-12-31", WEEK, 10, None, True, False),
    ("منتصف حزيران الماضي", "منتصف حزيران الماضي", "2021-06-11", "2021-06-20", WEEK, 9, None, True, True),
    ("في 15 رمضان 1436 هـ", "15 رمضان 1436 هـ", "2015-07-02", "2015-07-02", DAY, 0, None, False, True),
    ("في 10 محرم", "10 محرم", "2021-08-18", "2021-08-18", DAY, 0, None, True, True),
    ("في شهر شوال", "شوال", "2021-05-13", "2021-06-10", MONTH, 28, None, True, True),
    ("يعود غدا", "غدا", "2022-01-22", "2022-01-22", DAY, 1, None, True, False),
    ("الأسبوع المقبل", "الأسبوع المقبل", "2022-01-22", "2022-01-28", WEEK, 7, None, True, False),
    ("منذ عام 2014", "منذ عام 2014", "2014-01-01", "2022-01-21", YEAR, 2942, None, True, False),
    ("في يناير (كانون الثاني) 2013", "يناير (كانون الثاني) 2013", "2013-01-01", "2013-01-31", MONTH, 30, None,
     False, True),
    ("في 15 يناير (كانون الثاني) الماضي", "15 يناير (كانون الثاني) الماضي", "2021-01-15", "2021-01-15", DAY, 0,
     None, True, True),
    ("حتى 15 فبراير (شباط) المقبل", "15 فبراير (شباط) المقبل", "2022-02-15", "2022-02-15", DAY, 0, None, True,
     False),
    ("في 24 يناير الجاري", "24 يناير الجاري", "2022-01-24", "2022-01-24", DAY, 0, None, True, False),
    ("في 31 كانون الأول/ديسمبر 2021", "31 كانون الأول/ديسمبر 2021", "2021-12-31", "2021-12-31", DAY, 0, None,
     False, False),
    ("في أيلول/سبتمبر الماضي", "أيلول/سبتمبر الماضي", "2021-09-01", "2021-09-30", MONTH, 29, None, True, True),
    ("في السادس من الشهر الجاري", "السادس من الشهر الجاري", "2022-01-06", "2022-01-06", DAY, 0, None, True,
     False),
    ("في الحادي والعشرين من كانون الأول الماضي", "الحادي والعشرين من كانون الأول الماضي", "2021-12-21",
     "2021-12-21", DAY, 0, None, True, False),
    ("في الأول من يناير 2021", "الأول من يناير 2021", "2021-01-01", "2021-01-01", DAY, 0, None, False, True),
    ("خلال الأيام الماضية", "الأيام الماضية", "2022-01-14", "2022-01-21", WEEK, 7, None, True, False),
    ("خلال الساعات الأخيرة", "الساعات الأخيرة", "2022-01-20", "2022-01-21", DAY, 1, None, True, False),
    ("قال أمس (الخميس)", "أمس (الخميس)", "2022-01-20", "2022-01-20", DAY, 1, None, True, False),
    ("يبدأ غدا السبت", "غدا السبت", "2022-01-22", "2022-01-22", DAY, 1, None, True, False),
    ("قال اليوم الأربعاء", "اليوم الأربعاء", "2022-01-19", "2022-01-19", DAY, 1, None, True, False),
    ("اندلعت الليلة قبل الماضية", "الليلة قبل الماضية", "2022-01-19", "2022-01-19", DAY, 1, "ليل", True, False),
]


@pytest.mark.parametrize("text,mention,start,end,precision,tolerance,part,relative,past", CASES,
                         ids=[c[0] for c in CASES])
def test_date_cases(text, mention, start, end, precision, tolerance, part, relative, past):
    got, ref = only(text)
    assert got == mention
    assert ref.start == D(start) and ref.end == D(end)
    assert ref.precision == precision
    assert ref.tolerance_days == tolerance
    assert ref.part_of_day == part
    assert ref.relative is relative
    assert ref.resolved is True
    assert ref.is_past_reference is past


def test_case_count_meets_brief():
    assert len(CASES) >= 40


def test_weekday_equal_to_publication_day_is_that_day():
    _, ref = only("قتل الجمعة", published=D("2022-01-21"))
    assert ref.start == D("2022-01-21")


def test_evening_thursday_published_friday_is_thursday():
    _, ref = only("مساء الخميس", published=D("2022-01-21"))
    assert ref.start == D("2022-01-20")


def test_last_year_is_past_reference_only_beyond_60_days():
    assert only("العام الماضي", D("2022-01-21"))[1].is_past_reference is False
    assert only("العام الماضي", D("2022-06-01"))[1].is_past_reference is True


def test_vague_past():
    _, ref = only("منذ سنوات")
    assert ref.start is None and ref.resolved is False and ref.is_past_reference is True


@pytest.mark.parametrize("text", ["فجر اليوم", "أمس", "الخميس", "20 يناير", "الأسبوع الماضي", "قبل يومين",
                                  "في مارس", "يناير الماضي"])
def test_without_publication_relative_stays_unresolved(text):
    _, ref = only(text, published=None)
    assert ref.start is None and ref.end is None
    assert ref.resolved is False and ref.relative is True


@pytest.mark.parametrize("text,start", [("21 يناير 2022", "2022-01-21"), ("عام 2014", "2014-01-01"),
                                        ("15 رمضان 1436 هـ", "2015-07-02")])
def test_without_publication_absolute_dates_resolve(text, start):
    _, ref = only(text, published=None)
    assert ref.start == D(start) and ref.resolved is True and ref.relative is False
    assert ref.is_past_reference is False        # nothing to compare with


@pytest.mark.parametrize("text", [
    "مارس ضغوطا على الحكومة",      # the verb "practised"
    "في اليوم التالي",             # "the next day": no anchor
    "قال خميس العبيدي",           # a name without the article
    "قال رجب طيب أردوغان",         # a Hijri month name as a given name
    "قال رمضان قديروف",            # likewise
    "سيارة نيسان",                 # a car maker, not April
    "أحد الجنود",                  # "one of", not Sunday
    "قتل 30 شخصا",                 # a number is not a date
])
def test_not_dates(text):
    assert [m.text for m in dates(text)] == []


def test_impossible_day_is_not_a_day():
    assert [(m.text, m.value.precision) for m in dates("31 فبراير 2022")] == [("فبراير 2022", MONTH)]


def test_several_dates_in_order():
    found = dates("وفي نهاية 2017 أعلن العراق النصر، وفي مارس 2019 طرد التنظيم، وشن هجوما فجر اليوم")
    assert [m.text for m in found] == ["نهاية 2017", "مارس 2019", "فجر اليوم"]


def test_offsets_with_tatweel_diacritics_and_bidi():
    text = "\u200fوقع الهجوم فَجْرَ اليـوم\u200f"
    got, ref = only(text)
    assert got == "فَجْرَ اليـوم" and ref.start == PUB


def test_tokens_may_be_passed_in():
    norm = normalise("قتل مساء الخميس")
    assert find_dates(norm, PUB, tokenize(norm.text)) == find_dates(norm, PUB)


def test_extreme_publication_dates_do_not_fail():
    for pub in (date.min, date.max, date(1900, 1, 1)):
        for m in dates("قتل أمس وغدا والخميس وفي رمضان وفي مارس والعام المقبل والأسبوع الماضي", pub):
            assert m.value.start is None or isinstance(m.value.start, date)


def test_datetime_publication_uses_its_day_and_bad_arguments_say_so():
    from datetime import datetime
    assert only("أمس", datetime(2022, 1, 21, 23, 59))[1].start == D("2022-01-20")
    with pytest.raises(TypeError, match="published"):
        find_dates(normalise("أمس"), "2022-01-21")
    with pytest.raises(TypeError, match="normalise"):
        find_dates("أمس", PUB)


def test_lexicon_loads_once():
    assert date_lexicon() is date_lexicon()


# ---------------------------------------------------------------------------- property tests

BITS = list("ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئ ًٌٍَُِّْـ") + [
    " ", "\u200f", "\u200e", "\u202b", "\u202c", "\n", ".", "/", "-", ":", "٫", "ﻻ", "A", "İ", "²"] + list(
    "0123456789٠١٢٣")
PHRASES = ["فجر", "اليوم", "أمس", "ليلة", "الخميس", "الجمعة", "يوم", "منذ", "قبل", "يومين", "ثلاثة", "أيام",
           "21", "يناير", "كانون الثاني", "2022", "/", "1", "رمضان", "1436", "هـ", "نهاية", "عام", "الماضي",
           "الأسبوع", "الشهر", "شهر", "في", "على", "مساء", "\u200f", "٢٠٢٢"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(BITS), max_size=80),
       st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))))
def test_random_text_never_fails(text, published):
    for m in dates(text, published):
        assert 0 <= m.start < m.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PHRASES), max_size=12).map(" ".join),
       st.one_of(st.none(), st.dates(min_value=date(1930, 1, 1), max_value=date(2070, 12, 31))))
def test_random_date_phrases(text, published):
    for m in dates(text, published):
        ref = m.value
        assert ref.resolved == (ref.start is not None)
        if ref.start and ref.end:
            assert ref.start <= ref.end
        if published is None and ref.relative:
            assert ref.start is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode(text):
    for m in dates(text, PUB):
        assert 0 <= m.start <= m.end <= len(text)


# ---------------------------------------------------------------------------- speed

SAMPLE = ("أعلنت وزارة الدفاع مقتل 11 عسكريا بينهم ضابط في هجوم شنه مسلحون فجر اليوم على مقر للجيش، "
          "بعد أن استهدفت غارة ليلة أمس مواقع للتنظيم. وكان التنظيم قد سيطر عام 2014 على ثلث أراضي البلاد "
          "قبل أن تعلن الحكومة في نهاية 2017 هزيمته، وطرد من آخر معاقله في مارس 2019. وقال مسؤول إن "
          "الاشتباكات مستمرة منذ مساء الخميس، وإن عدد الضحايا ارتفع الأسبوع الماضي. ")
