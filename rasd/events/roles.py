"""Who: actor roles of an event (actor1 acted, actor2 was acted upon) and the dead of each side.

Cues, in order of trust: a marked attacker ("هجوما لتنظيم داعش", "من قبل", "شنها") or target ("على مقر
للجيش", "استهدف"); the side of the victims ("مقتل 11 جنديا" makes the army the target); the order of mention.
The cue words live in ``rasd/events/data/roles.yaml``.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from rasd.datafiles import read_yaml
from rasd.events.analysis import Analysis
from rasd.events.assemble import Draft
from rasd.model import Mention
from rasd.text.normalise import fold

ROLE_WINDOW_TOKENS = 3


@dataclass(frozen=True, slots=True)
class Roles:
    actor1: Mention | None
    actor2: Mention | None
    assoc1: tuple[Mention, ...] = ()
    assoc2: tuple[Mention, ...] = ()


@cache
def role_cues() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    data = read_yaml("rasd.events.data", "roles.yaml")
    return (frozenset(fold(w) for w in data["attacker_before"]),
            frozenset(fold(w) for w in data["target_before"]),
            frozenset(fold(w) for w in data["armed_targets"]))


def side_of(actor) -> str:
    inter = getattr(actor, "inter", None)
    if inter == 1:
        return "state"
    if inter == 7:
        return "civilian"
    if inter in (5, 6):
        return "civilian"
    return "nonstate"


def _prev_words(an: Analysis, m: Mention, n: int) -> list[str]:
    i = an.token_at(m.start)
    return [an.token_text(k) for k in range(max(0, i - n), i)]


def _own_prefix(an: Analysis, m: Mention) -> str:
    """The clitics glued to the mention's first word: 'ل' in 'لتنظيم', 'ب' in 'بقوات'."""
    i = an.token_at(m.start)
    start = an.token_starts[i] if i < len(an.token_starts) else m.start
    if start < m.start:
        return fold(an.article.text[start:m.start])
    # the PhraseLexicon excludes clitics from the span: look at the characters just before the mention
    j = m.start
    while j > 0 and an.article.text[j - 1].isalpha() and m.start - j < 3:
        j -= 1
    return fold(an.article.text[j:m.start])


@cache
def usual_attackers() -> frozenset[str]:
    return frozenset(read_yaml("rasd.events.data", "roles.yaml")["usual_attackers"])


def plausible_in(actor, country_code: str | None) -> bool:
    """A country's police or militia does not fight abroad; its army, a coalition or a movement may."""
    home = getattr(actor, "country", None)
    if not country_code or not home or home == country_code or country_code in getattr(actor, "theatres", ()):
        return True
    return getattr(actor, "name_en", "").startswith("Military Forces of") or getattr(actor, "type", "") in (
        "external", "rebel_group")


def assign_roles(an: Analysis, d: Draft, victim_sides: set[str], armed_only: bool = False,
                 country_code: str | None = None, victim_actor_ids: frozenset[str] = frozenset()) -> Roles:
    """``armed_only``: a battle is fought between armed actors; civilians and prisoners are not its sides."""
    attacker_cues, target_cues, _ = role_cues()
    prior = usual_attackers()
    seen: dict[str, Mention] = {}
    for m in d.mentions("actors"):
        if armed_only and side_of(m.value) == "civilian" or not plausible_in(m.value, country_code):
            continue
        key = getattr(m.value, "id", m.text)
        seen.setdefault(key, m)
    actors = list(seen.values())
    if not actors:
        return Roles(None, None)
    trigger_ends = {t.end for t in d.triggers()}
    trigger_starts = sorted(t.start for t in d.triggers())
    scores: dict[str, list[float]] = {}
    for m in d.mentions("actors"):
        key = getattr(m.value, "id", m.text)
        if key not in seen:
            continue
        att, tgt = scores.setdefault(key, [0.0, 0.0])
        prev = _prev_words(an, m, ROLE_WINDOW_TOKENS)
        prefix = _own_prefix(an, m)
        if any(w in attacker_cues for w in prev):
            att += 2
        if any(w in target_cues for w in prev):
            tgt += 2
        # "هجوما لتنظيم داعش": the genitive ل right after an event noun marks the doer
        if prefix.endswith("ل") and any(m.start - gap in trigger_ends for gap in range(3)):
            att += 2
        # "عناصر من تنظيم داعش شنوا هجوما": an actor just before an event verb is its subject
        next_trigger = bisect_right(trigger_starts, m.end)   # a bisection, not a scan per actor (B3)
        if next_trigger < len(trigger_starts) and trigger_starts[next_trigger] <= m.end + 40:
            att += 0.5
        # insurgents usually start the fights the press reports; break ties their way
        if getattr(m.value, "inter", None) == 2:
            att += 0.25
        if key in prior or getattr(m.value, "parent", None) in prior:
            att += 1.0
        scores[key] = [att, tgt]
    # the victims' side is the target; an actor whose dead are counted ("مقتل 10 من ميليشيات الحوثي") most of all
    for key in seen:
        if key in victim_actor_ids:
            scores[key][1] += 3
    if len(seen) == 1:
        (key, only), = seen.items()
        if key in victim_actor_ids:
            return Roles(None, only)
    for key, m in seen.items():
        side = side_of(m.value)
        if side in victim_sides and len(victim_sides) == 1:
            scores[key][1] += 1.5
        if side == "civilian":
            scores[key][1] += 1
    order = list(seen)
    by_attack = sorted(order, key=lambda k: (-(scores[k][0] - scores[k][1]), order.index(k)))
    a1 = seen[by_attack[0]]
    rest = [k for k in by_attack[1:] if side_of(seen[k].value) != side_of(a1.value) or
            getattr(seen[k].value, "country", None) != getattr(a1.value, "country", None)]
    a2 = seen[max(rest, key=lambda k: (scores[k][1] - scores[k][0], -order.index(k)))] if rest else None
    if a2 is not None and scores[by_attack[0]][1] > scores[by_attack[0]][0] and \
            scores[_key(a2)][0] > scores[_key(a2)][1]:
        a1, a2 = a2, a1
    assoc1 = tuple(seen[k] for k in order if seen[k] is not a1 and seen[k] is not a2
                   and side_of(seen[k].value) == side_of(a1.value))
    assoc2 = tuple(seen[k] for k in order if a2 is not None and seen[k] is not a1 and seen[k] is not a2
                   and side_of(seen[k].value) == side_of(a2.value) and seen[k] not in assoc1)
    return Roles(a1, a2, assoc1, assoc2)


def _key(m: Mention) -> str:
    return getattr(m.value, "id", m.text)
