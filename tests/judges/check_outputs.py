#!/usr/bin/env python3
"""Checks the built example site with real parsers.

    python3 check_outputs.py SITE_DIR CONTENT_DIR

- every .ics parses with `icalendar`, no component records an error, and each
  event's times, recurrence and status match its front matter (an event
  with `[[event.dates]]`: its VEVENTs, daily rules expanded by `dateutil`,
  give exactly the dates written, and days in a row share one VEVENT);
- every Atom feed parses with `feedparser` without bozo, with the required elements;
- the publishing calendar's .ics has one event per post of the pages'
  [share.schedule], its CSV files parse with their tools' headers, and no public
  page or the sitemap names it;
- every indexed page's JSON-LD parses, has a BreadcrumbList, and the home, place and
  event pages have TouristDestination, TouristAttraction and Event.
"""
import re
import datetime
import json
import pathlib
import sys
import tomllib
import zoneinfo
from html.parser import HTMLParser

import feedparser
import icalendar
from dateutil.rrule import rrulestr

SITE, CONTENT = (pathlib.Path(p) for p in sys.argv[1:3])
ZONE = zoneinfo.ZoneInfo("Europe/Paris")
failures = []


def fail(msg):
    failures.append(msg)


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    if not text.startswith("+++"):
        return None
    return tomllib.loads(text.split("+++")[1])


def as_datetime(v):
    """A TOML date or datetime as an aware datetime (naive ones in Europe/Paris)."""
    if isinstance(v, datetime.datetime):
        return v if v.tzinfo else v.replace(tzinfo=ZONE)
    return v


# --- iCalendar ---------------------------------------------------------------
calendars = {}
for ics in sorted(SITE.rglob("*.ics")):
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    for comp in cal.walk():
        if getattr(comp, "errors", None):
            fail(f"{ics}: {comp.name} has errors {comp.errors}")
    calendars[ics] = cal
if not calendars:
    fail("no .ics file was built")

def language_of(md):
    """The language of a content file: `lac.en.md` is English, `lac.md` French."""
    m = re.search(r"\.([a-z]{2})\.md$", md.name)
    return m.group(1) if m else "fr"


events = {}
for md in sorted(CONTENT.rglob("*.md")):
    fm = front_matter(md)
    if fm and "event" in fm:
        lang = language_of(md)
        events[(lang, fm["title"])] = (md, fm["event"])

for (lang, title), (md, ev) in events.items():
    agenda = SITE / ("agenda.ics" if lang == "fr" else f"{lang}/agenda.ics")
    found = [c for c in calendars[agenda].walk("VEVENT") if str(c.get("SUMMARY")) == title]
    if ev.get("dates"):
        # `[[event.dates]]`: days in a row at the same hours are one VEVENT
        # with a daily rule. Expanded by dateutil, the VEVENTs give exactly
        # the dates written, each with its length.
        written = []
        for d in [ev] + ev["dates"]:
            s = as_datetime(d["start"])
            e = as_datetime(d["end"]) if "end" in d else s + (as_datetime(ev["end"]) - as_datetime(ev["start"]))
            written.append((s, e - s))
        given = []
        for c in found:
            s, e = c.decoded("DTSTART"), c.decoded("DTEND")
            starts = [s]
            if c.get("RRULE"):
                starts = list(rrulestr(c.get("RRULE").to_ical().decode(), dtstart=s))
            given.extend((x, e - s) for x in starts)
        if sorted(given) != sorted(written):
            fail(f"{md}: the calendar gives {sorted(given)}, the page has {sorted(written)}")
        if len(found) >= len(written):
            fail(f"{md}: {len(found)} VEVENTs for {len(written)} dates, some in a row: no daily rule")
        continue
    if len(found) != 1:
        fail(f"{agenda}: {len(found)} events named {title!r}")
        continue
    c = found[0]
    start, end = ev["start"], ev.get("end", ev["start"])
    dtstart, dtend = c.decoded("DTSTART"), c.decoded("DTEND")
    if not isinstance(start, datetime.datetime):  # all-day
        if dtstart != start or dtend != end + datetime.timedelta(days=1):
            fail(f"{md}: all-day {start}..{end} but DTSTART {dtstart} DTEND {dtend}")
    else:
        if dtstart != as_datetime(start) or dtend != as_datetime(end):
            fail(f"{md}: {start}..{end} but DTSTART {dtstart} DTEND {dtend}")
        if str(c["DTSTART"].params.get("TZID")) != "Europe/Paris":
            fail(f"{md}: DTSTART without TZID Europe/Paris")
    if "rrule" in ev:
        written = c.get("RRULE").to_ical().decode()
        if written != ev["rrule"]:
            fail(f"{md}: RRULE {written} instead of {ev['rrule']}")
    status = {"scheduled": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}[ev.get("status", "scheduled")]
    if str(c.get("STATUS")) != status:
        fail(f"{md}: STATUS {c.get('STATUS')} instead of {status}")
    if not (SITE / str(c.get("URL")).split("/", 3)[3]).exists():
        fail(f"{md}: URL {c.get('URL')} does not exist in the site")

# --- Atom feeds ------------------------------------------------------------
feeds = sorted(SITE.rglob("atom.xml"))
if not feeds:
    fail("no Atom feed was built")
for f in feeds:
    d = feedparser.parse(f.read_bytes())
    if d.bozo:
        fail(f"{f}: not well-formed: {d.bozo_exception}")
        continue
    for key in ("title", "id", "updated"):
        if not d.feed.get(key):
            fail(f"{f}: the feed has no {key}")
    if not d.entries:
        fail(f"{f}: no entries")
    for e in d.entries:
        for key in ("title", "id", "updated", "link"):
            if not e.get(key):
                fail(f"{f}: an entry has no {key}")

# --- JSON-LD -----------------------------------------------------------------
class LdParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside = False
        self.blocks = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self.inside = True
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.blocks[-1] += data


def types_of(html_path):
    p = LdParser()
    p.feed(html_path.read_text(encoding="utf-8"))
    found = {}
    for block in p.blocks:
        doc = json.loads(block)
        for item in doc.get("@graph", [doc]):
            found.setdefault(item["@type"], []).append(item)
    return found


pages = [p for p in SITE.rglob("*.html") if p.name != "404.html"]
for page in pages:
    text = page.read_text(encoding="utf-8")
    if 'http-equiv="refresh"' in text:
        continue  # redirect pages
    if '<meta name="robots" content="noindex">' in text:
        continue  # share kits and the Mastodon share page: not for search engines
    try:
        t = types_of(page)
    except (json.JSONDecodeError, KeyError) as e:
        fail(f"{page}: JSON-LD does not parse: {e}")
        continue
    if "BreadcrumbList" not in t:
        fail(f"{page}: no BreadcrumbList")

home = types_of(SITE / "index.html")
dest = home.get("TouristDestination", [{}])[0]
if not dest.get("name") or not dest.get("sameAs") or not dest.get("image"):
    fail(f"index.html: TouristDestination without name, image or sameAs: {dest}")
for md in sorted(CONTENT.rglob("*.md")):
    fm = front_matter(md)
    if not fm or language_of(md) != "fr":
        continue
    rel = md.relative_to(CONTENT)
    folder = rel.parent if rel.name == "index.md" else rel.with_suffix("")
    html = SITE / folder / "index.html"
    if "place" in fm:
        place = types_of(html).get("TouristAttraction", [{}])[0]
        geo = place.get("geo", {})
        if geo.get("latitude") != fm["place"]["lat"] or geo.get("longitude") != fm["place"]["lon"]:
            fail(f"{html}: TouristAttraction geo {geo} does not match {fm['place']}")
    if "event" in fm:
        ev = types_of(html).get("Event", [{}])[0]
        status = {"scheduled": "EventScheduled", "cancelled": "EventCancelled", "postponed": "EventPostponed"}[fm["event"].get("status", "scheduled")]
        if not ev.get("startDate") or ev.get("eventStatus") != f"https://schema.org/{status}":
            fail(f"{html}: Event {ev}")
        start = fm["event"]["start"]
        if isinstance(start, datetime.datetime) and "rrule" not in fm["event"]:
            if datetime.datetime.fromisoformat(ev["startDate"]) != as_datetime(start):
                fail(f"{html}: Event startDate {ev['startDate']} is not {start}")

# --- The publishing calendar (docs/share.md) -----------------------------------
import csv
import io

NETWORK_NAMES = {"instagram": "Instagram", "facebook": "Facebook", "x": "X", "linkedin": "LinkedIn",
                 "bluesky": "Bluesky", "mastodon": "Mastodon", "threads": "Threads"}
CSV_HEADERS = {"meta": ["Post text", "Scheduled date", "Scheduled time", "Image URL", "Link"],
               "buffer": ["Text", "Image URL", "Tags", "Posting Time"], "hootsuite": None}
scheduled = set()
for md in sorted(CONTENT.rglob("*.md")):
    fm = front_matter(md)
    schedule = ((fm or {}).get("share") or {}).get("schedule") or {}
    if schedule and language_of(md) == "fr":
        for network, when in schedule.items():
            for w in when if isinstance(when, list) else [when]:
                w = w if isinstance(w, datetime.datetime) else datetime.datetime.fromisoformat(w)
                scheduled.add((NETWORK_NAMES[network], w.astimezone(datetime.timezone.utc)))
plan = SITE / "kit/plan/plan.ics"
if scheduled and not plan.is_file():
    fail(f"{plan}: no publishing calendar although pages have [share.schedule]")
elif scheduled:
    found = {(str(c.get("SUMMARY")).split(" — ")[0], c.decoded("DTSTART").astimezone(datetime.timezone.utc))
             for c in calendars[plan].walk("VEVENT")}
    if found != scheduled:
        fail(f"{plan}: events {sorted(found)} are not the posts scheduled {sorted(scheduled)}")
    for f in sorted((SITE / "kit/plan").glob("*.csv")):
        rows = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8"), newline="")))
        header = CSV_HEADERS[f.name.split("-")[0]]
        if header and rows[0] != header:
            fail(f"{f}: header {rows[0]} is not {header}")
        width = len(header) if header else 3
        if any(len(r) != width for r in rows) or len(rows) < (2 if header else 1):
            fail(f"{f}: rows of the wrong width or none: {rows}")
    for page in SITE.rglob("*.html"):
        rel = page.relative_to(SITE).as_posix()
        if "kit/" not in rel and "/kit/plan/" in page.read_text(encoding="utf-8"):
            fail(f"{page}: a public page links to the publishing calendar")
    if "/kit/" in (SITE / "sitemap.xml").read_text(encoding="utf-8"):
        fail("sitemap.xml lists a kit or the publishing calendar")

# The trails' open data against the national schema itself, when the data
# samples (which hold it) are at hand.
import os

samples = pathlib.Path(
    os.environ.get("BLASON_DATA_SAMPLES")
    or pathlib.Path(__file__).resolve().parents[2] / "../shared/data-samples"
)
schema_path = samples / "trails/schema_randonnee/schema.json"
open_data = SITE / "donnees/randonnees.geojson"
if schema_path.exists():
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    if not open_data.exists():
        fail(f"{open_data}: missing, though the example declares [open_data]")
    else:
        validator = jsonschema.validators.validator_for(schema)(schema)
        for e in validator.iter_errors(json.loads(open_data.read_text(encoding="utf-8"))):
            fail(f"{open_data}: {'/'.join(map(str, e.path))}: {e.message}")
        pages.append(open_data)
    print(f"schema_randonnee: {open_data.name} checked against {schema_path}")

checked = len(calendars) + len(feeds) + len(pages)
print(f"outputs: {len(calendars)} calendars, {len(feeds)} feeds, {len(pages)} pages checked")
for f in failures:
    print("FAIL", f)
print(f"{checked - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
