"""Assemble recognised mentions into events.

1. Each sentence with a trigger or a casualty report becomes a *candidate* with its modality.
2. Candidates of one story are merged: a sentence that adds a place, a count or a source to the event
   before it ("وبدأت الواقعة …", "وقال المرصد …") joins it; a sentence naming another place, another country
   or another day starts a new event. Non-asserted candidates (history, hypotheses, denials, plans,
   statements) never merge into asserted events.
3. Each draft gets its type from its triggers and targets.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from rasd.events.analysis import Analysis
from rasd.events.casualties import Counts, count_sentence
from rasd.model import Mention, Sentence
from rasd.recognise.triggers import kind_types

CUE_WINDOW_TOKENS = 14          # a cue governs triggers up to this many words after it
MERGE_LOOKBACK_SENTENCES = 3    # a place-less sentence joins an event mentioned this close before it
KIND_PRIORITY = ("chemical", "suicide", "airstrike", "shelling", "ied", "grenade", "clash", "killing", "sexual",
                 "abduction", "protest_intervention", "riot", "mob", "protest", "arrest", "takeover", "regain",
                 "looting", "disrupted", "explosion", "attack")
BATTLE_KINDS = {"clash", "attack", "takeover", "regain"}
REMOTE_KINDS = {"airstrike", "shelling", "ied", "suicide", "grenade", "chemical", "explosion"}


@dataclass
class Candidate:
    sentence: Sentence
    triggers: list[Mention]
    counts: Counts
    places: list[Mention]
    actors: list[Mention]
    victims: list[Mention]
    dates: list[Mention]
    sources: list[Mention]
    modality: str
    past_reference: bool = False


@dataclass
class Draft:
    """An event under construction: the candidates (sentences) that state it."""
    candidates: list[Candidate] = field(default_factory=list)
    modality: str = "asserted"
    place: object | None = None          # resolved by rasd.resolve.geocode
    country_code: str | None = None
    # What merging asks of the whole draft (its days, actors, event kinds), kept up to date as candidates are
    # appended: re-reading a growing draft for every new sentence made long articles quadratic (bug B3).
    _absorbed: int = field(default=0, init=False, repr=False, compare=False)
    _days: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _actor_ids: set = field(default_factory=set, init=False, repr=False, compare=False)
    _kinds: set = field(default_factory=set, init=False, repr=False, compare=False)

    def _sync(self) -> None:
        for c in self.candidates[self._absorbed:]:
            for m in c.dates:
                if _is_recent(m) and m.value.start:
                    self._days.setdefault((m.value.start, m.value.tolerance_days), m.value)
            self._actor_ids.update(getattr(m.value, "id", m.text) for m in c.actors)
            self._kinds.update(t.value.kind for t in c.triggers)
        self._absorbed = len(self.candidates)

    def recent_days(self) -> list:
        """The distinct resolved recent dates (by day and tolerance) of the draft's candidates."""
        self._sync()
        return list(self._days.values())

    def actor_ids(self) -> set:
        self._sync()
        return self._actor_ids

    def trigger_kinds(self) -> set:
        self._sync()
        return self._kinds

    @property
    def sentences(self) -> list[Sentence]:
        return [c.sentence for c in self.candidates]

    @property
    def last_index(self) -> int:
        return self.candidates[-1].sentence.index

    def mentions(self, kind: str) -> list[Mention]:
        return [m for c in self.candidates for m in getattr(c, kind)]

    def triggers(self) -> list[Mention]:
        return self.mentions("triggers")


# --- candidates -----------------------------------------------------------------------------------

def build_candidates(an: Analysis) -> list[Candidate]:
    out: list[Candidate] = []
    actor_spans = sorted((m.start, m.end) for m in an.actors)
    actor_starts = [s for s, _ in actor_spans]
    longest_actor = max((e - s for s, e in actor_spans), default=0)
    for sent in an.sentences:
        triggers = an.in_sentence(an.triggers, sent)
        # counts come from casualty words alone: a clause with none has none (most clauses; counting
        # filtered its numbers first, rasd bench, issue 8)
        counts = count_sentence(an, sent) if an.in_sentence(an.casualties, sent) else Counts()
        if not triggers and not counts.any():
            continue
        places = [p for p in an.in_sentence(an.places, sent)
                  if not _inside_longer_span(p, actor_spans, actor_starts, longest_actor)]
        dates = an.in_sentence(an.dates, sent)
        modality, governed = _modality(an, sent, triggers, counts)
        # a condemned or reported attack is still the attack; only hypotheses, plans, denials, threats
        # and old dates take an event word out of an asserted sentence
        governed = {g: m for g, m in governed.items() if m != "statement"}
        if modality == "asserted" and governed:
            # keep only the event words the sentence asserts ("اعتقال 11 … يشتبه في ضلوعهم بأعمال شغب")
            triggers = [t for t in triggers if t.start not in governed]
        past = any(getattr(d.value, "is_past_reference", False) for d in dates) and not any(
            _is_recent(d) for d in dates)
        if past and modality == "asserted":
            modality = "historical"
        out.append(Candidate(sent, triggers, counts, places, an.in_sentence(an.actors, sent),
                             an.in_sentence(an.victims, sent), dates, an.in_sentence(an.sources, sent),
                             modality, past))
    return out


def _inside_longer_span(p: Mention, spans: list[tuple[int, int]], starts: list[int], longest: int) -> bool:
    """Is ``p`` inside a longer span (a place inside an actor's name)? ``spans`` sorted, ``starts`` their starts;
    only spans starting within ``longest`` characters before ``p`` ends can hold it."""
    lo, hi = bisect_left(starts, p.end - longest), bisect_right(starts, p.start)
    return any(p.end <= e and (e - s) > (p.end - p.start) for s, e in spans[lo:hi])


def _is_recent(d: Mention) -> bool:
    v = d.value
    return bool(getattr(v, "resolved", False)) and not getattr(v, "is_past_reference", False)


PAST_DATE_WINDOW_TOKENS = 8    # "اعتداءات 13 تشرين الثاني 2015": an old date this close to an event word dates it


def _modality(an: Analysis, sent: Sentence, triggers: list[Mention], counts: Counts) -> tuple[str, dict[int, str]]:
    """The sentence's modality — asserted unless every event word is governed by a cue or an old date — and
    the starts of the event words that are governed (to drop from an asserted sentence)."""
    text = an.article.text[sent.start:sent.end].rstrip()
    if text.endswith(("؟", "?")):
        return "hypothetical", {}        # a question asserts nothing
    cues = an.in_sentence(an.cues, sent)
    for cue in cues:
        if cue.value.scope == "sentence":
            return cue.value.modality, {}
    anchors = triggers + counts.mentions
    if not anchors:
        return "asserted", {}
    old_dates = [d for d in an.in_sentence(an.dates, sent) if getattr(d.value, "is_past_reference", False)]
    labels: list[str] = []
    governed: dict[int, str] = {}
    for a in anchors:
        label = None
        a_tok = an.token_at(a.start)
        for cue in cues:
            if cue.end <= a.start and a_tok - an.token_at(cue.end) <= CUE_WINDOW_TOKENS:
                label = cue.value.modality
        if label is None and any(abs(an.token_at(d.start) - a_tok) <= PAST_DATE_WINDOW_TOKENS for d in old_dates):
            label = "historical"
        labels.append(label or "asserted")
        if label:
            governed[a.start] = label
    if all(g != "asserted" for g in labels):
        return Counter(labels).most_common(1)[0][0], governed
    return "asserted", governed


def is_substantive(c: Candidate) -> bool:
    """Enough to stand as an event on its own: a specific trigger, or a count of victims."""
    strong = any(t.value.strength >= 2 for t in c.triggers)
    return strong or c.counts.killed is not None or c.counts.injured is not None \
        or c.counts.kidnapped is not None or c.counts.arrested is not None


# --- merging --------------------------------------------------------------------------------------

def merge_candidates(candidates: list[Candidate], place_key, country_of) -> list[Draft]:
    """Group candidates into drafts, in text order.

    ``place_key(candidate)`` returns the candidate's resolved main place (or None) and
    ``country_of(candidate)`` its country code (from places or actors, or None); both are supplied by the
    resolver so the assembler needs no gazetteer.
    """
    drafts: list[Draft] = []
    for c in candidates:
        target = None
        if c.modality == "asserted":
            for d in reversed(drafts):
                if d.modality != "asserted":
                    continue
                verdict = _same_event(d, c, place_key, country_of)
                if verdict:
                    target = d
                    break
                if verdict is None:      # incompatible with the latest event: don't reach further back blindly
                    continue
        if target is None:
            target = Draft(modality=c.modality)
            drafts.append(target)
        target.candidates.append(c)
        if target.place is None:
            target.place = place_key(c)
        if target.country_code is None:
            target.country_code = country_of(c)
    return drafts


def _same_event(d: Draft, c: Candidate, place_key, country_of) -> bool | None:
    """True: same event; False: certainly another; None: not this one, but maybe an earlier one."""
    c_place, c_country = place_key(c), country_of(c)
    if d.country_code and c_country and d.country_code != c_country:
        return None
    distance = c.sentence.index - d.last_index
    if d.place is not None and c_place is not None:
        if not _places_compatible(d.place, c_place):
            return None
        return _dates_compatible(d, c) and _types_compatible(d, c, same_place=True)
    if distance > MERGE_LOOKBACK_SENTENCES:
        return None
    if not _dates_compatible(d, c):
        return None
    if c_place is None:
        # a sentence that adds a count, a source or a detail to the story just told; a new specific event
        # word joins only the story it continues (same actors or a compatible kind), so long articles do not
        # chain every sentence into one event
        if not is_substantive(c) or _shares_actor(d, c):
            return True
        return (distance <= 1 and _types_compatible(d, c, same_place=False)) or None
    # the event so far had no place: this sentence gives it one
    return distance <= 1 or _shares_actor(d, c)


def _places_compatible(a, b) -> bool:
    if a is b or getattr(a, "id", None) == getattr(b, "id", None):
        return True
    from rasd.resolve.geocode import places_overlap
    return places_overlap(a, b)


def _dates_compatible(d: Draft, c: Candidate) -> bool:
    """Two explicit days differ by more than their tolerance ("الثلاثاء" vs "مساء الأربعاء"): two events."""
    mine = [m.value for m in c.dates if _is_recent(m) and m.value.start]
    theirs = d.recent_days()
    if not mine or not theirs:
        return True
    return any(abs((a.start - b.start).days) <= max(a.tolerance_days, b.tolerance_days, 0)
               for a in mine for b in theirs)


def _types_compatible(d: Draft, c: Candidate, same_place: bool) -> bool:
    if same_place:
        return True
    kinds_d = d.trigger_kinds()
    kinds_c = {t.value.kind for t in c.triggers}
    if not kinds_c or not kinds_d:
        return True
    if kinds_c & kinds_d:
        return True
    violent = BATTLE_KINDS | REMOTE_KINDS | {"killing"}
    return bool(kinds_c & violent) and bool(kinds_d & violent)


def _shares_actor(d: Draft, c: Candidate) -> bool:
    ids_d = d.actor_ids()
    return any(getattr(m.value, "id", m.text) in ids_d for m in c.actors)


# --- typing ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Typing:
    event_type: str
    sub_event_type: str
    kind: str


PROTEST_KINDS = ("protest", "protest_intervention", "riot")


def choose_type(d: Draft, victim_sides: set[str], target_is_armed: bool) -> Typing | None:
    triggers = d.triggers()
    kinds = Counter(t.value.kind for t in triggers)
    if not kinds:
        if d.candidates and any(c.counts.killed for c in d.candidates):
            kinds["attack"] = 1
        elif any(c.counts.arrested for c in d.candidates):
            kinds["arrest"] = 1
        elif any(c.counts.kidnapped for c in d.candidates):
            kinds["abduction"] = 1
        else:
            return None
    killed = any(c.counts.killed for c in d.candidates)
    # demonstrations: protest words decide unless the text is about armed actors fighting
    if any(k in kinds for k in PROTEST_KINDS) and not (
            {"airstrike", "shelling", "ied", "suicide"} & set(kinds) or (kinds["clash"] >= 2 and target_is_armed)):
        if killed and "civilian" in victim_sides | {"unknown"}:
            return Typing("Protests", "Excessive force against protesters", "protest")
        if "riot" in kinds:
            return Typing("Riots", "Violent demonstration", "riot")
        if "protest_intervention" in kinds:
            return Typing("Protests", "Protest with intervention", "protest_intervention")
        return Typing("Protests", "Peaceful protest", "protest")
    # the lead decides: the first sentence with a specific event word names the event ("شنت هجوما بريا …"
    # before later sentences add the shelling around it)
    lead = next((c for c in d.candidates if any(t.value.strength >= 2 for t in c.triggers)), None)
    strong = {t.value.kind for t in (lead.triggers if lead else triggers) if t.value.strength >= 2}
    battles = kinds["clash"]
    remote = sum(n for k, n in kinds.items() if k in REMOTE_KINDS)
    if battles >= 2 and battles >= remote and target_is_armed:
        primary = "clash"
    else:
        pool = (strong or set(kinds)) - set(PROTEST_KINDS) or set(kinds)
        primary = min(pool, key=KIND_PRIORITY.index)
        # a generic explosion word next to a specific one: the specific one decides
        if primary == "explosion" and {"ied", "suicide", "airstrike", "shelling"} & set(kinds):
            primary = min({"ied", "suicide", "airstrike", "shelling"} & set(kinds), key=KIND_PRIORITY.index)
    trig = next((t.value for t in triggers if t.value.kind == primary), None)
    if primary in ("attack", "killing"):
        if "civilian" in victim_sides and not target_is_armed:
            return Typing("Violence against civilians", "Attack", primary)
        if target_is_armed or victim_sides & {"state", "nonstate"}:
            return Typing("Battles", "Armed clash", primary)
        if primary == "killing" or victim_sides:
            return Typing("Violence against civilians", "Attack", primary)
        return Typing("Battles", "Armed clash", primary)
    if primary == "abduction":
        return Typing("Violence against civilians", "Abduction/forced disappearance", primary)
    if trig is None:
        event_type, sub_event_type = kind_types()[primary]
        return Typing(event_type, sub_event_type, primary)
    return Typing(trig.event_type, trig.sub_event_type, primary)
