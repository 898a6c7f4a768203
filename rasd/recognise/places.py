"""Place mentions: gazetteer names with the context words around them.

"غربي ناحية العظيم" is the subdistrict Al-Adhaim (typed by ناحية) with a westward offset; "ريف إدلب" is the
countryside of Idlib; "قرية الطالعة" names a village the gazetteer may not hold — it is kept by name so the
resolver can fall back to the nearest known unit.
"""
from __future__ import annotations

import bisect
import gzip
import re
from dataclasses import dataclass, replace
from functools import cache, partial
from importlib import resources
from typing import Any, NamedTuple

from rasd.datafiles import read_yaml
from rasd.model import Mention
from rasd.recognise.lexicon import PhraseLexicon
from rasd.text.normalise import NormalisedText, fold
from rasd.text.tokens import Token

UNKNOWN_NAME_MAX_TOKENS = 2


@dataclass(frozen=True, slots=True)
class ContextWord:
    role: str        # type | rural | direction | site | capture
    value: str       # the level, the bearing, or the site word


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place as the text names it; ``candidates`` are the gazetteer entries of that name (maybe none)."""
    name: str
    candidates: tuple[Any, ...]
    typed_level: str | None = None
    rural: bool = False
    direction: str | None = None
    site: str | None = None
    context_start: int | None = None
    listed: bool = False          # a bare name in a list that ends in a known town ("من حمورية وحزة والنشابية")

    @property
    def known(self) -> bool:
        return bool(self.candidates)


@cache
def _context_words(key: str) -> frozenset[str]:
    """The folded words of one list in place_context.yaml."""
    return frozenset(fold(w) for w in read_yaml("rasd.recognise.data", "place_context.yaml").get(key) or ())


@cache
def context_lexicon() -> PhraseLexicon[ContextWord]:
    data = read_yaml("rasd.recognise.data", "place_context.yaml")
    lex: PhraseLexicon[ContextWord] = PhraseLexicon()
    for level, words in data["types"].items():
        for w in words:
            lex.add(w, ContextWord("type", level))
    for w in data["rural"]:
        lex.add(w, ContextWord("rural", "rural"))
    for bearing, words in data["directions"].items():
        for w in words:
            lex.add(w, ContextWord("direction", bearing))
    for w in data["sites"]:
        lex.add(w, ContextWord("site", w))
    for w in data.get("capture_words") or ():
        lex.add(w, ContextWord("capture", w))       # opens names only ("تحرير السرداح"); says nothing of a place
    return lex


def find_places(norm: NormalisedText, tokens: list[Token], gazetteer) -> list[Mention]:
    """PLACE mentions (value: PlaceRef), in text order."""
    ctx_matches = [c for c in context_lexicon().find(norm, tokens) if not _definite_name(norm, c)]
    ctx_by_end = {m.token_end: m for m in ctx_matches}
    ctx_spans = {(m.token_start, m.token_end) for m in ctx_matches}
    # a context word is not itself a place ("غربي" is not Western District)
    place_matches = [m for m in gazetteer.lexicon().find(norm, tokens) if (m.token_start, m.token_end) not in ctx_spans]
    covered: set[int] = set()
    out: list[Mention] = []
    # names that only the article's other places can vouch for (no locative word, or a whole word that is
    # also a frequent news word): kept when a sure place in the text lies in the same governorate
    deferred: list[tuple[Any, Mention]] = []
    self_typed = {m.token_start: m for m in ctx_matches if m.token_end - m.token_start == 1}
    ctx_starts_all = {m.token_start for m in ctx_matches}
    name_facts = _name_facts_of(gazetteer)
    name_heads, front_words = _name_heads(), _front_words()
    for m in place_matches:
        typed = rural = direction = site = None
        start = m.start
        j = m.token_start
        while j in ctx_by_end:
            c = ctx_by_end[j]
            for w in c.payloads:
                if w.role == "type" and typed is None:
                    typed = w.value
                elif w.role == "rural":
                    rural = True
                elif w.role == "direction" and direction is None:
                    direction = w.value
                elif w.role == "site" and site is None:
                    site = w.value
            start = c.start
            j = c.token_start
        name = norm.original[m.start:m.end]
        facts = name_facts.get((name, *map(id, m.payloads))) or _name_facts(name, m.payloads, gazetteer, name_facts)
        one_word = m.token_end - m.token_start == 1
        if one_word and facts.name_head and m.token_end < len(tokens) \
                and m.token_end not in ctx_starts_all and _looks_like_name_part(tokens[m.token_end].text) \
                and not norm.text[tokens[m.token_start].end:tokens[m.token_end].start].strip(_NAME_GAP):
            continue      # "منطقة بني معين", "#بني_سويد": the head of a longer name, not a place called "بني"
        if m.token_start > 0 and tokens[m.token_start - 1].text in name_heads \
                and norm.text[tokens[m.token_start - 1].end:tokens[m.token_start].start] == "_":
            continue      # "#بني_سويد" is not Sweden: the tail of a hashtag name ("#الهجمات_على_عفرين" stays)
        glued = norm.span_to_original(tokens[m.token_start].start, tokens[m.token_start].end)[0] != m.start
        # a place-type word rescues a name that is also a common word ("ناحية العظيم"), a site word
        # ("سجن بالبلاد") or a clitic between them does not
        rescued = bool(typed or rural or direction) and not glued
        if facts.rejected or (facts.direction_tail and _descriptive(norm, tokens, m)) or \
                (facts.indefinite_form and one_word
                 and indefinite_adjective_at(norm.original, m.start, m.end, gazetteer)):
            continue
        needs_backing = common_word = False
        # a front word ("جبهة نهم", "جبهات صرواح") vouches for a focus-country unit or town of a frequent name
        front = bool(site) and facts.front_unit and not glued and fold(site) in front_words
        if not rescued and not facts.big and not front and facts.ambiguous:
            # a common-word name ("الجراحي") after a locative word counts only next to its governorate
            if not _corroborated(norm, tokens, m, covered, by_size=False) or (facts.short and not site):
                continue      # a short one only after a site word ("جبهة حرض" next to "بمحافظة حجة")
            needs_backing = True
            common_word = True
        # a multi-word name that opens with a site or type word ("مطار صنعاء الدولي") names its own kind
        named_kind = not one_word and m.token_start in self_typed
        if named_kind and not site:
            site = fold(norm.original[self_typed[m.token_start].start:self_typed[m.token_start].end])
        if not (typed or rural or direction or site or named_kind) and not facts.sized \
                and not _corroborated(norm, tokens, m, covered, by_size=False):
            needs_backing = True
        if not typed and not front and one_word and not facts.bare_big \
                and _is_common_surface_word(tokens[m.token_start].text):
            if _prefix_len(norm, tokens[m.token_start], m) and not facts.common_folded:
                continue      # "خسائر بشرية" is not ب + a village called شرية ("والتحيتا" is و + التحيتا)
            needs_backing = True      # "مقر" is not Muqur, but "زبيد" next to "الحديدة" is Zabid
        heads_other_name = m.token_start > 0 and _head_of_other_name(norm, tokens, m.token_start)
        if heads_other_name:
            if needs_backing:
                continue      # "مسقط رأس زعيم", "على رأس وفد": an idiom before a frequent word, no place
            # "وراس الحديدة" (Ras al-Hudaydah, Al Bayda) is not Hodeidah: "رأس" heads another name, kept by
            # name; a place of that whole name if the gazetteer holds one, else the fallback. Only a name that
            # passed the filters above ("على رأس التحالف" names no place)
            head = tokens[m.token_start - 1]
            lead = 1 if head.text.startswith(("و", "ب")) and head.text[1:] in _ras_words() else 0
            s_, e_ = norm.span_to_original(head.start + lead, tokens[m.token_end - 1].end)
            whole = norm.original[s_:e_]
            known = tuple(p for p in gazetteer.lookup(whole) if p.level in ("populated", "site", "admin3", "admin2"))
            covered.update(range(m.token_start - 1, m.token_end))
            out.append(Mention(s_, e_, "PLACE", whole, PlaceRef(whole, known, "populated", False, None, None, s_)))
            continue
        ref = PlaceRef(name, tuple(m.payloads), typed, bool(rural), direction, site, start)
        if needs_backing:
            deferred.append((m, Mention(m.start, m.end, "PLACE", name, ref), common_word))
            continue
        covered.update(range(m.token_start, m.token_end))
        out.append(Mention(m.start, m.end, "PLACE", name, ref))
    out = _backed(out, deferred, covered)
    out = _type_coordinated(norm.original, out)
    # Names after a village/camp word that the gazetteer does not hold ("قرى الطالعة وأم الكرامي"): kept by name.
    openers = unknown_name_openers()
    site_openers = _site_name_openers()
    ctx_starts = {c.token_start for c in ctx_matches}
    # context words behind a clitic ("وجبال"): one right after an opener starts a second phrase, not a name
    ctx_glued = {c.token_start for c in ctx_matches
                 if norm.span_to_original(tokens[c.token_start].start, tokens[c.token_start].end)[0] != c.start}
    opener_used = False
    for c in ctx_matches:
        opener_tok = c.token_end - 1
        phrase = fold(norm.original[c.start:c.end])
        # a whole phrase may be the opener ("السيطرة على"), else its last word ("بمدينة", "شمال مدينة")
        opener = phrase if " " in phrase and phrase in site_openers else phrase.split()[-1]
        strict = opener in site_openers
        unit = opener in _unit_name_openers()
        if opener not in openers and not strict and not unit:
            continue
        first = tokens[c.token_start].text
        if norm.span_to_original(tokens[c.token_start].start, tokens[c.token_start].end)[0] != c.start \
                and not first.startswith(("و", "ف", "ب", "ال")) \
                and not (first.startswith("ل") and not first.startswith("لل")):
            continue      # "للقضاء": ال, or a clitic other than و/ف/ب/ل, on the type word: not a place-type use
        if (strict or unit) and _definite(first) and " " not in opener:
            continue      # "المطار الدولي": the site word with the article names no site after it
        # a front, mountain or site word (not a unit word) marks the name as a local feature: a place abroad of
        # that name is a homonym ("جبهة المفرق" in Ta'izz is not Mafraq, Jordan)
        feature = opener if opener in _feature_words() else None
        k = opener_tok + 1
        while k < len(tokens) and k not in covered:
            gap = norm.text[tokens[k - 1].end:tokens[k].start]
            if gap.strip(_OPENER_GAP):
                break     # punctuation: no name follows ("منطقة #بني_سويد": a hashtag is no punctuation;
                # nor are quotes: "جبل «معرين»")
            quoted = bool(gap.strip(_NAME_GAP))
            if quoted and k in ctx_starts:
                break     # "جبال «عقبة برم»": the quoted opener takes the name
            head = tokens[k].text[1 if k > opener_tok + 1 else 0:] in _name_heads()
            n = 1
            while n < (UNKNOWN_NAME_MAX_TOKENS + 1 if head else UNKNOWN_NAME_MAX_TOKENS) and k + n < len(tokens) \
                    and k + n not in covered \
                    and k + n not in ctx_starts and _looks_like_name_part(tokens[k + n].text) \
                    and not tokens[k + n].text.startswith("و") \
                    and ((head and n == 1) or tokens[k + n].text.startswith("ال")
                         or not _is_common_surface_word(tokens[k + n].text)) \
                    and not ((strict or unit) and _is_common_surface_word(_bare(tokens[k + n].text))) \
                    and not tokens[k + n].text.endswith(_adjective_endings()) \
                    and not (not head and _definite_adjective(tokens[k + n].text)) \
                    and not norm.text[tokens[k + n - 1].end:tokens[k + n].start].strip(_NAME_GAP):
                n += 1      # "أم الكرامي", "تاج الهرم", "بني معين", "عبد الله الحطام"; not "الملاحيظ شمال",
                # "النصرة مواقع", "التيفور العسكري", "الفوعة المواليتين"
            word = tokens[k].text
            if word[1 if k > opener_tok + 1 else 0:] in not_names() or \
                    (k == opener_tok + 1 and (k in ctx_glued or word in _kind_words())):
                break       # "جبهة النصرة", "جبهات القتال": no place name follows; "منطقة وجبال كهبوب", "منطقة
                # جبل الأكراد": the next opener takes the name; "منطقة جنوبي البلاد": a direction, no name
            bare = word[1:] if k > opener_tok + 1 else word
            common = not bare.startswith("ال") and _is_common_surface_word(bare) and bare not in _name_heads()
            if common and opener in _village_openers() and k not in ctx_starts and name_shaped(bare):
                common = False      # "بلدتي كفريا والفوعة": a frequent name after a village word
            if (n == 1 and ((k == opener_tok + 1 and word.startswith("و")) or common)) \
                    or (k > opener_tok + 1 and common):
                break       # "تلة وفرضوا", "منطقة تضم", "حي سكني", "جبل الظهر وقطعت الإمدادات": a word, not a name
            if strict and (not bare.startswith("ال") or _is_common_surface_word(bare[2:]) or len(bare) < 5
                           or bare.endswith(_people_endings())
                           or not _has_article(norm, tokens[k], len(word) - len(bare))):
                break       # "مطار هيثرو" (abroad), "موقع الحادث", "قاعدة عسكرية", "موقع إلكتروني": no local name;
                # "مواقع الانقلابيين", "مواقع الجهاديين": a plural of people, not a place
            if unit and (_is_common_surface_word(_bare(bare)) or len(_bare(bare)) < 3):
                break       # "مديرية الأمن", "مديرية التربية": an office, not a district
            if k > opener_tok + 1:              # "وأم الكرامي": a second village joined by و
                if not word.startswith("و") or len(word) < 3:
                    break
                lead = 1
            else:
                lead = 0
            if not (_looks_like_name_part(word[lead:]) or (n == 2 and len(word) - lead >= 2)):
                break     # "أم الكرامي": a short first word is fine inside a two-word name
            if quoted and any(_is_common_surface_word(_bare(t.text[lead if i == k else 0:]))
                              for i, t in enumerate(tokens[k:k + n], start=k)):
                break     # "منطقة «خفض التصعيد»": a quoted term, not a name
            s_, e_ = norm.span_to_original(tokens[k].start + lead, tokens[k + n - 1].end)
            name = norm.original[s_:e_]
            # a name the gazetteer holds but withholds as a common word ("مخيم جنين"): the opener vouches for it
            known = tuple(p for p in gazetteer.lookup(name) if p.level in ("populated", "site", "admin3", "admin2"))
            out.append(Mention(s_, e_, "PLACE", name, PlaceRef(name, known, "populated", False, None, feature,
                                                               c.start)))
            k += n
        opener_used = True
    if opener_used:       # one stable sort after the loop, not one per opener (quadratic on long articles, B3)
        out.sort(key=lambda x: x.start)
    out = _listed_before_place(norm, tokens, out, gazetteer)
    return _listed_after_place(norm, tokens, out, gazetteer, ctx_starts_all)


class _NameFacts(NamedTuple):
    """What the rules of ``find_places`` ask of a matched name and its gazetteer entries alone, whatever the
    text around it."""
    name_head: bool          # a word that heads longer names ("بني")
    rejected: bool           # no place as written: a common noun ("العاصمة", "للعاصمة"), a country adjective
    direction_tail: bool     # two words or more, the last a direction adjective (``_descriptive`` may hold)
    indefinite_form: bool    # a country spelt as an indefinite adjective ("سورية": ``indefinite_adjective_at``)
    big: bool                # a big place in a focus country: a common-word name that needs no backing
    front_unit: bool         # a focus-country unit or town: a front word may vouch for it
    ambiguous: bool          # also an everyday word (``Gazetteer.is_ambiguous_common_word``)
    short: bool              # three letters or fewer, folded
    common_folded: bool      # the folded name is a frequent news word
    bare_big: bool           # big enough, a country or a governorate: a frequent word that stands bare
    sized: bool              # big enough or an admin unit to count bare (``_corroborated`` by size)
    payloads: tuple          # the entries: keeps the objects whose ids key the cache alive


def _name_facts(name: str, payloads: tuple, gazetteer, cache: dict[tuple, _NameFacts]) -> _NameFacts:
    """The facts of a name with these entries, computed and kept in ``cache`` (``_name_facts_of``)."""
    folded = fold(name)
    min_population, _ = _bare_place_rules()
    focus = focus_countries()
    words = folded.split()
    facts = _NameFacts(
        name_head=folded in _name_heads(),
        rejected=folded in _not_places() or gazetteer.is_country_adjective(name, payloads)
        or (folded.startswith("ل") and "ا" + folded in _not_places()),      # "للعاصمة" matched as "لعاصمة"
        direction_tail=len(words) >= 2 and words[-1] in DIRECTION_ADJECTIVES,
        indefinite_form=any(p.level == "country" for p in payloads)
        and gazetteer.indefinite_adjective_form(name) is not None,
        big=any(p.population >= _common_word_min_population() and p.country_code in focus for p in payloads),
        front_unit=any(p.country_code in focus and p.level in ("admin2", "admin3", "populated") for p in payloads),
        ambiguous=gazetteer.is_ambiguous_common_word(name),
        short=len(folded) <= 3,
        common_folded=_is_common_surface_word(folded),
        bare_big=any(p.population >= min_population or p.level in ("country", "admin1") for p in payloads),
        sized=any(p.level in ("country", "admin1", "admin2") or p.population >= min_population for p in payloads),
        payloads=payloads)
    if len(cache) >= NAME_FACTS_MAX:
        cache.clear()
    cache[(name, *map(id, payloads))] = facts
    return facts


# A matched name's facts, by its text and the ids of its entries: about twenty names an article, nineteen in
# twenty met before, whose dozen checks on the name and its entries (word lists, the gazetteer's rules) took
# a fifth of find_places (rasd bench, issue 8). The facts hold their entries, so no id is reused while it
# keys the cache. Kept for one gazetteer (the one last asked for) and emptied whole when full (2,400 names
# for 2,500 ANT articles; under 400 bytes each, 3.6 MB at most).
NAME_FACTS_MAX = 10_000
_NAME_FACTS: list = [None, {}]       # [the gazetteer, {(name, *ids of its entries): _NameFacts}]


def _name_facts_of(gazetteer) -> dict[tuple, _NameFacts]:
    """The kept name facts for this gazetteer (those of another one are dropped)."""
    if _NAME_FACTS[0] is not gazetteer:
        _NAME_FACTS[:] = [gazetteer, {}]
    return _NAME_FACTS[1]


LIST_MAX_NAMES = 4
# attached pronouns: "الحديدة وضواحيها", "وزرعهم": a word about the place, no name after it
_PRONOUN_SUFFIXES = ("ها", "هم", "هما", "هن")


def _listed_after_place(norm: NormalisedText, tokens: list[Token], out: list[Mention], gazetteer,
                        ctx_starts: set[int]) -> list[Mention]:
    """Bare names joined by و after a sure place: "في منطقة الحجر الأسود والعسالي جنوب دمشق", "مناطق الحجر
    الأسود والقدم والعسالي ومخيم اليرموك" — the first place known to the gazetteer in a focus country and opened
    by a type, site or capture word; each name after it carries و, is shaped like a name (``_list_name_shaped``)
    and is no place the gazetteer holds elsewhere; the list must end at punctuation, the end of the text, a
    context word, a place, or a list word ("في"), so a clause that goes on after و ("وقتلت …") is no list."""
    focus = focus_countries()
    site_openers = _site_name_openers() | _unit_name_openers()
    sure = []
    for m in out:
        ref = m.value
        if not ref.known or ref.context_start is None or \
                not any(c.level != "country" and c.country_code in focus for c in ref.candidates):
            continue
        opener = fold(norm.original[ref.context_start:m.start]).split()
        if ref.typed_level or ref.site or (opener and opener[-1] in site_openers):
            sure.append(m)
    if not sure:
        return out
    to_original = norm.to_original

    def original_end(token: Token) -> int:
        return to_original[token.end - 1] + 1    # tokens are never empty: the original end of their last character

    mention_starts = {x.start for x in out}
    taken = [(x.start, x.end) for x in out]
    openers = _list_openers()
    added: list[Mention] = []
    for m in sure:
        # a bisection over the tokens' original ends, each end mapped when the bisection asks for it: a list of
        # every token's end was most of this rule's time (rasd bench, issue 8)
        k = bisect.bisect_left(tokens, m.end, key=original_end)
        if k >= len(tokens) or original_end(tokens[k]) != m.end:
            continue
        names: list[int] = []
        i = k + 1
        while i < len(tokens) and len(names) < LIST_MAX_NAMES:
            word = tokens[i].text
            s_ = norm.span_to_original(tokens[i].start, tokens[i].end)[0]
            if norm.text[tokens[i - 1].end:tokens[i].start].strip(" \t\u00a0") or s_ in mention_starts \
                    or i in ctx_starts or not word.startswith("و") or len(word) < 4 \
                    or not _list_name_shaped(word[1:]) or _is_common_surface_word(_bare(word[1:])) \
                    or word.endswith(_PRONOUN_SUFFIXES):
                break
            names.append(i)
            i += 1
        if not names:
            continue
        if i < len(tokens):
            gap = norm.text[tokens[i - 1].end:tokens[i].start].strip(" \t\u00a0")
            nxt_start = norm.span_to_original(tokens[i].start, tokens[i].end)[0]
            glued_place = any(a <= nxt_start < b for a, b in taken)    # "ومخيم اليرموك": و + a known place
            if not (gap or i in ctx_starts or nxt_start in mention_starts or glued_place
                    or tokens[i].text in openers):
                continue      # "في مدينة حلب والمعارضة تسيطر": a clause goes on, no list
        units = {(c.country_code, c.admin1) for c in m.value.candidates if c.admin1}
        for i in names:
            s_, e_ = norm.span_to_original(tokens[i].start + 1, tokens[i].end)
            if any(a < e_ and s_ < b for a, b in taken):
                continue
            listed = _listed_mention(norm, gazetteer, s_, e_, units)
            if listed is None:
                break         # a name the gazetteer holds elsewhere: not this list's
            added.append(listed)
            taken.append((s_, e_))
    return sorted(out + added, key=lambda x: x.start) if added else out


def _listed_mention(norm: NormalisedText, gazetteer, start: int, end: int,
                    units: set[tuple[str, str]]) -> Mention | None:
    """A bare name of a list as a place kept by name, with the gazetteer's places of that name in the list's
    governorates (``units``); None when the gazetteer holds the name only elsewhere."""
    name = norm.original[start:end]
    found = gazetteer.lookup(name)
    local = tuple(c for c in found if (c.country_code, c.admin1) in units
                  and c.level in ("populated", "site", "admin3", "admin2"))
    if found and not local:
        return None
    return Mention(start, end, "PLACE", name, PlaceRef(name, local, "populated", False, None, None, start, True))


def _listed_before_place(norm: NormalisedText, tokens: list[Token], out: list[Mention], gazetteer) -> list[Mention]:
    """Bare names in a list that ends in a known place: "من حمورية وحزة والنشابية" — names joined by و to a
    town, the first right after a list word (``list_openers``: من, في, بين …), are places too, kept by name (the
    fallback gives them the town's governorate; a name the gazetteer holds in the town's governorate is that
    place). The list must reach a list word; a particle, a kind word, a verb-shaped word or punctuation ends it."""
    focus = focus_countries()
    known = [m for m in out if m.value.known
             and any(c.level != "country" and c.country_code in focus for c in m.value.candidates)]
    if not known:
        return out
    to_original = norm.to_original

    def original_start(token: Token) -> int:
        return to_original[token.start]

    taken = [(m.start, m.end) for m in out]
    openers = _list_openers()
    added: list[Mention] = []
    for m in known:
        # the token the town starts in, by a bisection that maps only the starts it looks at (as in
        # ``_listed_after_place``; rasd bench, issue 8)
        j = bisect.bisect_right(tokens, m.start, key=original_start) - 1
        if j < 1 or original_start(tokens[j]) == m.start or not tokens[j].text.startswith("و"):
            continue          # no و on the town: no list before it
        names: list[int] = []
        i = j - 1
        reached = False
        while i >= 0 and len(names) < LIST_MAX_NAMES:
            if norm.text[tokens[i].end:tokens[i + 1].start].strip(" \t\u00a0"):
                break         # punctuation: the list ends
            word = tokens[i].text
            if word in openers:
                reached = bool(names)
                break
            lead = 1 if word.startswith("و") and len(word) >= 4 else 0
            if not lead and names and not (i > 0 and tokens[i - 1].text in openers):
                break         # only the first name goes without و
            if not _list_name_shaped(word[lead:]):
                break
            names.append(i)
            if not lead:
                reached = i > 0 and tokens[i - 1].text in openers \
                    and not norm.text[tokens[i - 1].end:tokens[i].start].strip(" \t\u00a0")
                break
            i -= 1
        if not reached:
            continue
        units = {(c.country_code, c.admin1) for c in m.value.candidates if c.admin1}
        for i in names:
            lead = 1 if tokens[i].text.startswith("و") and i != names[-1] else 0
            s_, e_ = norm.span_to_original(tokens[i].start + lead, tokens[i].end)
            if any(a < e_ and s_ < b for a, b in taken):
                continue
            listed = _listed_mention(norm, gazetteer, s_, e_, units)
            if listed is None:
                continue      # a name the gazetteer holds elsewhere ("بين كاليفورنيا ونيفادا"): not this list's
            added.append(listed)
            taken.append((s_, e_))
    return sorted(out + added, key=lambda x: x.start) if added else out


def _list_name_shaped(word: str) -> bool:
    """A word that may be a name in a list of places: letters only, no particle, kind word or common noun the
    gazetteer holds, not shaped like a verb ("وقتلت", "ويسيطر") when written without the article."""
    if len(word) < 3 or not word.isalpha() or word in not_names() or is_place_word(word):
        return False
    if word.startswith("ال"):
        return not _is_common_surface_word(word[2:])      # not "من الاجتماع ودمشق تؤكد"
    return not word.startswith(("ت", "ي", "ن", "ا")) and not word.endswith(("ات", "ين", "ون"))


@cache
def motion_words() -> frozenset[str]:
    """Words before a unit that make it a target or destination ("باتجاه مأرب"), no fallback anchor."""
    return _context_words("motion_words")


@cache
def _people_endings() -> tuple[str, ...]:
    return tuple(read_yaml("rasd.recognise.data", "place_context.yaml").get("people_endings") or ())


@cache
def type_words() -> frozenset[str]:
    """The place-type words of place_context.yaml, folded, also with a clitic ب/ل/و ("بمدينة")."""
    data = read_yaml("rasd.recognise.data", "place_context.yaml")
    words = {fold(w) for ws in data["types"].values() for w in ws}
    return frozenset(words | {c + w for w in words for c in "بلو"})


@cache
def passing_words() -> frozenset[str]:
    """Words before an unknown name that put it on a way between units ("مروراً بمنطقة X"): no anchor before it."""
    return _context_words("passing_words")


_list_openers = partial(_context_words, "list_openers")


_WORD_BEFORE = re.compile(r"(\S+)[ \t\u00a0]+$")


def indefinite_adjective_at(text: str, start: int, end: int, gazetteer) -> bool:
    """An indefinite country adjective spelt like the country: "مطارات سورية عدة", "قوات سورية", "موقعا عسكريا
    سوريا" describe something Syrian. The feminine form counts after an indefinite word ending in ة or ات, the
    accusative masculine one ("سوريا") after an indefinite nisba adjective ending in يا; not with a clitic on it
    ("وسورية", "بسوريا") nor after punctuation or a particle ("إلى سوريا")."""
    form = gazetteer.indefinite_adjective_form(text[start:end])
    if form is None:
        return False
    prev = _WORD_BEFORE.search(text[max(0, start - 40):start])
    if prev is None:
        return False          # a clitic on it, punctuation before it, or the text's first word
    word = fold(prev.group(1))
    if not word.isalpha() or word.startswith("ال") or word in not_names():
        return False
    return word.endswith(("ه", "ات")) if form == "feminine" else word.endswith("يا") and len(word) > 3


DIRECTION_ADJECTIVES = frozenset(fold(w) for w in (
    "الغربية", "الشرقية", "الشمالية", "الجنوبية", "الغربي", "الشرقي", "الشمالي", "الجنوبي"))


def _descriptive(norm: NormalisedText, tokens: list[Token], m) -> bool:
    """A name ending in a direction adjective followed by "ل" + a kind word describes part of another place:
    "الضفة الغربية لنهر الفرات" (not the West Bank), "الساحل الغربي للعاصمة طرابلس" (not Yemen's West Coast)."""
    name = fold(norm.original[m.start:m.end]).split()
    if len(name) < 2 or name[-1] not in DIRECTION_ADJECTIVES or m.token_end >= len(tokens):
        return False
    nxt = tokens[m.token_end]
    if norm.text[tokens[m.token_end - 1].end:nxt.start].strip():
        return False          # punctuation between: not one phrase
    word = nxt.text
    if not word.startswith("ل") or len(word) < 3:
        return False
    head = "ال" + word[2:] if word.startswith("لل") else word[1:]
    heads = _descriptive_heads()
    return head in heads or (head[2:] if head.startswith("ال") else head) in heads


@cache
def _descriptive_heads() -> frozenset[str]:
    return frozenset(fold(w) for w in read_yaml("rasd.recognise.data", "place_context.yaml")["descriptive_heads"])


def _backed(sure: list[Mention], deferred: list, covered: set[int]) -> list[Mention]:
    """Deferred names whose candidates lie in a governorate a sure place of the text lies in ("بين زبيد
    والتحيتا" in an article naming الحديدة), narrowed to those candidates; the rest are dropped."""
    if not deferred:
        return sure
    governorates = {(c.country_code, c.admin1) for m in sure for c in m.value.candidates if c.admin1}
    out = list(sure)
    for pm, mention, common_word in deferred:
        if any(t in covered for t in range(pm.token_start, pm.token_end)):
            continue
        # a common word ("عاصمة", "جديدة") is backed only by a town or district in that governorate
        backed = tuple(c for c in mention.value.candidates if (c.country_code, c.admin1) in governorates
                       and not (common_word and c.level == "admin1"))
        if backed:
            covered.update(range(pm.token_start, pm.token_end))
            out.append(Mention(mention.start, mention.end, "PLACE", mention.text,
                               replace(mention.value, candidates=backed)))
    return sorted(out, key=lambda x: x.start)


def _type_coordinated(original: str, mentions: list[Mention]) -> list[Mention]:
    """A dual or plural type word types every name joined to the first: "محافظتي صعدة والجوف", "محافظات حجة
    وعمران والمحويت" are all governorates."""
    plural = _plural_type_words()
    out: list[Mention] = []
    level: str | None = None
    for m in mentions:
        ref = m.value
        if level and not ref.typed_level and COORDINATION.match(original[out[-1].end:m.start]):
            m = Mention(m.start, m.end, m.label, m.text, replace(ref, typed_level=level))
        elif ref.typed_level and ref.context_start is not None and \
                set(fold(original[ref.context_start:m.start]).split()) & plural:
            level = ref.typed_level
        else:
            level = None
        out.append(m)
    return out


COORDINATION = re.compile(r"^[\s،,#]*و?[\s#]*$")      # "محافظتي #الحديدة و #حجة": hashtags too


@cache
def _plural_type_words() -> frozenset[str]:
    """Dual and plural type words whose type carries over to names joined by و ("محافظتي X وY")."""
    words = read_yaml("rasd.recognise.data", "place_context.yaml")["plural_types"]
    out = set()
    for w in words:
        f = fold(w)
        out.update({f, "و" + f, "ب" + f, "وب" + f, "ف" + f})
    return frozenset(out)


def _corroborated(norm: NormalisedText, tokens: list[Token], m, covered: set[int], by_size: bool = True) -> bool:
    """A bare name counts if it is a big place or an admin unit (``by_size``), or sits after a locative word
    ("في X", "بالحسكة", "وفي X"), or is joined by و to a place just before it ("في حلب وإدلب")."""
    min_pop, locatives = _bare_place_rules()
    if by_size and any(p.level in ("country", "admin1", "admin2") or p.population >= min_pop for p in m.payloads):
        return True
    first = tokens[m.token_start]
    prefix = first.text[:_prefix_len(norm, first, m)]
    if "ب" in prefix:
        return True
    if prefix.startswith("و") and (m.token_start - 1) in covered:
        return True
    prev = tokens[m.token_start - 1].text if m.token_start > 0 else ""
    if not prefix and prev == "و" and (m.token_start - 2) in covered \
            and not norm.text[tokens[m.token_start - 2].end:first.start].replace("و", "", 1).strip(" "):
        return True       # "و" written apart: "مديريات باجل و الجراحي" as "باجل والجراحي"
    return prev in locatives and not norm.text[tokens[m.token_start - 1].end:first.start].strip(" ")


def _prefix_len(norm: NormalisedText, first: Token, m) -> int:
    """Characters of proclitics before the matched name inside its first token."""
    orig_first = norm.span_to_original(first.start, first.end)[0]
    if orig_first >= m.start:
        return 0          # the name starts the token (most names): nothing to fold
    return len(fold(norm.original[orig_first:m.start]))


@cache
def _bare_place_rules() -> tuple[int, frozenset[str]]:
    data = read_yaml("rasd.recognise.data", "place_context.yaml")
    return int(data["bare_place_min_population"]), frozenset(fold(w) for w in data["locative_before"])


def _looks_like_name_part(word: str) -> bool:
    # Arabic letters only, not a function word; digits and short particles are not village names.
    return len(word) >= 3 and word.isalpha() and word not in not_names()


@cache
def unknown_name_openers() -> frozenset[str]:
    data = read_yaml("rasd.recognise.data", "place_context.yaml")
    return frozenset(fold(w) for w in data["unknown_name_openers"])


_NAME_GAP = " \t\u00a0#_"      # between an opener and a name, or inside one: spaces, a hashtag, "_" ("#بني_سويد")
_OPENER_GAP = _NAME_GAP + "\"'«»“”("   # before a name also quotes ("جبل «معرين»"; folded « is ") and an opening
# parenthesis ("بلدات (يلدا وببيلا وبيت سهم)")


def _definite(word: str) -> bool:
    """The word carries the article, after any و/ف/ب clitic ("المطار", "وبالمطار")."""
    return word.lstrip("وفب").startswith("ال") or word.startswith("ال")


def _has_article(norm: NormalisedText, token: Token, lead: int) -> bool:
    """The word (after ``lead`` clitic letters) opens with the article as written: "البرجسية", not the folded
    hamza of "إلكتروني"."""
    s, _ = norm.span_to_original(token.start + lead, token.end)
    return norm.original[s:s + 2] == "ال"


def _definite_adjective(word: str) -> bool:
    """A frequent word with the article and the feminine ending after a name describes it ("قرية بسيرين
    البعيدة", "منطقة المحجة الخاضعة"): no second word of the name."""
    return word.startswith("ال") and word.endswith("ه") and _is_common_surface_word(word[2:])


def _bare(word: str) -> str:
    return word[2:] if word.startswith("ال") else word


_site_name_openers = partial(_context_words, "strict_name_openers")


_village_openers = partial(_context_words, "village_openers")


@cache
def vouching_unit_words() -> frozenset[str]:
    """Village and district words ("بلدتي", "قرى", "مديرية") that vouch for a short or frequent name right after
    them ("بلدتي كفريا"): folded."""
    return _village_openers() | _unit_name_openers()


@cache
def _village_word_shapes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    shapes = read_yaml("rasd.recognise.data", "place_context.yaml").get("village_word_not_name") or {}
    return tuple(fold(w) for w in shapes.get("endings") or ()), tuple(fold(w) for w in shapes.get("prefixes") or ())


@cache
def _adjective_endings() -> tuple[str, ...]:
    """Endings of dual and plural adjectives that end a two-word name ("الفوعة المواليتين")."""
    shapes = read_yaml("rasd.recognise.data", "place_context.yaml").get("village_word_not_name") or {}
    return tuple(fold(w) for w in shapes.get("second_word_endings") or ())


def name_shaped(word: str) -> bool:
    """Not shaped like an adjective ("صغيرة") or a verb ("تقع", "يسيطر"): a frequent word after a village word
    may then be the village's name."""
    endings, prefixes = _village_word_shapes()
    return not word.endswith(endings) and not word.startswith(prefixes) and word not in not_names()


_unit_name_openers = partial(_context_words, "unit_name_openers")


@cache
def _feature_words() -> frozenset[str]:
    """Site words that are no unit type word ("جبهة", "جبل", "مطار"; not "مخيم", "حي"): what they open is a local
    feature, never a town abroad."""
    data = read_yaml("rasd.recognise.data", "place_context.yaml")
    units = {fold(w) for ws in data["types"].values() for w in ws}
    return frozenset(fold(w) for w in data["sites"]) - units


def _head_of_other_name(norm: NormalisedText, tokens: list[Token], i: int) -> bool:
    """The token before token ``i`` is "رأس"/"راس" (with at most a و/ب clitic), joined by a space only: the
    name at ``i`` is the tail of another name ("راس الحديدة", "ورأس عيسى"), not the place itself. Not ف: "فراس"
    is most often the given name Firas ("فراس الدبس")."""
    prev = tokens[i - 1].text
    if prev not in _ras_words() and not (prev[:1] in ("و", "ب") and prev[1:] in _ras_words()):
        return False
    return norm.text[tokens[i - 1].end:tokens[i].start] == " "


_front_words = partial(_context_words, "front_words")


_ras_words = partial(_context_words, "other_name_heads")


_name_heads = partial(_context_words, "name_heads")


def _definite_name(norm: NormalisedText, c) -> bool:
    """"العقبة" with the article is the town (Aqaba), not the site word "عقبة" (a mountain pass: "عقبة القنذع")."""
    surface = fold(norm.original[c.start:c.end])
    return surface.startswith("ال") and surface[2:] in _definite_names()


_definite_names = partial(_context_words, "definite_is_a_name")


def opened_by_village_word(text: str, ref: PlaceRef) -> bool:
    """Whether the name was opened by a village word ("بلدتا الفوعة وكفريا", "بلدتي كفريا والفوعة"): it vouches
    for a frequent word as a name (the opener kept it only when shaped like a name), so the fallback may too."""
    if ref.context_start is None or not text:
        return False
    words = text[ref.context_start:ref.context_start + 24].split()
    if not words:
        return False
    word = fold(words[0])
    return word in _village_openers() or (word[:1] in "وبف" and word[1:] in _village_openers())


def could_be_unknown_place(name: str) -> bool:
    """Whether a name the gazetteer lacks may be a village or front rather than a word the tagger or a type
    word caught: not a kind word ("المدينة"), not a word that never names ("الغربية"), and not a frequent news
    word without the article ("تضم", "سكني")."""
    key = fold(name.strip())
    if not key or is_place_word(name) or key in not_names() or key.split()[0] in not_names():
        return False          # also a tagger's span that opens with such a word ("السياج الحدودي")
    return " " in key or key.startswith("ال") or not _is_common_surface_word(key)


def is_common_noun(name: str) -> bool:
    """One of ``not_places``: a word the gazetteer holds as a name that the news uses as a noun ("العاصمة")."""
    return fold(name.strip()) in _not_places()


def is_place_word(name: str) -> bool:
    """True for a word that names a kind of place, not a place: a type, site or direction word ("مدينة",
    "المدينة", "مطار") or one of ``not_places`` ("العاصمة"). A tagger's LOC on one of these is no place name."""
    key = fold(name.strip())
    bare = key[2:] if key.startswith("ال") else key
    return key in _not_places() or key in _kind_words() or bare in _kind_words()


@cache
def _kind_words() -> frozenset[str]:
    data = read_yaml("rasd.recognise.data", "place_context.yaml")
    words = [w for ws in data["types"].values() for w in ws] + list(data["rural"]) + list(data["sites"]) \
        + [w for ws in data["directions"].values() for w in ws]
    return frozenset(fold(w) for w in words)


@cache
def _not_places() -> frozenset[str]:
    return frozenset(fold(w) for w in read_yaml("rasd.recognise.data", "place_context.yaml")["not_places"])


@cache
def _common_surface_words() -> frozenset[str]:
    with resources.files("rasd.recognise.data").joinpath("common_words.txt.gz").open("rb") as raw:
        with gzip.open(raw, "rt", encoding="utf-8") as fh:
            return frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))


def _is_common_surface_word(folded_token: str) -> bool:
    return folded_token in _common_surface_words()


@cache
def focus_countries() -> frozenset[str]:
    return frozenset(read_yaml("rasd.recognise.data", "place_context.yaml")["focus_countries"])


@cache
def _common_word_min_population() -> int:
    return int(read_yaml("rasd.recognise.data", "place_context.yaml")["common_word_min_population"])


@cache
def not_names() -> frozenset[str]:
    data = read_yaml("rasd.recognise.data", "place_context.yaml")
    return frozenset(fold(w) for w in data["not_names"])
