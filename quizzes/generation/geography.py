"""Geography from Babel's English CLDR data: country, continent, region and city
names (cities from the time-zone database), language names, and how well known a
country is. Nothing is downloaded: CLDR ships inside the ``babel`` package."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .text import fold

# Country names as people write them; CLDR's names are standard but sometimes formal.
_COUNTRY_ALIASES = {
    "US": ("United States", "U.S.", "USA", "U.S.A.", "United States of America"),
    "GB": ("United Kingdom", "UK", "U.K.", "Britain", "Great Britain"),
    "TR": ("Turkey", "Türkiye"),
    "CZ": ("Czech Republic", "Czechia"),
    "CI": ("Ivory Coast",),
    "MM": ("Myanmar", "Burma"),
    "CD": ("Democratic Republic of the Congo",),
    "CG": ("Republic of the Congo",),
    "VA": ("Vatican", "Vatican City"),
}
_ORGANISATION_TERRITORIES = {"EU": "European Union", "UN": "United Nations"}
_SKIP_TERRITORIES = {"ZZ", "EZ", "QO", "XA", "XB", "XK"}
_THE_COUNTRIES = frozenset(
    fold(name)
    for name in (
        "United States",
        "United Kingdom",
        "Netherlands",
        "Philippines",
        "Bahamas",
        "Maldives",
        "Czech Republic",
        "Dominican Republic",
        "Central African Republic",
        "United Arab Emirates",
        "Gambia",
        "Vatican",
        "Democratic Republic of the Congo",
        "Republic of the Congo",
        "Comoros",
        "Seychelles",
        "Solomon Islands",
        "Marshall Islands",
        "Caribbean",
        "Americas",
        "Middle East",
        "Arctic",
        "Antarctic",
    )
)
_DEPENDENCY_RE = re.compile(
    r"^(?:French|British|American|U\.S\.|Dutch|Caribbean)\s|Islands?\b|Territor|Outlying"
)
_REGION_RE = re.compile(
    r"^(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Southeast)\s\w+$"
)
_EXTRA_REGIONS = (
    "Middle East",
    "Near East",
    "Far East",
    "Scandinavia",
    "Balkans",
    "Arctic",
    "Antarctic",
    "Mediterranean",
    "Siberia",
)
CONTINENTS = frozenset(
    fold(name)
    for name in (
        "Africa",
        "Asia",
        "Europe",
        "Oceania",
        "Antarctica",
        "North America",
        "South America",
        "Americas",
        "Australia",
    )
)


@dataclass(frozen=True, slots=True)
class Geography:
    """Folded name → (display name, subtype) and the broad area(s) of each country."""

    places: dict[str, tuple[str, str]] = field(default_factory=dict)
    areas: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folded name → areas
    country_of_city: dict[str, str] = field(default_factory=dict)  # folded city → country
    organisations: dict[str, str] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # display → others
    familiarity: dict[str, int] = field(default_factory=dict)  # country → CLDR languages

    def needs_the(self, name: str) -> bool:
        return fold(name) in _THE_COUNTRIES


def _region_variants(name: str) -> list[str]:
    """ "Eastern Asia" is also written "East Asia"."""
    variants = [name]
    for long, short in (("Eastern", "East"), ("Western", "West")):
        if name.startswith(long + " "):
            variants.append(short + name[len(long) :])
    for long, short in (("Northern", "North"), ("Southern", "South")):
        if name.startswith(long + " ") and name != "Northern America":
            variants.append(short + name[len(long) :])
    return variants


@lru_cache(maxsize=1)
def geography() -> Geography:
    """Built once per process from Babel's English CLDR data (a few milliseconds)."""
    from babel import Locale
    from babel.core import get_global

    locale = Locale("en")
    places: dict[str, tuple[str, str]] = {}
    organisations = {fold(name): name for name in _ORGANISATION_TERRITORIES.values()}
    zone_territories = get_global("zone_territories")
    areas_of: dict[str, list[str]] = {}
    for zone in sorted(zone_territories):
        area = zone.split("/", 1)[0]
        if area in {"Etc", "Antarctica"}:
            continue
        territory = zone_territories[zone]
        areas = areas_of.setdefault(territory, [])
        if area not in areas:
            areas.append(area)
    country_names: dict[str, list[str]] = {}
    for code in sorted(locale.territories):
        name = locale.territories[code]
        if code in _SKIP_TERRITORIES or code in _ORGANISATION_TERRITORIES:
            continue
        if code.isdigit():
            for variant in _region_variants(name):
                subtype = "continent" if fold(variant) in CONTINENTS else "region"
                if subtype == "region" and not _REGION_RE.match(variant):
                    continue
                places.setdefault(fold(variant), (variant, subtype))
            continue
        if any(mark in name for mark in ("&", " - ", "SAR", ",")) or _DEPENDENCY_RE.search(name):
            continue
        base = re.sub(r"\s*\(.*\)", "", name).strip()
        names = [base, *_COUNTRY_ALIASES.get(code, ())]
        if not base.isascii():  # "Türkiye" → "Turkey" first, as English text has it
            names.sort(key=lambda alias: not alias.isascii())
        inner = re.search(r"\((.+)\)", name)
        if inner:
            names.append(inner.group(1))
        country_names[code] = names
        for alias in names:
            places.setdefault(fold(alias), (names[0], "country"))
    for name in ("England", "Scotland", "Wales", "Northern Ireland"):
        places[fold(name)] = (name, "country")
        areas_of_alias = areas_of.get("GB", [])
        country_names.setdefault(name, [name])
        areas_of.setdefault(name, areas_of_alias)
    places[fold("Antarctica")] = ("Antarctica", "continent")
    for name in _EXTRA_REGIONS:
        places.setdefault(fold(name), (name, "region"))
    country_of_city: dict[str, str] = {}
    for zone in sorted(zone_territories):
        area, _, rest = zone.partition("/")
        if area in {"Etc", "Antarctica", "Indian", "Atlantic", "Pacific"} or not rest:
            continue
        city = rest.rsplit("/", 1)[-1].replace("_", " ")
        key = fold(city)
        territory = zone_territories[zone]
        if key in places or territory not in country_names or len(city) < 4:
            continue
        places[key] = (city, "city")
        country_of_city[key] = fold(country_names[territory][0])
    aliases = {names[0]: tuple(names[1:]) for names in country_names.values() if len(names) > 1}
    # How well known a country is, roughly: the languages CLDR lists for it and its
    # time zones (big countries have many of both).
    spoken = get_global("territory_languages")
    zones: dict[str, int] = {}
    for territory in zone_territories.values():
        zones[territory] = zones.get(territory, 0) + 1
    familiarity = {
        names[0]: len(spoken.get(code, ())) + 2 * zones.get(code, 0)
        for code, names in country_names.items()
    }
    areas: dict[str, tuple[str, ...]] = {}
    for code, names in country_names.items():
        for alias in names:
            areas[fold(alias)] = tuple(areas_of.get(code, ()))
    languages = frozenset(
        fold(name)
        for name in locale.languages.values()
        if " " not in name and "-" not in name and len(name) > 3
    )
    return Geography(
        places=places,
        areas=areas,
        country_of_city=country_of_city,
        organisations=organisations,
        languages=languages,
        aliases=aliases,
        familiarity=familiarity,
    )
