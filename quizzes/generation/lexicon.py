"""Word lists the generator relies on: openers that need context, function words,
titles and roles that mark people, words that mark places and organisations, verbs.
Geography (country, city and language names) is in ``geography.py``."""

from __future__ import annotations

import re

from .text import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Openers that need the previous sentence: pronouns, demonstratives, connectives.
CONTEXT_OPENERS = _words(
    """he she it they we i you this that these those its their his her our your them
    him us one such both either neither another other others former latter however also
    but and or so then thus therefore moreover furthermore meanwhile instead yet still
    besides nevertheless nonetheless consequently hence otherwise similarly likewise
    additionally again finally first firstly second secondly third thirdly next lastly
    later afterwards afterward subsequently indeed overall accordingly anyway nor plus
    equally conversely alternatively regardless soon here whereas though even
    unsurprisingly surprisingly clearly obviously importantly notably namely eventually"""
)
CONTEXT_OPENING_PHRASES = (
    "the first",
    "the second",
    "the third",
    "the last",
    "the latter",
    "the former",
    "the same",
    "the other",
    "the rest",
    "the next",
    "in addition",
    "as a result",
    "for example",
    "for instance",
    "in contrast",
    "on the other hand",
    "at the same time",
    "after that",
    "because of this",
    "despite this",
    "in this",
    "by then",
    "in turn",
    "at first",
    "at last",
    "of these",
    "of those",
    "in other words",
    "in fact",
    "to do this",
    "after this",
    "before this",
    "like this",
    "all of this",
    "all this",
    "as well",
)
FIRST_PERSON = frozenset({"I", "we", "We", "our", "Our", "us", "my", "My", "me", "ours"})
ANAPHORIC = _words("this these those such latter former")
CELESTIAL = _words("Earth Moon Sun Mars Venus Jupiter Mercury Saturn Neptune Uranus Pluto")

# Function words: never part of a name run, never a key term on their own.
STOPWORDS = _words(
    """a an the and or but nor of in on at to for from by with without into onto upon
    about above across after against along amid amidst among around as before behind
    below beneath beside besides between beyond during except inside near off out outside
    over past since through throughout till toward towards under underneath until unto
    via within is are was were be been being am do does did done has have had having
    will would shall should can could may might must ought not no yes this that these
    those it its he him his she her hers they them their theirs we us our you your i me
    my who whom whose which what when where why how whatever whoever whenever wherever
    all any both each every either neither few many more most much several some such
    other another only own same so than too very just also even still yet already again
    ever never always often sometimes then there here now once today tomorrow yesterday
    if unless because although though while whereas whether however therefore thus hence
    let please like unlike despite according nearly almost roughly approximately about
    around less fewer least new old first last next one"""
)
CAPITALISED_STOPWORDS = frozenset(word.capitalize() for word in STOPWORDS) | {"I"}

PERSON_TITLES = _words(
    """President Vice Prime Minister Chancellor King Queen Prince Princess Emperor Empress
    Pope Saint Sir Dame Lord Lady Dr Dr. Mr Mr. Mrs Mrs. Ms Ms. Miss Prof Prof. Professor
    General Gen. Colonel Col. Captain Capt. Senator Sen. Governor Gov. Mayor Judge Justice
    Bishop Archbishop Cardinal Rev. Reverend Chairman Chairwoman Secretary Ambassador
    Sheikh Tsar Czar Tsarina Sultan Pharaoh Kaiser Duke Duchess Baron Baroness Lieutenant
    Lt. Sergeant Sgt. Admiral Marshal Commander Representative Rep. Speaker Rabbi Imam
    Chief Premier Commissioner Detective Inspector Officer Agent Coach Brother Sister
    Father Mother Uncle Aunt St. Lady"""
)
ROLE_NOUNS = _words(
    """inventor printer merchant scholar astronomer scientist writer author poet artist
    painter sculptor composer philosopher mathematician physicist chemist biologist
    engineer explorer king queen emperor empress president leader minister general monk
    nun priest craftsman craftsmen craftswoman architect economist historian journalist
    reporter spokesman spokeswoman spokesperson analyst official founder professor
    student teacher doctor nurse lawyer judge senator actor actress singer musician
    player coach captain pilot soldier officer businessman businesswoman entrepreneur
    farmer sailor traveller traveler navigator geographer geologist botanist naturalist
    physician surgeon theologian reformer activist politician diplomat ambassador envoy
    chancellor dictator ruler monarch pharaoh sultan tsar prince princess son daughter
    wife husband brother sister father mother friend colleague partner apprentice
    assistant goldsmith blacksmith engraver publisher bookseller printmaker typographer
    researcher investigator director manager chairman ceo astronaut cosmonaut
    commander admiral prophet saint bishop pope cardinal missionary warrior knight
    chief governor mayor mathematician surveyor cartographer linguist translator editor
    critic novelist playwright dramatist biographer anthropologist archaeologist
    psychologist sociologist economist statesman stateswoman premier heir widow nephew"""
)
PERSON_VERBS = _words(
    """said says told wrote writes argued argues believed invented invents founded died
    married met meets visited visits welcomed welcomes announced announces declared
    declares claimed claims explained explains recalled added noted insisted hoped wanted
    decided studied discovered discovers designed published publishes painted composed
    measured estimated introduced borrowed thought thinks learned learnt taught teaches
    worked lived spoke speaks asked asks replied answered warned urged promised admitted
    denied suggested proposed described describes believed feared wondered smiled laughed
    traveled travelled sailed ruled reigned served led leads became"""
)
PLACE_PREPOSITIONS = _words("in at from to near into across throughout towards toward via")
PLACE_NOUNS = _words(
    """village town city country nation state province region capital port island
    republic kingdom empire county district territory continent river lake sea ocean
    mountain valley desert peninsula colony settlement municipality borough metropolis
    island archipelago"""
)
ORG_NOUNS = _words(
    """company firm organisation organization agency party bank university college school
    institute newspaper magazine charity alliance union association society council
    committee commission government ministry department group team club network
    broadcaster publisher manufacturer"""
)
PLACE_WORDS = _words(
    """River Sea Ocean Lake Lakes Mountains Mountain Mount Mt. Desert Island Islands Valley
    Bay Gulf Strait Straits Canal Peninsula City County Province Street Avenue Square Park
    Forest Coast Plain Plains Basin Falls Glacier Cape Harbour Harbor Highlands Hills Alps
    Andes Himalayas Rockies Delta Reef Channel Sound Fjord Volcano Crater Plateau Steppe
    Jungle Rainforest Prairie Marsh Wetlands Estuary Creek Springs Beach Port Fort Bridge
    Road Castle Abbey Palace Cathedral Temple"""
)
ORG_WORDS = _words(
    """Company Corporation Corp. Inc. Inc Ltd Ltd. Group University College School
    Institute Institution Academy Society Association Union Council Committee Commission
    Agency Bureau Department Ministry Bank Fund Foundation Church Party Army Navy Force
    Forces Parliament Congress Senate Assembly Court Organisation Organization League
    Federation Club Museum Library Network Service Authority Board Trust Alliance Coalition
    Guild Order Corps Office Administration Council Cabinet Reserve Exchange Laboratory
    Railways Railway Railroad Airlines Airways Motors Industries Holdings Systems
    Laboratories Observatory Hospital Press Times Post Journal Gazette Herald Tribune"""
)
COMPASS = _words(
    "North South East West Northern Southern Eastern Western Central Upper Lower Middle"
)
NAME_CONNECTORS = _words("of de da di du del della van von der den la le bin ibn al y St.")
MONTHS = (
    "January February March April May June July August September October November December"
).split()
MONTH_INDEX = {month: number for number, month in enumerate(MONTHS, 1)}
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
DEMONYM_SUFFIX_RE = re.compile(
    r"(?:ian|ean|ese|ish|ic|an|i|ist|ite|ch)$|^(?:Swiss|Thai|Greek|Scots|Basque|Cypriot|Inuit|Maori|Zulu)$"
)
ROMAN_RE = re.compile(r"^[IVXLCDM]+$")

AUXILIARIES = _words(
    """is are was were has have had will would can could may might must shall should
    did does do remains remained became becomes"""
)
IRREGULAR_PAST = _words(
    """met took wrote became began made ran set led gave found built grew went came saw
    won lost left brought bought taught held kept sent spent spoke told thought rode drove
    fell flew knew rose sat stood struck tore understood wore said paid laid sold read
    put cut hit let shut spread cast beat bore broke chose drew forgot froze got hid hung
    lay lit meant quit rang shook shone sang sank slid sought split stole stuck swam swung
    threw woke wove fought fled dealt dug fed felt heard lent bent bred caught clung crept
    dwelt flung ground knelt leapt sprang stank stung strode strove swept wept wound rebuilt
    overthrew undertook withdrew forbade foresaw upheld"""
)
NOT_VERBS = _words(
    """bed red shed sled wed need seed feed weed deed speed bleed breed greed hundred
    kindred sacred naked wicked rugged ragged jagged wretched beloved crooked learned
    aged blessed cursed dogged as is his this thus has was its yes us bus gas plus"""
)
GENERIC_HEADINGS = frozenset(
    fold(heading)
    for heading in (
        "Introduction",
        "Overview",
        "Summary",
        "Conclusion",
        "Conclusions",
        "Background",
        "Notes",
        "Contents",
        "Preface",
        "Foreword",
        "Abstract",
        "Appendix",
        "References",
        "Further reading",
        "Key points",
        "Review",
        "Questions",
        "Exercises",
        "Glossary",
    )
)


def looks_like_verb(word: str) -> bool:
    """A rough test for the word after a sentence's subject: an auxiliary, a past tense
    or a third-person present ("welcomed", "took", "alarms")."""
    if not word or not word[0].islower() or word in NOT_VERBS:
        return False
    if word in AUXILIARIES or word in IRREGULAR_PAST or word in PERSON_VERBS:
        return True
    return len(word) > 4 and word.endswith("ed")
