"""A story for the review page's tests: four outlets report it, the draft gets it wrong twice."""

CORPUS = [
    {
        "source": "tageskurier.example",
        "language": "de",
        "title": "Frankreich sagt der Ukraine 40 Haubitzen zu",
        "published_at": "2026-11-18T09:00:00Z",
        "text": (
            "Frankreich sagt der Ukraine 40 Haubitzen zu\n"
            "Frankreich will der Ukraine bis zum Frühjahr 40 Haubitzen vom Typ Caesar liefern. "
            "Das kündigte Verteidigungsminister Sébastien Lecornu am Dienstag in Paris an. "
            "Lecornu sprach von einer Hilfe im Wert von 300 Millionen Euro. "
            "Die ersten Geschütze sollen im Januar in der Ukraine eintreffen."
        ),
    },
    {
        "source": "rheinblick.example",
        "language": "de",
        "title": "Paris liefert Geschütze an Kyjiw",
        "published_at": "2026-11-18T11:30:00Z",
        "text": (
            "Paris liefert Geschütze an Kyjiw\n"
            "Verteidigungsminister Sébastien Lecornu hat am Dienstag 40 weitere Caesar-Haubitzen "
            "für die Ukraine angekündigt. Frankreich werde die 40 Haubitzen bis zum Frühjahr "
            "liefern, sagte Lecornu in Paris. Der Wert der Hilfe liege bei 300 Millionen Euro."
        ),
    },
    {
        "source": "capitalwire.example",
        "language": "de",
        "title": "Lecornu: 40 Caesar-Haubitzen für die Ukraine",
        "published_at": "2026-11-18T12:10:00Z",
        "text": (
            "Lecornu: 40 Caesar-Haubitzen für die Ukraine\n"
            "Frankreich liefert der Ukraine 40 Haubitzen vom Typ Caesar. Das sagte "
            "Verteidigungsminister Sébastien Lecornu am Dienstag in Paris. Nach Angaben von "
            "Lecornu hat die Hilfe einen Wert von 300 Millionen Euro."
        ),
    },
    {
        "source": "danube-daily.example",
        "language": "en",
        "title": "France pledges 40 howitzers to Ukraine",
        "published_at": "2026-11-18T13:00:00Z",
        "text": (
            "France pledges 40 howitzers to Ukraine\n"
            "France will deliver 40 Caesar howitzers to Ukraine by spring, defence minister "
            "Sébastien Lecornu said in Paris on Tuesday. Lecornu put the value of the aid at "
            "300 million euros."
        ),
    },
]

# An astral character before the first claim: highlights must not shift by a UTF-16 unit.
DRAFT = (
    "🔴 Eilmeldung: Frankreich schickt Haubitzen\n"
    "Frankreich will der Ukraine bis zum Frühjahr 60 Haubitzen vom Typ Caesar liefern. "
    "Das kündigte Verteidigungsminister Sébastien Lecorno am Dienstag in Paris an. "
    "Lecorno sagte: “Wir stehen fest an der Seite der Ukraine.” "
    "Die Hilfe habe einen Wert von 300 Millionen Euro. "
    "Zuvor hatte Präsident Emmanuel Macron mit Wolodymyr Selenskyj telefoniert."
)
