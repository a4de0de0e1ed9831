"""Word lists the analysis reads: function words, abbreviations, numbers, dates, cues.

Plain data, per language (German, English, French). Keys are lower case without accents where
the code compares folded text, and as written where it compares surface forms.
"""

from collections.abc import Mapping
from types import MappingProxyType

STOPWORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "de": frozenset(
            """
            aber als am an auch auf aus bei bis da dabei damit dann das dass dem den denn der des
            dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem
            einen einer eines er es etwa für gar gegen hat hatte hatten hätte hätten ich ihr ihre
            ihrem ihren ihrer im in ins ist jedoch kann man mehr mit nach nicht noch nun nur ob
            oder ohne schon sein seine seinem seinen seiner sei seien sich sie sind so sowie über
            um und uns unter vom von vor war waren was weil wenn wer werde werden wie wieder will
            wir wird wo wurde wurden zu zum zur zwar zwischen bereits sehr habe haben alle allen
            alles beim mal demnach zudem zuvor kurz
            """.split()
        ),
        "en": frozenset(
            """
            a about after again against all also an and any are as at be been before being between
            both but by can could did do does during each for from had has have having he her here
            him his how i if in into is it its itself just me more most my no nor not now of off on
            once only or other our out over own same she should so some such than that the their
            them then there these they this those through to too under until up very was we were
            what when where which while who whom why will with would you your said says
            """.split()
        ),
        "fr": frozenset(
            """
            au aux avec ce ces cette dans de des du elle en et eux il ils je la le les leur leurs
            lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa
            se ses son sur ta te tes toi ton tu un une vos votre vous est sont été être avait ont a
            """.split()
        ),
    }
)
ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())

# Capitalised words that open sentences or head noun phrases without naming anyone.
NOT_NAMES = frozenset(
    """Der Die Das Den Dem Des Ein Eine Einen Einem Einer Eines Er Sie Es Wir Ich Ihr Man Als Auch
    Aber Am Im In Bei Bis Nach Mit Von Vor Für Über Unter Auf Aus Um Zu Zum Zur Dabei Damit Dann
    Doch Nun So Wie Wenn Weil Dass Dies Diese Dieser Dieses Mehr Nicht Noch Nur Seit Laut Zugleich
    Zudem Trotz Während Wegen Heute Gestern Morgen Bereits Herr Frau Präsident Präsidentin Minister
    Ministerin Kanzler Kanzlerin Bürgermeister Bürgermeisterin Chef Chefin Staatschef Regierungschef
    Rund Etwa Fast Knapp Mindestens Insgesamt Bisher Laut Zufolge
    The A An He She It They We I You This That These Those His Her Its Their In On At For From With
    By After Before But And Or If When While As Mr Mrs Ms Dr President Minister Mayor Chancellor
    Le La Les Un Une Il Elle Ils Elles Nous Vous Dans Pour Avec Sur Par Selon Mais Et""".split()
)

# German nouns and noun phrases: after these a capitalised word is a common noun, not a name.
DETERMINERS = frozenset(
    """der die das den dem des ein eine einen einem einer eines im am zum zur vom beim ins ums
    ihres seines meines deines unseres eures
    aufs durchs fürs übers unters vors kein
    keine keinen keinem keiner sein seine seinem seinen seiner ihr ihre ihrem ihren ihrer dieser
    diese dieses diesem diesen jeder jede jedes jedem jeden alle allen mehrere viele einige zwei
    drei vier fünf the a an""".split()
)
NOUN_SUFFIXES = (
    "ung",
    "ungen",
    "heit",
    "heiten",
    "keit",
    "keiten",
    "schaft",
    "schaften",
    "tion",
    "tionen",
    "ität",
    "itäten",
    "ismus",
    "nis",
    "nisse",
    "tum",
    "ment",
    "ministerium",
    "ministeriums",
    "gespräch",
    "gespräche",
    "gesprächs",
    "minister",
    "ministern",
    "angaben",
    "kollege",
    "kollegen",
)

# Words that name an office, not a person: "Kremlkritiker Alexej Nawalny", "Mayor Sadiq Khan".
TITLE_SUFFIXES = (
    "politiker",
    "minister",
    "ministerin",
    "kritiker",
    "sprecher",
    "sprecherin",
    "chef",
    "chefin",
    "kanzler",
    "kanzlerin",
    "präsident",
    "präsidentin",
    "meister",
    "meisterin",
    "trainer",
    "president",
    "minister",
    "chancellor",
    "secretary",
    "mayor",
    "spokesman",
    "spokeswoman",
    "leader",
    "general",
    "senator",
    "governor",
    "gouverneur",
)

ABBREVIATIONS = frozenset(
    """nr z b u a bzw ca vgl ggf usw etc dr prof st abs art bd hr fr mio mrd jan feb mär apr jun
    jul aug sep sept okt nov dez mr mrs ms jr sr vs no inc ltd co corp gen col lt sgt rep sen gov
    str tel mme mlle m sog evtl inkl zzgl ua dh zb bspw etc resp approx""".split()
)

MONTHS: Mapping[str, int] = MappingProxyType(
    {
        "januar": 1,
        "jänner": 1,
        "februar": 2,
        "märz": 3,
        "maerz": 3,
        "april": 4,
        "mai": 5,
        "juni": 6,
        "juli": 7,
        "august": 8,
        "september": 9,
        "oktober": 10,
        "november": 11,
        "dezember": 12,
        "january": 1,
        "february": 2,
        "march": 3,
        "may": 5,
        "june": 6,
        "july": 7,
        "october": 10,
        "december": 12,
        "janvier": 1,
        "février": 2,
        "mars": 3,
        "avril": 4,
        "juin": 6,
        "juillet": 7,
        "août": 8,
        "septembre": 9,
        "octobre": 10,
        "novembre": 11,
        "décembre": 12,
    }
)

WEEKDAYS = frozenset(
    """montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag monday tuesday
    wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi samedi
    dimanche""".split()
)

NUMBER_WORDS: Mapping[str, int] = MappingProxyType(
    {
        "zwei": 2,
        "drei": 3,
        "vier": 4,
        "fünf": 5,
        "sechs": 6,
        "sieben": 7,
        "acht": 8,
        "neun": 9,
        "zehn": 10,
        "elf": 11,
        "zwölf": 12,
        "zwanzig": 20,
        "dreißig": 30,
        "hundert": 100,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "twenty": 20,
        "thirty": 30,
        "hundred": 100,
        "deux": 2,
        "trois": 3,
        "quatre": 4,
        "cinq": 5,
        "sept": 7,
        "huit": 8,
        "neuf": 9,
        "dix": 10,
        "douze": 12,
        "vingt": 20,
        "trente": 30,
        "cent": 100,
    }
)
MULTIPLIERS: Mapping[str, float] = MappingProxyType(
    {
        "tausend": 1e3,
        "thousand": 1e3,
        "mille": 1e3,
        "million": 1e6,
        "millionen": 1e6,
        "mio": 1e6,
        "millions": 1e6,
        "milliarde": 1e9,
        "milliarden": 1e9,
        "mrd": 1e9,
        "billion": 1e9,
        "billions": 1e9,
        "milliard": 1e9,
        "milliards": 1e9,
    }
)
APPROXIMATE = frozenset(
    "rund etwa ca circa knapp fast beinahe gut über mehr around about nearly almost roughly some "
    "over environ près".split()
)

# What a number counts, across languages: the noun after it, folded, mapped to one concept.
CONCEPTS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys("menschen personen people persons personnes individus".split(), "person"),
        **dict.fromkeys(
            "tote toten todesopfer opfer dead deaths fatalities victims morts tues".split(),
            "death",
        ),
        **dict.fromkeys("verletzte verletzten injured wounded blesses".split(), "injured"),
        **dict.fromkeys("prozent percent per cent % pourcent pour-cent".split(), "percent"),
        **dict.fromkeys("drohnen drones drone".split(), "drone"),
        **dict.fromkeys("raketen missiles rockets".split(), "missile"),
        **dict.fromkeys("jahre jahren years ans".split(), "year"),
        **dict.fromkeys("soldaten soldiers soldats".split(), "soldier"),
        **dict.fromkeys("euro eur €".split(), "euro"),
        **dict.fromkeys("dollar dollars usd $".split(), "dollar"),
    }
)
# A count of people in a sentence with one of these is a death toll.
DEATH_CUES = (
    "starben",
    "gestorben",
    "getötet",
    "tot ",
    "ums leben",
    "todesopfer",
    "tödlich",
    "killed",
    "died",
    "dead",
    "death toll",
    "tués",
    "morts",
    "ont péri",
)

NEGATIONS = frozenset(
    """nicht kein keine keinen keinem keiner keines nie niemals nichts weder nirgends not no never
    nothing neither nor none n't ne pas jamais aucun aucune rien""".split()
)
DENIALS = (
    "dementiert",
    "dementierte",
    "bestritt",
    "bestreitet",
    "wies zurück",
    "weist zurück",
    "zurückgewiesen",
    "denied",
    "denies",
    "rejected",
    "dismissed",
    "démenti",
    "a nié",
    "conteste",
)

ATTRIBUTIONS = (
    "sagte",
    "sagt",
    "erklärte",
    "erklärt",
    "teilte mit",
    "teilte",
    "hieß es",
    "heißt es",
    "laut",
    "nach angaben",
    "zufolge",
    "berichtete",
    "berichtet",
    "betonte",
    "forderte",
    "warnte",
    "meldete",
    "said",
    "says",
    "told",
    "according to",
    "reported",
    "stated",
    "announced",
    "warned",
    "a déclaré",
    "selon",
    "a dit",
    "a affirmé",
    "a annoncé",
    "d'après",
)

# Spellings in accepted use side by side: neither is drift from the other.
ACCEPTED_SPELLINGS = (
    frozenset({"kiew", "kyjiw"}),
    frozenset({"kyiv", "kiev"}),
    frozenset({"zelensky", "zelenskyy", "zelenskiy"}),
    frozenset({"selenskyj", "selenski"}),
    frozenset({"odessa", "odesa"}),
    frozenset({"charkiw", "charkow"}),
    frozenset({"kharkiv", "kharkov"}),
    frozenset({"dnipro", "dnjepr"}),
    frozenset({"gaddafi", "qaddafi", "gadhafi"}),
    frozenset({"navalny", "navalnyy"}),
    # English spellings of Russian first names, all in use; German writes them with a "j".
    frozenset({"sergei", "sergey"}),
    frozenset({"dmitry", "dmitri", "dmitriy"}),
    frozenset({"andrei", "andrey"}),
    frozenset({"alexei", "alexey", "aleksei", "aleksey"}),
    frozenset({"yuri", "yury", "yuriy"}),
    frozenset({"vitali", "vitaly", "vitaliy"}),
)
