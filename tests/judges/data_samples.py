"""Judges the pages made from every real tourism data sample.

Usage: data_samples.py SAMPLES OUTPUT

SAMPLES is ../shared/data-samples (real DATAtourisme, Apidae, OpenAgenda and
Tourinsoft exports); OUTPUT is a site built from all of them (see `run`).
Counts the objects of each sample on its own, without blason's readers, and
checks that each has a page in the default language, that the page's
JSON-LD parses with a schema.org type fitting its kind, that a place whose
sample gives opening hours shows them in words, that nothing points at the
feeds' media hosts, and that an event has its dates.
"""

import json
import pathlib
import re
import sys
import zipfile
from html.parser import HTMLParser

samples = pathlib.Path(sys.argv[1])
out = pathlib.Path(sys.argv[2])
failures = []


def expected_ids():
    ids = {}
    for f in sorted((samples / "datatourisme").rglob("*.json")):
        d = json.loads(f.read_text())
        if isinstance(d, dict) and "@id" in d and "@type" in d:
            # `…/15/b968…` is object `15-b968…`, as the flux names its files.
            ids["-".join(d["@id"].rstrip("/").split("/")[-2:])] = ("datatourisme", f.name, d)
    def apidae(objs, name):
        for o in objs:
            if isinstance(o, dict) and "id" in o and o.get("type") not in ("STRUCTURE", "TERRITOIRE", None):
                ids[str(o["id"])] = ("apidae", name, o)
    for f in sorted((samples / "apidae").glob("*.json")):
        d = json.loads(f.read_text())
        objs = d.get("objetsTouristiques", [d]) if isinstance(d, dict) else d
        apidae(objs, f.name)
    with zipfile.ZipFile(samples / "apidae" / "json_export.zip") as z:
        for n in z.namelist():
            if n.startswith("objets_modifies/") and n.endswith(".json"):
                d = json.loads(z.read(n))
                apidae(d if isinstance(d, list) else [d], n)
    for f in sorted((samples / "openagenda").glob("*.json")):
        d = json.loads(f.read_text())
        events = d.get("events") if isinstance(d, dict) and "events" in d else [d.get("event", d)] if isinstance(d, dict) else d
        for e in events:
            if isinstance(e, dict) and "uid" in e and not e.get("draft"):
                ids[str(e["uid"])] = ("openagenda", f.name, e)
    for f in sorted((samples / "tourinsoft").glob("*.json")):
        d = json.loads(f.read_text())
        recs = d.get("value") or d.get("d", {}).get("results") or []
        for r in recs:
            key = next((k for k in r if k.lower() == "syndicobjectid"), None)
            if key:
                ids[str(r[key])] = ("tourinsoft", f.name, r)
    return ids


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.object = None
        self.kind = None
        self.lang = None
        self.ld = []
        self._in_ld = False
        self.practical = ""
        self._depth_practical = 0
        self.dates = 0
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "article" and "data-object" in a:
            self.object = a["data-object"]
            self.kind = a.get("data-kind")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.ld.append("")
        if tag == "section" and "practical" in (a.get("class") or "").split():
            self._depth_practical = 1
        elif self._depth_practical and tag == "section":
            self._depth_practical += 1
        for k in ("src", "href", "srcset"):
            if a.get(k):
                self.urls.append(a[k])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False
        if tag == "section" and self._depth_practical:
            self._depth_practical -= 1

    def handle_data(self, data):
        if self._in_ld:
            self.ld[-1] += data
        if self._depth_practical:
            self.practical += data


types = {
    "visit": {"TouristAttraction", "Place"},
    "eat": {"FoodEstablishment"},
    "stay": {"LodgingBusiness"},
    "do": {"SportsActivityLocation", "TouristAttraction"},
    "shop": {"Store", "LocalBusiness"},
    "service": {"LocalBusiness"},
    "event": {"Event"},
    "tour": {"TouristTrip"},
    "other": {"Place", "TouristAttraction"},
}
media_hosts = re.compile(r"(media\.tourinsoft|static\.apidae|cdn\.openagenda|apidae-tourisme|datatourisme\.(gouv\.)?fr/.*\.(jpe?g|png))", re.I)
weekdays = re.compile(r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|tous les jours", re.I)

want = expected_ids()
found = {}
for f in out.rglob("index.html"):
    p = Page()
    p.feed(f.read_text())
    if p.object is None or p.lang != "fr":
        continue
    found[p.object] = (f, p)

for oid, (fmt, name, obj) in sorted(want.items()):
    if oid not in found:
        failures.append(f"{fmt} {name}: object {oid} has no page")
        continue
    f, p = found[oid]
    rel = f.relative_to(out)
    try:
        graph = [json.loads(s)["@graph"] for s in p.ld]
    except (ValueError, KeyError) as e:
        failures.append(f"{rel}: the JSON-LD does not parse: {e}")
        continue
    got = {i.get("@type") for g in graph for i in g}
    if not (got & types.get(p.kind, set())):
        failures.append(f"{rel}: kind {p.kind}, JSON-LD types {sorted(t for t in got if t)}")
    bad = [u for u in p.urls if media_hosts.search(u)]
    if bad:
        failures.append(f"{rel}: points at a feed's media host: {bad[:2]}")
    if fmt == "datatourisme":
        hours = [h for loc in obj.get("isLocatedAt", []) for h in loc.get("schema:openingHoursSpecification", []) if h.get("schema:dayOfWeek")]
        if hours and p.kind != "event" and not weekdays.search(p.practical):
            failures.append(f"{rel}: the sample gives opening days; the page's practical block names none")
    if p.kind == "event":
        events = [i for g in graph for i in g if i.get("@type") == "Event"]
        if not events or not all(re.match(r"\d{4}-\d{2}-\d{2}", e.get("startDate", "")) for e in events):
            failures.append(f"{rel}: an event without dates in its JSON-LD")

print(f"data samples: {len(want)} objects, {len(found)} pages with an object")
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"data samples: {len(want)} passed, 0 failed")
