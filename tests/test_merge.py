"""Cross-article merge rules: what is one event, what stays apart, and how the merged record reads."""
from __future__ import annotations

import random

from hypothesis import given, settings, strategies as st

from rasd.merge.rules import Claim, claim_key, compatible, merge_block, partition
from rasd.model import Event, Evidence, SourceRef

DIYALA = dict(country="Iraq", country_code="IQ", admin1="Diyala", location="Al Adhim", latitude=34.05,
              longitude=44.51, geo_precision=1)
BAQUBAH = dict(country="Iraq", country_code="IQ", admin1="Diyala", location="Baqubah", latitude=33.75,
               longitude=44.64, geo_precision=1)
MOSUL = dict(country="Iraq", country_code="IQ", admin1="Nineveh", location="Mosul", latitude=36.34,
             longitude=43.13, geo_precision=1)


def claim(article: str, index: int = 0, outlet: str = "", **kw) -> Claim:
    base = dict(event_id=f"{article}-{index}", article_ids=[article],
                sources=[SourceRef(article, f"http://{article}", outlet or article, "2022-01-21")],
                evidence=[Evidence(article, 0, 4, "نص ")], event_type="Battles", sub_event_type="Armed clash",
                event_date="2022-01-21", time_precision=1, actor1="Islamic State (Iraq)",
                actor2="Military Forces of Iraq (2020-)", **DIYALA)
    base.update(kw)
    return Claim(key=claim_key(article.ljust(8, "0"), index), article_key=article, event=Event(**base))


def test_two_outlets_same_event_merge_with_every_claim_kept():
    a = claim("a", fatalities=9, attribution="مصدر أمني", attribution_en="security source", outlet="A")
    b = claim("b", fatalities=11, low=10, high=12, best=11, attribution="الشرطة", attribution_en="police",
              outlet="B")
    c = claim("c", fatalities=10, outlet="C")
    assert compatible(a, b) and compatible(b, a)
    [block] = partition([a, b, c])
    event = merge_block(block)
    assert event.fatalities == 9                              # ACLED: the lowest count
    assert (event.low, event.best, event.high) == (9, 10, 12)  # UCDP: range and the (lower) median
    assert event.extras["number_of_sources"] == 3
    claims = event.extras["claims"]
    assert [c["fatalities"] for c in claims] == [9, 11, 10]
    assert claims[1]["attribution"] == {"ar": "الشرطة", "en": "police"}
    assert sorted(event.article_ids) == ["a", "b", "c"] and len(event.evidence) == 3


def test_a_source_without_a_count_does_not_zero_the_merged_toll():
    [block] = partition([claim("a", fatalities=0, outlet="A"), claim("b", fatalities=7, outlet="B"),
                         claim("c", fatalities=None, outlet="C")])
    event = merge_block(block)
    assert (event.fatalities, event.low, event.best, event.high) == (7, 7, 7, 7)
    [zeros] = partition([claim("a", fatalities=0), claim("b", fatalities=0)])
    assert merge_block(zeros).fatalities == 0


def test_two_air_strikes_on_two_towns_same_day_stay_apart():
    strike = dict(event_type="Explosions/Remote violence", sub_event_type="Air/drone strike", actor2=None)
    a = claim("a", **strike)
    b = claim("b", **{**strike, **BAQUBAH})
    assert not compatible(a, b)
    assert len(partition([a, b])) == 2


def test_two_attacks_in_one_town_a_week_apart_stay_apart():
    a = claim("a", event_date="2022-01-14")
    b = claim("b", event_date="2022-01-21")
    assert not compatible(a, b)


def test_place_and_date_precision_widen_the_match():
    town = claim("a")
    region = claim("b", location=None, latitude=None, longitude=None, geo_precision=3)
    other_region = claim("c", **{**MOSUL, "location": None, "geo_precision": 3})
    assert compatible(town, region)
    assert not compatible(town, other_region)
    week = claim("d", event_date="2022-01-19", time_precision=2)      # 16–22 Jan
    assert compatible(town, week)
    assert not compatible(claim("e", event_date="2022-01-25"), week)
    country_only = claim("f", location=None, admin1=None, latitude=None, longitude=None, geo_precision=None)
    assert not compatible(town, country_only)
    named_country = dict(location="Iraq", admin1=None, latitude=33.0, longitude=44.0, geo_precision=3,
                         gazetteer_id="country:IQ")
    assert not compatible(claim("g", **named_country), claim("h", **named_country))


def test_nearby_coordinates_with_different_spellings_merge():
    a = claim("a", location="Al-Udaim", latitude=34.06, longitude=44.50)
    assert compatible(claim("b"), a)


def test_actors_must_not_contradict_but_may_be_swapped_or_missing():
    base = claim("a")
    assert compatible(base, claim("b", actor1="Military Forces of Iraq (2020-)", actor2="Islamic State (Iraq)"))
    assert compatible(base, claim("c", actor2=None))
    assert not compatible(base, claim("d", actor1="Popular Mobilization Forces"))


def test_types_must_agree():
    assert not compatible(claim("a"), claim("b", event_type="Protests", sub_event_type="Peaceful protest"))
    arrests = dict(event_type="Strategic developments", sub_event_type="Arrests")
    assert compatible(claim("c", **arrests), claim("d", **arrests))
    assert not compatible(claim("c", **arrests), claim("e", event_type="Strategic developments",
                                                        sub_event_type="Agreement"))


def test_claims_of_one_article_never_merge():
    a0, a1 = claim("a", 0), claim("a", 1)
    b = claim("b")
    assert not compatible(a0, a1)
    blocks = partition([a0, a1, b])
    assert sorted(len(bl) for bl in blocks) == [1, 2]
    assert all(len({c.article_key for c in bl}) == len(bl) for bl in blocks)


def test_complete_linkage_does_not_chain():
    # a~b (4 km) and b~c (4 km) but a and c are 8 km apart: never one event of three.
    a = claim("a", location="x1", latitude=34.00, longitude=44.50)
    b = claim("b", location="x2", latitude=34.036, longitude=44.50)
    c = claim("c", location="x3", latitude=34.072, longitude=44.50)
    assert compatible(a, b) and compatible(b, c) and not compatible(a, c)
    assert sorted(len(bl) for bl in partition([c, b, a])) == [1, 2]


def test_missing_date_never_merges():
    assert not compatible(claim("a", event_date=None), claim("b", event_date=None))


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_partition_and_merge_are_the_same_in_any_order(rnd: random.Random):
    claims = [claim("a", fatalities=3), claim("b", fatalities=5), claim("c", fatalities=4, actor2=None),
              claim("d", **BAQUBAH), claim("e", event_date="2022-01-20", time_precision=2),
              claim("a", 1, **BAQUBAH), claim("f", location="x", latitude=34.08, longitude=44.51)]
    expected = [merge_block(b).to_record() for b in partition(claims)]
    shuffled = claims[:]
    rnd.shuffle(shuffled)
    assert [merge_block(rnd.sample(b, len(b))).to_record() for b in partition(shuffled)] == expected
