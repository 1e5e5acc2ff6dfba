"""Plausible European company names, cities and contacts from a seeded generator (no data files)."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

Words = tuple[str, ...]
#: country → (share weight, legal forms, surnames, trade words, cities)
COUNTRIES: dict[str, tuple[int, Words, Words, Words, Words]] = {
    "DE": (
        24,
        ("GmbH", "GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."),
        ("Hoffmann", "Krüger", "Schäfer", "Neumann", "Vogel", "Brandt", "Lehmann", "Kaiser"),
        ("Logistik", "Maschinenbau", "Elektrotechnik", "Handel", "Bau", "Metallwerk", "Systeme"),
        ("Hamburg", "München", "Köln", "Stuttgart", "Leipzig", "Bremen", "Nürnberg", "Essen"),
    ),
    "AT": (
        6,
        ("GmbH", "AG", "KG"),
        ("Gruber", "Huber", "Wagner", "Pichler", "Steiner", "Moser"),
        ("Holzbau", "Handel", "Technik", "Transporte", "Stahlbau"),
        ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck"),
    ),
    "FR": (
        14,
        ("SARL", "SAS", "SA", "SAS"),
        ("Lefèvre", "Moreau", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau"),
        ("Distribution", "Industrie", "Emballages", "Transports", "Services", "Équipements"),
        ("Lyon", "Marseille", "Toulouse", "Lille", "Nantes", "Bordeaux", "Strasbourg"),
    ),
    "NL": (
        9,
        ("B.V.", "B.V.", "N.V."),
        ("de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"),
        ("Techniek", "Logistiek", "Handel", "Installaties", "Verpakkingen", "Groothandel"),
        ("Rotterdam", "Utrecht", "Eindhoven", "Tilburg", "Groningen", "Breda"),
    ),
    "BE": (
        5,
        ("NV", "BV", "SRL"),
        ("Peeters", "Janssens", "Maes", "Jacobs", "Claes", "Dubois"),
        ("Logistics", "Bouw", "Trading", "Industries", "Foods"),
        ("Antwerpen", "Gent", "Brussel", "Liège", "Brugge"),
    ),
    "IT": (
        10,
        ("S.r.l.", "S.r.l.", "S.p.A.", "S.n.c."),
        ("Rossi", "Bianchi", "Colombo", "Ferrari", "Ricci", "Marino", "Greco", "Conti"),
        ("Meccanica", "Trasporti", "Impianti", "Forniture", "Alimentari", "Costruzioni"),
        ("Milano", "Torino", "Bologna", "Verona", "Brescia", "Firenze", "Padova"),
    ),
    "ES": (
        7,
        ("S.L.", "S.L.", "S.A."),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro"),
        ("Suministros", "Logística", "Industrial", "Distribuciones", "Componentes"),
        ("Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Zaragoza"),
    ),
    "PL": (
        6,
        ("Sp. z o.o.", "Sp. z o.o.", "S.A."),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Zieliński"),
        ("Logistyka", "Budownictwo", "Handel", "Technika", "Dystrybucja"),
        ("Warszawa", "Kraków", "Wrocław", "Poznań", "Gdańsk", "Łódź"),
    ),
    "GB": (
        9,
        ("Ltd", "Ltd", "Ltd", "PLC", "LLP"),
        ("Whitfield", "Ashworth", "Pemberton", "Hargreaves", "Thornton", "Barker", "Fletcher"),
        ("Logistics", "Engineering", "Supplies", "Packaging", "Wholesale", "Foods", "Trading"),
        ("Manchester", "Leeds", "Bristol", "Birmingham", "Glasgow", "Sheffield", "Norwich"),
    ),
    "IE": (
        3,
        ("Ltd", "DAC", "Teoranta"),
        ("Murphy", "Kelly", "O'Brien", "Byrne", "Walsh", "Doyle"),
        ("Distribution", "Engineering", "Agri", "Supplies"),
        ("Dublin", "Cork", "Galway", "Limerick"),
    ),
    "SE": (
        3,
        ("AB",),
        ("Lindqvist", "Johansson", "Berg", "Nyström", "Holm", "Ekström"),
        ("Teknik", "Logistik", "Byggvaror", "Industri", "Handel"),
        ("Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro"),
    ),
    "DK": (
        2,
        ("ApS", "A/S"),
        ("Nielsen", "Jensen", "Hansen", "Pedersen", "Kristensen"),
        ("Handel", "Teknik", "Emballage", "Transport"),
        ("Aarhus", "Odense", "Aalborg", "København"),
    ),
    "CZ": (
        2,
        ("s.r.o.", "a.s."),
        ("Novák", "Svoboda", "Dvořák", "Černý", "Procházka"),
        ("Strojírna", "Logistika", "Stavby", "Obchod"),
        ("Praha", "Brno", "Ostrava", "Plzeň"),
    ),
    "CH": (
        3,
        ("AG", "GmbH", "SA", "Sàrl"),
        ("Meier", "Keller", "Frei", "Baumann", "Favre", "Zürcher"),
        ("Präzision", "Technik", "Handel", "Logistik", "Mécanique"),
        ("Zürich", "Basel", "Bern", "Luzern", "Lausanne", "St. Gallen"),
    ),
    "PT": (
        2,
        ("Lda.", "S.A."),
        ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa"),
        ("Distribuição", "Indústria", "Transportes", "Comércio"),
        ("Lisboa", "Porto", "Braga", "Coimbra", "Aveiro"),
    ),
}
#: brand-like prefixes and suffixes for invented names ("Nordwerk", "Alpina Trading")
STEMS = ("Nord", "Süd", "Alp", "Euro", "Baltic", "Rhein", "Atlant", "Medi", "Delta", "Terra")
ENDS = ("tec", "plast", "form", "line", "pack", "trans", "metal", "com", "via", "gate")
SECTORS = (
    "Construction",
    "Wholesale trade",
    "Retail",
    "Manufacturing",
    "Transport and logistics",
    "Food and beverages",
    "Automotive",
    "Healthcare",
    "Hospitality",
    "IT services",
    "Energy",
    "Agriculture",
)
CALLING_CODES = {"DE": 49, "AT": 43, "FR": 33, "NL": 31, "BE": 32, "IT": 39, "ES": 34, "PL": 48}
CALLING_CODES |= {"GB": 44, "IE": 353, "SE": 46, "DK": 45, "CZ": 420, "CH": 41, "PT": 351}
STREETS = {"DE": "Industriestraße", "AT": "Hauptstraße", "FR": "Rue du Port", "IT": "Via Roma"}
STREETS |= {"NL": "Havenweg", "BE": "Kaaistraat", "GB": "Mill Lane", "IE": "Quay Street"}
STREETS |= {"ES": "Calle Mayor", "PT": "Rua Augusta", "PL": "ul. Przemysłowa", "SE": "Storgatan"}
STREETS |= {"DK": "Havnegade", "CZ": "Průmyslová", "CH": "Bahnhofstrasse"}


@dataclass(frozen=True)
class Company:
    name: str
    country: str
    sector: str
    city: str
    domain: str


def slug(value: str) -> str:
    """ASCII, lower-case, dash-separated: 'Krüger Bau GmbH' → 'kruger-bau'."""
    ascii_ = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def company(rng: random.Random, home: str | None = None) -> Company:
    """One company, most often from `home`: a name, a trade word and a local legal form."""
    codes = list(COUNTRIES)
    weights = [COUNTRIES[c][0] * (8 if c == home else 1) for c in codes]
    country = rng.choices(codes, weights=weights)[0]
    _w, forms, surnames, trades, cities = COUNTRIES[country]
    style = rng.random()
    if style < 0.4:
        base = f"{rng.choice(surnames)} {rng.choice(trades)}"
    elif style < 0.6:
        first, second = rng.sample(surnames, 2)
        base = f"{first} & {second}"
    elif style < 0.85:
        base = f"{rng.choice(STEMS)}{rng.choice(ENDS)} {rng.choice(trades)}"
    else:
        base = (
            f"{rng.choice(cities)}er {rng.choice(trades)}"
            if country in ("DE", "AT")
            else (f"{rng.choice(trades)} {rng.choice(cities)}")
        )
    sector = rng.choice(SECTORS)
    return Company(
        name=f"{base} {rng.choice(forms)}",
        country=country,
        sector=sector,
        city=rng.choice(cities),
        domain=f"{slug(base)}.example",
    )


def vat_id(rng: random.Random, country: str) -> str:
    """A VAT-shaped identifier (prefix + digits; not checksummed, it is a demo)."""
    prefix = {"GB": "GB", "CH": "CHE", "GR": "EL"}.get(country, country)
    return prefix + "".join(str(rng.randrange(10)) for _ in range(9))


def address(rng: random.Random, country: str, city: str) -> str:
    """A street line and a postcode with the city."""
    if country in ("GB", "IE"):
        code = f"{city[:2].upper()}{rng.randrange(1, 20)} {rng.randrange(1, 9)}AB"
        return f"{rng.randrange(1, 180)} {STREETS[country]}\n{city} {code}"
    code = (
        rng.randrange(1000, 9999)
        if country in ("AT", "BE", "CH", "DK")
        else rng.randrange(10000, 99999)
    )
    return f"{STREETS[country]} {rng.randrange(1, 180)}\n{code} {city}"


def phone(rng: random.Random, country: str) -> str:
    """An international number in the country's calling code."""
    return f"+{CALLING_CODES[country]} {rng.randrange(20, 99)} {rng.randrange(100000, 9999999)}"
