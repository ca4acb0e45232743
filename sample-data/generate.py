#!/usr/bin/env python3
"""Generate the slareport example site (deterministic).

    python3 sample-data/generate.py        # needs pyarrow (pip install pyarrow)

Writes, next to this script: slareport.toml, agreements/, data/, notes/. Those paths are deleted
and rewritten on every run; nothing else in the folder is touched (README.md, public/ ...).

Every random choice comes from seeded `random.Random` instances and every collection is walked in
a fixed order, so two runs give byte-identical files (for the same pyarrow version, which is
recorded in the Parquet footer). Nothing reads the wall clock.

The story the data tells (13 months, 2025-10-01 .. 2026-10-31, Europe/London):
  * background noise: short outages, the odd degraded spell, planned maintenance on weekend
    nights, a few hundred tickets a month, survey scores, probe samples, API request counts;
  * planted events (PLANTED_OUTAGES, SLOW_SPELLS, PROBE_GAPS, SURVEY_DIPS and the special tickets
    in gen_tickets), described in README.md, so the reports have breaches to show.
"""

from __future__ import annotations

import csv
import random
import shutil
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover
    sys.exit("generate.py needs pyarrow: pip install pyarrow")

ROOT = Path(__file__).resolve().parent
SEED = 20261101

LON = ZoneInfo("Europe/London")
NY = ZoneInfo("America/New_York")
UTC = timezone.utc
MIN = 60
HOUR = 3600
DAY = 86400


def rng_for(stream: int) -> random.Random:
    """One independent, seeded generator per data stream (adding a stream never shifts another)."""
    return random.Random(SEED * 100 + stream)


# --------------------------------------------------------------------------------------------
# Time helpers (all instants are integer epoch seconds)
# --------------------------------------------------------------------------------------------

def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, tz=LON, fold: int = 0) -> int:
    """Wall-clock time in `tz` -> epoch seconds. fold=1 picks the second of a repeated hour."""
    return int(datetime(y, mo, d, h, mi, s, tzinfo=tz, fold=fold).timestamp())


def iso_local(ts: int) -> str:
    """ISO 8601 with the London offset of that instant, e.g. 2026-03-29T00:30:00+00:00."""
    return datetime.fromtimestamp(ts, LON).isoformat()


def iso_utc(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket_time(ts: int) -> str:
    """ServiceNow-style day-first local time without a zone."""
    return datetime.fromtimestamp(ts, LON).strftime("%d/%m/%Y %H:%M")


def is_second_occurrence(ts: int) -> bool:
    """True when the London wall-clock time of ts is the second pass of a repeated hour: a naive
    timestamp would be read as the first one, so tickets avoid these instants."""
    return datetime.fromtimestamp(ts, LON).fold == 1


MONTHS = [(2025, m) for m in (10, 11, 12)] + [(2026, m) for m in range(1, 11)]


def month_bounds(y: int, m: int) -> tuple[int, int]:
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return at(y, m, 1), at(ny, nm, 1)


DATA_START = month_bounds(*MONTHS[0])[0]  # 2025-10-01 00:00 London = 2025-09-30T23:00Z
DATA_END = month_bounds(*MONTHS[-1])[1]   # 2026-11-01 00:00 London = 2026-11-01T00:00Z (export time)


# --------------------------------------------------------------------------------------------
# Calendars (the generator needs them to place business-time response and resolution times)
# --------------------------------------------------------------------------------------------

ENGLAND_HOLIDAYS = [date.fromisoformat(d) for d in (
    "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
    "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28")]
EXTENDED_HOLIDAYS = [date.fromisoformat(d) for d in (
    "2025-12-25", "2025-12-26", "2026-01-01", "2026-12-25", "2026-12-26")]
US_HOLIDAYS = [date.fromisoformat(d) for d in (
    "2025-11-27", "2025-12-25", "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25",
    "2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25")]

# Bank holidays are never weekends (substitute days are used), US observed days neither.
for _d in ENGLAND_HOLIDAYS + US_HOLIDAYS:
    assert _d.weekday() < 5, _d

WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Calendar:
    def __init__(self, tz, days: list[str], hours: str, holidays: list[date]):
        self.tz = tz
        self.days = frozenset(WEEKDAY_NAMES.index(d) for d in days)
        a, b = hours.split("-")
        self.open = time.fromisoformat(a)
        self.close = time.fromisoformat(b)
        self.holidays = frozenset(holidays)

    def _window(self, d: date):
        if d.weekday() not in self.days or d in self.holidays:
            return None
        a = int(datetime.combine(d, self.open, tzinfo=self.tz).timestamp())
        b = int(datetime.combine(d, self.close, tzinfo=self.tz).timestamp())
        return a, b

    def windows(self, t0: int, t1: int) -> list[tuple[int, int]]:
        out = []
        d = datetime.fromtimestamp(t0, self.tz).date() - timedelta(days=1)
        last = datetime.fromtimestamp(t1, self.tz).date()
        while d <= last:
            w = self._window(d)
            if w:
                a, b = max(w[0], t0), min(w[1], t1)
                if a < b:
                    out.append((a, b))
            d += timedelta(days=1)
        return out

    def elapsed(self, t0: int, t1: int) -> int:
        return sum(b - a for a, b in self.windows(t0, t1)) if t1 > t0 else 0

    def add(self, t0: int, secs: int) -> int:
        """Earliest instant t >= t0 with elapsed(t0, t) == secs."""
        if secs <= 0:
            return t0
        d = datetime.fromtimestamp(t0, self.tz).date()
        remaining = secs
        while True:
            w = self._window(d)
            if w:
                a = max(w[0], t0)
                if a < w[1]:
                    if remaining <= w[1] - a:
                        return a + remaining
                    remaining -= w[1] - a
            d += timedelta(days=1)

    def contains(self, ts: int) -> bool:
        dt = datetime.fromtimestamp(ts, self.tz)
        w = self._window(dt.date())
        return bool(w) and w[0] <= ts < w[1]


class Always:
    def elapsed(self, t0: int, t1: int) -> int:
        return max(0, t1 - t0)

    def add(self, t0: int, secs: int) -> int:
        return t0 + max(0, secs)

    def contains(self, ts: int) -> bool:
        return True


BUSINESS = Calendar(LON, ["mon", "tue", "wed", "thu", "fri"], "08:00-18:00", ENGLAND_HOLIDAYS)
EXTENDED = Calendar(LON, ["mon", "tue", "wed", "thu", "fri", "sat"], "07:00-22:00", EXTENDED_HOLIDAYS)
US_SUPPLIER = Calendar(NY, ["mon", "tue", "wed", "thu", "fri"], "09:00-17:00", US_HOLIDAYS)
ALWAYS = Always()


def toml_dates(ds: list[date]) -> str:
    return "[" + ", ".join(d.isoformat() for d in ds) + "]"


# --------------------------------------------------------------------------------------------
# Services, customers
# --------------------------------------------------------------------------------------------

CUSTOMERS = [
    ("acme", "Acme Manufacturing Ltd"),
    ("globex", "Globex Corporation"),
    ("initech", "Initech Ltd"),
]

SERVICES = ["email", "webmail", "erp", "payroll", "vpn", "file-share", "api-gateway", "service-desk"]

# Which customers' SLAs cover each service (the agreements below): a ticket or a survey answer of
# a shared service comes from one of them.
SERVICE_CUSTOMERS = {
    "email": ["acme", "globex", "initech"],
    "webmail": ["acme", "initech"],
    "erp": ["acme", "initech"],
    "payroll": ["acme", "initech"],
    "vpn": ["globex", "initech"],
    "file-share": ["globex", "initech"],
    "api-gateway": ["globex"],
    "service-desk": ["globex"],
}
CUSTOMER_NAMES = dict(CUSTOMERS)


# --------------------------------------------------------------------------------------------
# Outages
# --------------------------------------------------------------------------------------------

# service -> (weighted causes for unplanned/degraded rows, cause of planned work, summaries)
OUTAGE_PROFILE = {
    "email": ([("cloudmail-upc", 6), ("network-ola", 2), ("", 2)], "cloudmail-upc",
              ["Mail delivery delayed", "Mailbox server not responding", "SMTP relay rejecting mail",
               "Outlook cannot connect, RPC errors"]),
    "webmail": ([("cloudmail-upc", 6), ("network-ola", 2), ("", 1)], "cloudmail-upc",
                ["Webmail login page times out", "Webmail returning HTTP 502", "Webmail sessions dropped"]),
    "erp": ([("", 3), ("network-ola", 2)], "",
            ["ERP application server hung", "ERP database failover", "ERP login errors, licence server"]),
    "payroll": ([("", 4), ("network-ola", 2)], "",
                ["Payroll portal unavailable", "Payroll batch blocked the front end"]),
    "vpn": ([("netco-upc", 6), ("network-ola", 3), ("", 1)], "netco-upc",
            ["VPN tunnels dropping", "VPN gateway unreachable", "Remote users cannot authenticate"]),
    "file-share": ([("network-ola", 5), ("", 3)], "network-ola",
                   ["File servers unreachable from some sites", "DFS namespace not resolving",
                    "Storage latency, shares unresponsive"]),
    "api-gateway": ([("network-ola", 3), ("", 4)], "",
                    ["API gateway returning 503", "Load balancer health checks failing",
                     "Certificate expired on an API endpoint"]),
}

PLANNED_SUMMARIES = ["Planned maintenance: patching", "Planned maintenance: firmware upgrade",
                     "Planned maintenance: database upgrade", "Planned maintenance, change window"]
DEGRADED_SUMMARIES = ["Degraded: slow responses", "Degraded: intermittent errors for some users",
                      "Degraded: reduced capacity, one node down"]


def weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def L(s: str, fold: int = 0) -> int:
    """'2026-02-10 09:20' (London wall clock) -> epoch seconds."""
    dt = datetime.strptime(s, "%Y-%m-%d %H:%M")
    return at(dt.year, dt.month, dt.day, dt.hour, dt.minute, tz=LON, fold=fold)


# Planted rows: (service, start, end or None, kind, cause, summary). kind "" means written empty.
PLANTED_OUTAGES = [
    # Autumn DST night 2025-10-26: 01:00-02:00 happens twice.
    ("vpn", L("2025-10-26 00:30"), L("2025-10-26 02:30"), "planned", "netco-upc",
     "Planned maintenance: WAN core upgrade across the clock change"),
    ("erp", L("2025-10-26 01:20"), L("2025-10-26 01:40", fold=1), "unplanned", "",
     "ERP scheduler crashed at the clock change (01:20 BST to 01:40 GMT, 80 minutes)"),
    # A month-end crossing, Sunday night.
    ("vpn", L("2025-11-30 23:40"), L("2025-12-01 00:25"), "unplanned", "netco-upc",
     "VPN gateway unreachable, NetCo line fault"),
    # Month-end crossing into February.
    ("payroll", L("2026-01-31 23:10"), L("2026-02-01 02:40"), "unplanned", "network-ola",
     "Payroll portal unreachable, firewall rule change rolled back"),
    # February: the big e-mail outage (Tue 10 Feb), with an overlapping network fault that started first.
    ("email", L("2026-02-10 09:05"), L("2026-02-10 09:35"), "unplanned", "network-ola",
     "Core switch reboot, mail clients disconnected"),
    ("email", L("2026-02-10 09:20"), L("2026-02-10 15:20"), "unplanned", "cloudmail-upc",
     "Mailbox store failure at Cloudmail, service restored from replica"),
    ("webmail", L("2026-02-10 09:20"), L("2026-02-10 15:20"), "unplanned", "cloudmail-upc",
     "Webmail down, mailbox store failure at Cloudmail"),
    ("email", L("2026-02-17 11:10"), L("2026-02-17 12:25"), "degraded", "cloudmail-upc",
     "Outbound mail queued at relay, external mail delayed"),
    ("email", L("2026-02-24 14:00"), L("2026-02-24 15:30"), "degraded", "cloudmail-upc",
     "Calendar sync failing for all users"),
    # Spring DST night 2026-03-29: 01:00-02:00 does not exist.
    ("payroll", L("2026-03-29 00:30"), L("2026-03-29 03:10"), "planned", "",
     "Planned maintenance over the clock change (00:30 GMT to 03:10 BST, 100 minutes)"),
    ("api-gateway", L("2026-03-29 00:50"), L("2026-03-29 02:20"), "degraded", "network-ola",
     "Degraded: health checks flapping after the clock change"),
    # March: webmail slow for two weeks after a storage migration (latency breach in the probes).
    ("webmail", L("2026-03-02 07:45"), L("2026-03-13 19:00"), "degraded", "cloudmail-upc",
     "Degraded: slow webmail after Cloudmail storage migration"),
    # April: a short network fault inside a longer supplier outage (attribution: earlier start wins).
    ("email", L("2026-04-22 10:00"), L("2026-04-22 10:18"), "unplanned", "cloudmail-upc",
     "Mailbox server not responding"),
    ("email", L("2026-04-22 10:06"), L("2026-04-22 10:14"), "unplanned", "network-ola",
     "Site link flap during mailbox outage"),
    # April: planned ERP upgrade on a Saturday evening, inside the extended calendar.
    ("erp", L("2026-04-18 19:00"), L("2026-04-18 20:30"), "planned", "",
     "Planned maintenance: ERP release 26.2 (Saturday evening, announced)"),
    # May: ERP breach.
    ("erp", L("2026-05-12 10:05"), L("2026-05-12 13:20"), "unplanned", "",
     "ERP database deadlock after patch, application restarted"),
    ("erp", L("2026-05-19 14:30"), L("2026-05-19 15:15"), "unplanned", "network-ola",
     "ERP unreachable from branch offices, routing fault"),
    ("erp", L("2026-05-27 07:00"), L("2026-05-28 12:00"), "degraded", "",
     "Degraded: month-end batch slowing ERP"),
    # Month-end crossing with planned work (Sunday 31 May).
    ("api-gateway", L("2026-05-31 22:30"), L("2026-06-01 01:15"), "planned", "",
     "Planned maintenance: gateway cluster upgrade"),
    # June: API gateway upgrade gone wrong (latency threshold and success ratio breaches).
    ("api-gateway", L("2026-06-08 08:00"), L("2026-06-19 18:00"), "degraded", "network-ola",
     "Degraded: elevated latency and 5xx errors after load balancer change"),
    ("api-gateway", L("2026-06-09 14:10"), L("2026-06-09 14:55"), "unplanned", "network-ola",
     "API gateway returning 503, load balancer pool empty"),
    # July: VPN breach, network change overlapping a NetCo WAN failure.
    ("vpn", L("2026-07-14 02:50"), L("2026-07-14 03:30"), "unplanned", "network-ola",
     "Firewall change broke VPN authentication"),
    ("vpn", L("2026-07-14 03:10"), L("2026-07-14 05:55"), "unplanned", "netco-upc",
     "NetCo WAN core failure, all VPN tunnels down"),
    ("vpn", L("2026-07-21 14:05"), L("2026-07-21 14:45"), "", "netco-upc",
     "VPN tunnels dropping, NetCo line errors"),
    # Still open when the export was taken.
    ("file-share", L("2026-10-31 21:40"), None, "unplanned", "network-ola",
     "Storage controller failover in progress"),
]

# Probe monitoring down (no samples at all), London wall clock.
PROBE_GAPS = {
    "webmail": [(L("2025-11-18 01:40"), L("2025-11-18 07:15")),
                (L("2026-04-22 13:05"), L("2026-04-22 16:20")),
                (L("2026-09-06 03:00"), L("2026-09-06 05:30"))],
    "api-gateway": [(L("2026-01-07 10:00"), L("2026-01-07 14:45")),
                    (L("2026-08-15 22:00"), L("2026-08-16 06:10"))],
}


def gen_outages() -> list[dict]:
    rng = rng_for(1)
    rows = []
    for svc in ["email", "webmail", "erp", "payroll", "vpn", "file-share", "api-gateway"]:
        causes, planned_cause, summaries = OUTAGE_PROFILE[svc]
        for (y, m) in MONTHS:
            ms, me = month_bounds(y, m)
            # unplanned
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                r = rng.random()
                if r < 0.8:
                    dur = rng.randint(1, 8)
                elif r < 0.98:
                    dur = rng.randint(8, 20)
                else:
                    dur = rng.randint(20, 45)
                dur = dur * MIN + rng.randrange(60)
                start = ms + rng.randrange(me - ms - 2 * HOUR)
                kind = "" if rng.random() < 0.15 else "unplanned"
                rows.append(dict(svc=svc, start=start, end=start + dur, kind=kind,
                                 cause=weighted(rng, causes), summary=rng.choice(summaries)))
            # degraded
            if rng.random() < 0.22:
                dur = rng.randint(15, 60) * MIN
                start = ms + rng.randrange(me - ms - 4 * HOUR)
                rows.append(dict(svc=svc, start=start, end=start + dur, kind="degraded",
                                 cause=weighted(rng, causes), summary=rng.choice(DEGRADED_SUMMARIES)))
            # planned: weekend nights only
            if rng.random() < 0.17:
                weekends = [d for d in range((me - ms) // DAY + 1)
                            if (date(y, m, 1) + timedelta(days=d)).weekday() == 5
                            and (date(y, m, 1) + timedelta(days=d + 1)).month == m]
                sat = date(y, m, 1) + timedelta(days=rng.choice(weekends))
                sun = sat + timedelta(days=1)
                slot = rng.choice([(sat, 22), (sun, 1), (sun, 6)])
                start = at(slot[0].year, slot[0].month, slot[0].day, slot[1])
                dur = rng.choice([60, 90, 120, 180, 240]) * MIN
                rows.append(dict(svc=svc, start=start, end=start + dur, kind="planned",
                                 cause=planned_cause, summary=rng.choice(PLANNED_SUMMARIES)))
    for svc, start, end, kind, cause, summary in PLANTED_OUTAGES:
        rows.append(dict(svc=svc, start=start, end=end, kind=kind, cause=cause, summary=summary))
    # random rows never run past the export
    for r in rows:
        if r["end"] is not None and r["end"] > DATA_END:
            shift = r["end"] - DATA_END + 10 * MIN
            r["start"] -= shift
            r["end"] -= shift
    rows.sort(key=lambda r: (r["start"], r["svc"], r["end"] or DATA_END, r["cause"]))
    for i, r in enumerate(rows, 1):
        r["ref"] = f"OUT-{i:04d}"
    return rows


def write_outages(rows) -> int:
    path = ROOT / "data" / "outages.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ref", "svc", "began", "ended", "type", "caused_by", "summary"])
        for r in rows:
            w.writerow([r["ref"], r["svc"], iso_local(r["start"]),
                        "" if r["end"] is None else iso_local(r["end"]),
                        r["kind"], r["cause"], r["summary"]])
    return len(rows)


# --------------------------------------------------------------------------------------------
# Probe samples (Parquet)
# --------------------------------------------------------------------------------------------

PROBE_PROFILE = {
    # median ms, sigma, business-hours factor, tail probability, tail factor range
    "webmail": (165, 0.28, 1.2, 0.012, (2.0, 5.0)),
    "api-gateway": (95, 0.33, 1.25, 0.008, (2.0, 4.0)),
}

# extra latency multipliers (start, end, factor, business hours only)
SLOW_SPELLS = {
    "webmail": [(L("2026-03-02 07:45"), L("2026-03-13 19:00"), 1.2, False)],
    "api-gateway": [(L("2026-06-08 08:00"), L("2026-06-19 18:00"), 3.4, True)],
}


def gen_probes(service: str, outages, stream: int) -> tuple[list[int], list[bool], list]:
    rng = rng_for(stream)
    n = (DATA_END - DATA_START) // MIN
    state = bytearray(n)      # 0 up, 1 down, 2 no sample
    factor = [1.0] * n

    def idx(ts: int) -> int:  # first sample index at or after ts
        return max(0, min(n, -((DATA_START - ts) // MIN)))

    for a, b in BUSINESS.windows(DATA_START, DATA_END):
        for i in range(idx(a), idx(b)):
            factor[i] = PROBE_PROFILE[service][2]
    for r in outages:
        if r["svc"] != service:
            continue
        end = DATA_END if r["end"] is None else r["end"]
        if r["kind"] == "degraded":
            for i in range(idx(r["start"]), idx(end)):
                factor[i] *= 1.6
        else:
            for i in range(idx(r["start"]), idx(end)):
                state[i] = 1
    for a, b, f, business_only in SLOW_SPELLS.get(service, []):
        for i in range(idx(a), idx(b)):
            if not business_only or BUSINESS.contains(DATA_START + i * MIN):
                factor[i] *= f
    # probe flaps (timeouts that never made it into the outage log): a few per month
    for (y, m) in MONTHS:
        ms, me = month_bounds(y, m)
        for _ in range(rng.randint(2, 6)):
            i = idx(ms + rng.randrange(me - ms))
            for k in range(rng.choice([1, 1, 1, 2, 3])):
                if i + k < n:
                    state[i + k] = 1
    for a, b in PROBE_GAPS.get(service, []):
        for i in range(idx(a), idx(b)):
            state[i] = 2

    median, sigma, _, tail_p, (t0, t1) = PROBE_PROFILE[service]
    times, ups, lat = [], [], []
    for i in range(n):
        s = state[i]
        if s == 2:
            continue
        times.append(DATA_START + i * MIN)
        x = rng.lognormvariate(0.0, sigma)
        if rng.random() < tail_p:
            x *= rng.uniform(t0, t1)
        if s == 1:
            ups.append(False)
            lat.append(None)
        else:
            ups.append(True)
            lat.append(max(12, int(round(median * factor[i] * x))))
    return times, ups, lat


def write_probes(service: str, times, ups, lat) -> list[tuple[str, int]]:
    folder = ROOT / "data" / "probes" / f"service={service}"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    split = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    k = next(i for i, t in enumerate(times) if t >= split)
    for year, sl in ((2025, slice(0, k)), (2026, slice(k, len(times)))):
        table = pa.table({
            "time": pa.array(times[sl], type=pa.timestamp("s", tz="UTC")),
            "up": pa.array(ups[sl], type=pa.bool_()),
            "latency_ms": pa.array(lat[sl], type=pa.int32()),
        })
        path = folder / f"{year}.parquet"
        pq.write_table(table, path, compression="zstd", compression_level=9,
                       use_dictionary=False, row_group_size=131072,
                       column_encoding={"time": "DELTA_BINARY_PACKED", "up": "PLAIN",
                                        "latency_ms": "DELTA_BINARY_PACKED"})
        out.append((str(path.relative_to(ROOT)), table.num_rows))
    return out


# --------------------------------------------------------------------------------------------
# Tickets (ServiceNow-like incident export)
# --------------------------------------------------------------------------------------------

TICKET_SERVICES = [("service-desk", 20), ("email", 17), ("file-share", 15), ("erp", 13),
                   ("vpn", 12), ("payroll", 7), ("webmail", 8), ("api-gateway", 8)]
PRIORITIES = [("P1", 0.25), ("P2", 9), ("P3", 50), ("P4", 40.75)]
TICKET_CAUSES = {
    "email": [("cloudmail-upc", 25), ("network-ola", 5), ("desk-ola", 3), ("", 67)],
    "webmail": [("cloudmail-upc", 25), ("", 75)],
    "vpn": [("netco-upc", 25), ("network-ola", 15), ("", 60)],
    "file-share": [("network-ola", 20), ("", 80)],
    "erp": [("network-ola", 5), ("desk-ola", 5), ("", 90)],
    "payroll": [("network-ola", 5), ("desk-ola", 5), ("", 90)],
    "service-desk": [("desk-ola", 15), ("", 85)],
    "api-gateway": [("network-ola", 10), ("", 90)],
}
GROUPS = {"email": "Messaging", "webmail": "Messaging", "vpn": "Network", "file-share": "Network",
          "erp": "ERP Support", "payroll": "ERP Support", "service-desk": "Service Desk",
          "api-gateway": "Platform"}
DESCRIPTIONS = {
    "email": ["Cannot send mail, outbox stuck", "Shared mailbox access request", "Outlook keeps asking for password",
              "Mail to external domains delayed", "Distribution list not receiving mail", "Calendar invites missing"],
    "webmail": ["Webmail login loops", "Webmail slow, attachments time out", "Webmail shows blank page"],
    "vpn": ["VPN disconnects every few minutes", "Cannot connect to VPN from home", "VPN client certificate expired",
            "VPN slow, file copies stall"],
    "file-share": ["Cannot open shared drive", "Folder permissions, access denied", "Restore deleted file",
                   "Mapped drive missing after login", "Share full, cannot save"],
    "erp": ["ERP report fails with timeout", "Cannot post invoices, posting period closed?",
            "ERP user locked out", "Purchase order approval stuck", "ERP printing to wrong tray"],
    "payroll": ["Payslip not visible in portal", "Payroll export failed", "Timesheet approval, wrong manager"],
    "service-desk": ["Password reset", "New starter account, laptop and phone", "Printer offline",
                     "Software install request", "Laptop battery swelling", "Monitor flickering"],
    "api-gateway": ["API key rotation request", "Partner integration returns 401", "Rate limit raise request",
                    "Webhook deliveries failing"],
}
# Support hours the resolving teams actually work (used to place response/resolution times).
SUPPORT_CALENDAR = {"erp": EXTENDED, "payroll": EXTENDED}


def business_instant(rng: random.Random, ms: int, me: int) -> int:
    wins = BUSINESS.windows(ms, me)
    total = sum(b - a for a, b in wins)
    x = rng.randrange(total // MIN) * MIN
    for a, b in wins:
        if x < b - a:
            return a + x
        x -= b - a
    raise AssertionError


def expo_minutes(rng: random.Random, base: float, mean: float, cap: float) -> int:
    return int(min(cap, base + rng.expovariate(1.0 / mean)))


def ticket_times(rng: random.Random, svc: str, prio: str, opened: int, slow_desk: bool):
    """-> (responded, resolved, paused minutes or None) as instants."""
    cal = SUPPORT_CALENDAR.get(svc, BUSINESS)
    fail = rng.random()
    if prio == "P1":
        resp = 1 + min(int(rng.expovariate(1 / 3)), 8)
        responded = opened + resp * MIN
        res = expo_minutes(rng, 25, 50, 225)
        return responded, opened + res * MIN, None
    if prio == "P2":
        resp = expo_minutes(rng, 2, 5, 18) if fail > 0.002 else rng.randint(32, 70)
        responded = cal.add(opened, resp * MIN)
        res = expo_minutes(rng, 30, 90, 340) if rng.random() > 0.002 else rng.randint(490, 900)
        paused = None
        if svc not in SUPPORT_CALENDAR and rng.random() < 0.03:
            paused = rng.randint(20, 240)
        resolved = cal.add(opened, (res + (paused or 0)) * MIN)
        return responded, max(resolved, responded), paused
    slow = slow_desk and rng.random() < 0.4
    if prio == "P3":
        if slow:
            resp = rng.randint(125, 400)
        else:
            resp = expo_minutes(rng, 3, 10, 110) if fail > 0.015 else rng.randint(125, 300)
        res = expo_minutes(rng, 60, 250, 940) if rng.random() > 0.02 else rng.randint(1000, 2400)
    else:
        if slow:
            resp = rng.randint(250, 600)
        else:
            resp = expo_minutes(rng, 5, 20, 230) if fail > 0.015 else rng.randint(250, 500)
        res = expo_minutes(rng, 120, 600, 2380) if rng.random() > 0.02 else rng.randint(2450, 4500)
    responded = cal.add(opened, resp * MIN)
    paused = None
    if svc not in SUPPORT_CALENDAR and rng.random() < 0.15:
        paused = rng.randint(20, 600)
    resolved = cal.add(opened, (res + (paused or 0)) * MIN)
    return responded, max(resolved, responded + 5 * MIN), paused


def gen_tickets(outages) -> list[dict]:
    rng = rng_for(2)
    tickets = []
    for (y, m) in MONTHS:
        ms, me = month_bounds(y, m)
        n = rng.randint(270, 330)
        if m == 12:
            n = n * 85 // 100
        elif m == 8:
            n = n * 90 // 100
        for _ in range(n):
            svc = weighted(rng, TICKET_SERVICES)
            prio = weighted(rng, PRIORITIES)
            if prio == "P1" or rng.random() < 0.1:
                opened = (ms + rng.randrange(me - ms)) // MIN * MIN
            else:
                opened = business_instant(rng, ms, me)
            slow_desk = opened >= L("2025-12-15 00:00") and opened < L("2026-01-01 00:00")
            responded, resolved, paused = ticket_times(rng, svc, prio, opened, slow_desk)
            tickets.append(dict(svc=svc, prio=prio, opened=opened, responded=responded,
                                resolved=resolved, paused=paused,
                                cause=weighted(rng, TICKET_CAUSES[svc]),
                                desc=rng.choice(DESCRIPTIONS[svc])))
    # Major incidents follow the outage log: a P1 or P2 for every long unplanned outage,
    # a P3 for long degraded spells.
    for r in outages:
        if r["end"] is None:
            dur = DATA_END - r["start"]
        else:
            dur = r["end"] - r["start"]
        critical = r["svc"] in ("email", "vpn", "erp")
        if r["kind"] in ("unplanned", "") and dur >= 28 * MIN:
            prio = "P1" if dur >= 60 * MIN or (critical and dur >= 40 * MIN) else "P2"
        elif r["kind"] == "degraded" and dur >= 60 * MIN and r["svc"] != "webmail":
            prio = "P1" if r["svc"] == "email" and r["start"] >= L("2026-02-01 00:00") \
                and r["start"] < L("2026-03-01 00:00") else "P3"
        else:
            continue
        opened = (r["start"] + rng.randint(2, 9) * MIN + 59) // MIN * MIN
        responded = opened + rng.randint(2, 7) * MIN
        if r["svc"] == "email" and r["start"] == L("2026-02-10 09:20"):
            responded = opened + 24 * MIN  # the desk was swamped with calls: P1 response missed
        if r["end"] is None:
            resolved = None
        elif prio == "P1" and r["svc"] == "vpn" and r["cause"] == "netco-upc" and dur > 2 * HOUR:
            resolved = L("2026-07-14 09:40")  # waited for NetCo to confirm the fix
        else:
            resolved = (r["end"] + rng.randint(4, 25) * MIN) // MIN * MIN
        if prio == "P3":
            responded = BUSINESS.add(opened, rng.randint(5, 40) * MIN)
            if resolved is not None:
                resolved = max(resolved, responded + 10 * MIN)
        tickets.append(dict(svc=r["svc"], prio=prio, opened=opened, responded=responded,
                            resolved=resolved, paused=None, cause=r["cause"],
                            desc=f"Major incident: {r['summary']}" if prio == "P1" else r["summary"]))
    # Extra P1s so that May 2026 has three ERP P1 incidents.
    tickets.append(dict(svc="erp", prio="P1", opened=L("2026-05-28 08:12"), responded=L("2026-05-28 08:19"),
                        resolved=L("2026-05-28 11:02"), paused=None, cause="",
                        desc="Major incident: month-end close blocked, ERP batch queue stuck"))
    # One ticket paused over a weekend: on hold Fri 16:30 -> Mon 10:00 London. on_hold_minutes
    # counts business minutes (Fri 16:30-18:00 = 90, Mon 08:00-10:00 = 120), not the 65.5 h on the clock.
    tickets.append(dict(svc="file-share", prio="P3", opened=L("2026-09-11 15:20"),
                        responded=L("2026-09-11 15:45"), resolved=L("2026-09-14 11:30"), paused=210,
                        cause="", desc="Restore deleted project folder, waiting for user over the weekend"))
    # An old ticket still open at the export, long past its P3 budget.
    tickets.append(dict(svc="vpn", prio="P3", opened=L("2026-10-13 10:12"), responded=L("2026-10-13 10:40"),
                        resolved=None, paused=600, cause="netco-upc",
                        desc="VPN client certificate renewal failing for remote users, awaiting NetCo"))
    # Export: drop future instants, avoid repeated-hour wall-clock times.
    for t in tickets:
        for k in ("opened", "responded", "resolved"):
            if t[k] is not None and is_second_occurrence(t[k]):
                delta = HOUR
                for k2 in ("opened", "responded", "resolved")[("opened", "responded", "resolved").index(k):]:
                    if t[k2] is not None:
                        t[k2] += delta
        if t["resolved"] is not None and t["resolved"] >= DATA_END:
            t["resolved"] = None
        if t["responded"] is not None and t["responded"] >= DATA_END:
            t["responded"] = None
    tickets.sort(key=lambda t: (t["opened"], t["svc"], t["prio"], t["desc"]))
    # states, a few missing values as the export writes them
    for i, t in enumerate(tickets):
        t["number"] = f"INC{10001 + i:07d}"
        if t["resolved"] is None:
            t["state"] = "New" if t["responded"] is None else ("On Hold" if t["paused"] else "In Progress")
        else:
            t["state"] = "Closed" if t["resolved"] < DATA_END - 5 * DAY else "Resolved"
        t["responded_text"] = "" if t["responded"] is None else ticket_time(t["responded"])
        t["paused_text"] = "0" if t["paused"] is None else str(t["paused"])
        r = rng.random()
        if t["prio"] == "P4" and t["resolved"] is not None and \
                BUSINESS.elapsed(t["opened"], t["resolved"]) <= 180 * MIN and r < 0.05:
            t["responded_text"] = "?" if r < 0.02 else ""  # fixed on first contact, no response logged
        if t["paused"] is None and rng.random() < 0.01:
            t["paused_text"] = rng.choice(["", "?"])
    # The caller's company, as the export writes it (display names; slareport.toml maps them to
    # ids). Its own random stream, so every other column stays as it was.
    who = rng_for(12)
    for t in tickets:
        t["company"] = CUSTOMER_NAMES[who.choice(SERVICE_CUSTOMERS[t["svc"]])]
    # As real exports do: a few incidents without a configuration item (`?`) and one raised by a
    # company no SLA names. slareport sets these rows aside and reports them.
    for i in (17, 1203, 2890):
        tickets[i]["svc_text"] = "?"
    tickets[2400]["company"] = "Northwind internal"
    return tickets


def write_tickets(tickets) -> int:
    path = ROOT / "data" / "incident.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["number", "opened_at", "short_description", "cmdb_ci", "priority", "state",
                    "assignment_group", "responded_at", "resolved_at", "on_hold_minutes", "caused_by",
                    "company"])
        for t in tickets:
            w.writerow([t["number"], ticket_time(t["opened"]), t["desc"], t.get("svc_text", t["svc"]), t["prio"],
                        t["state"], GROUPS[t["svc"]], t["responded_text"],
                        "" if t["resolved"] is None else ticket_time(t["resolved"]),
                        t["paused_text"], t["cause"], t["company"]])
    return len(tickets)


# --------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------

SURVEY_SERVICES = ["email", "erp", "payroll", "vpn", "file-share", "service-desk"]
SURVEY_DEFAULT = [1, 2, 7, 40, 50]
SURVEY_DESK = [1, 2, 6, 38, 53]
SURVEY_DIPS = {
    ("service-desk", 2025, 12): [6, 9, 18, 35, 32],
    ("service-desk", 2026, 1): [3, 5, 10, 40, 42],
    ("email", 2026, 2): [10, 14, 22, 30, 24],
    ("erp", 2026, 5): [12, 15, 20, 30, 23],
}


def gen_surveys() -> list[tuple[int, str, int, str]]:
    rng = rng_for(3)
    rows = []
    for (y, m) in MONTHS:
        ms, me = month_bounds(y, m)
        for svc in SURVEY_SERVICES:
            n = rng.randint(50, 70) if svc == "service-desk" else rng.randint(24, 40)
            weights = SURVEY_DIPS.get((svc, y, m), SURVEY_DESK if svc == "service-desk" else SURVEY_DEFAULT)
            for _ in range(n):
                t = business_instant(rng, ms, me) + rng.randrange(60) if rng.random() < 0.85 \
                    else ms + rng.randrange(me - ms)
                score = weighted(rng, list(zip([1, 2, 3, 4, 5], weights)))
                rows.append((t, svc, score))
    rows.sort()
    # Who answered: one of the customers of the service (its own random stream).
    who = rng_for(13)
    return [(t, svc, score, who.choice(SERVICE_CUSTOMERS[svc])) for t, svc, score in rows]


def write_surveys(rows) -> int:
    with open(ROOT / "data" / "surveys.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["time", "service", "score", "customer"])
        for t, svc, score, customer in rows:
            w.writerow([iso_utc(t), svc, score, customer])
    return len(rows)


# --------------------------------------------------------------------------------------------
# Counts (API requests per day)
# --------------------------------------------------------------------------------------------

def gen_counts(outages) -> list[tuple[date, str, int, int]]:
    rng = rng_for(4)
    rows = []
    d = date(2025, 10, 1)
    i = 0
    gw = [r for r in outages if r["svc"] == "api-gateway" and r["kind"] != "planned"]
    while d <= date(2026, 10, 31):
        day0 = int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())
        growth = 1.0 + 0.015 * (i / 30.0)
        base = 1_850_000 if d.weekday() < 5 else 620_000
        total = int(base * growth * rng.uniform(0.92, 1.08))
        err = rng.uniform(0.0003, 0.0012)
        for r in gw:  # failed requests while the gateway was down or degraded that day
            end = DATA_END if r["end"] is None else r["end"]
            overlap = min(end, day0 + DAY) - max(r["start"], day0)
            if overlap > 0:
                share = overlap / DAY * (1.6 if d.weekday() < 5 else 1.0)
                err += share * (0.9 if r["kind"] != "degraded" else 0.004)
        if date(2026, 6, 8) <= d <= date(2026, 6, 19) and d.weekday() < 5:
            err += rng.uniform(0.012, 0.025)
        if date(2026, 1, 12) <= d <= date(2026, 1, 16):
            err += rng.uniform(0.007, 0.011)
        err = min(err, 0.9)
        good = total - int(round(total * err))
        rows.append((d, "api-gateway", total, good))
        d += timedelta(days=1)
        i += 1
    return rows


def write_counts(rows) -> int:
    with open(ROOT / "data" / "api_requests.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["day", "service", "requests", "ok"])
        for d, svc, total, good in rows:
            w.writerow([f"{d.isoformat()}T00:00:00Z", svc, total, good])
    return len(rows)


# --------------------------------------------------------------------------------------------
# Site configuration, agreements, notes (static text)
# --------------------------------------------------------------------------------------------

def site_toml() -> str:
    customers = "".join(f'[customers.{cid}]\nname = "{name}"\n\n' for cid, name in CUSTOMERS)
    return f'''# slareport example site. Generated by generate.py; edit the generator, not this file.
title = "Northwind IT — service reports"
timezone = "Europe/London"
output = "public"

{customers}# Support desk hours. England and Wales bank holidays.
[calendars.business]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-18:00"
holidays = {toml_dates(ENGLAND_HOLIDAYS)}

# ERP support works Saturdays and evenings; closed over Christmas and on New Year's Day.
[calendars.extended]
days = ["mon", "tue", "wed", "thu", "fri", "sat"]
hours = "07:00-22:00"
holidays = {toml_dates(EXTENDED_HOLIDAYS)}

# NetCo's support desk in New York (US federal holidays it observes).
[calendars.us-supplier]
timezone = "America/New_York"
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "09:00-17:00"
holidays = {toml_dates(US_HOLIDAYS)}

# Outage log. Timestamps are ISO 8601 with the London offset of the moment.
[sources.outages]
path = "data/outages.csv"
columns = {{ id = "ref", service = "svc", start = "began", end = "ended", kind = "type", cause = "caused_by" }}

# Synthetic probes, one check a minute; data/probes/service=<service>/<year>.parquet.
[sources.samples]
path = "data/probes"
interval = "60s"

# ServiceNow incident export: day-first local times without a zone.
[sources.tickets]
path = "data/incident.csv"
columns = {{ id = "number", service = "cmdb_ci", priority = "priority", opened = "opened_at", responded = "responded_at", resolved = "resolved_at", paused_minutes = "on_hold_minutes", cause = "caused_by", customer = "company" }}
timestamp_format = "%d/%m/%Y %H:%M"
null_values = ["", "?"]

# The export names companies as the CRM does; slareport needs customer ids.
[sources.tickets.values]
customer = {{ {", ".join(f'"{name}" = "{cid}"' for cid, name in CUSTOMERS)} }}

# Post-ticket satisfaction surveys, 1 (poor) to 5 (excellent).
[sources.surveys]
path = "data/surveys.csv"
scale = [1, 5]

# API gateway requests per day (one row per service per UTC day).
[sources.counts]
path = "data/api_requests.csv"
columns = {{ time = "day", good = "ok", total = "requests" }}
'''


AGREEMENTS = {
    "acme/email.toml": '''id = "acme-email"
kind = "sla"
customer = "acme"
title = "Corporate e-mail"
version = "3"
effective = 2025-02-01
review_due = 2027-01-31
drafted = 2024-12-01
agreed = 2025-01-20
services = ["email", "webmail"]
description = """
E-mail for Acme's 1,400 users: mailboxes, calendars and the webmail portal. Mailbox hosting is
provided by Cloudmail (see cloudmail-upc); the network team runs the site links and relays."""
# What Acme pays a month, and the most its credits may add up to in a month (schedule 3).
monthly_charge = { amount = 12000, currency = "GBP" }
credit_cap = 20

[[targets]]
id = "availability"
service = "email"
metric = "availability"
calendar = "business"
objective = 99.7
warning = 99.85
planned = "excluded"
degraded = 0.5
credits = [{ below = 99.7, percent = 5 }, { below = 99.0, percent = 15 }]
credit_cap = 20
underpinned_by = ["cloudmail-upc", "network-ola"]

[[targets]]
id = "webmail-availability"
service = "webmail"
metric = "availability"
source = "samples"
unknown = "exclude"
objective = 99.5
warning = 99.7
credits = [{ below = 99.5, percent = 5 }]
underpinned_by = ["cloudmail-upc"]

[[targets]]
id = "webmail-latency"
service = "webmail"
metric = "latency"
percentile = 95
objective = 400
warning = 350
credits = [{ above = 400, percent = 2 }, { above = 800, percent = 5 }]
underpinned_by = ["cloudmail-upc"]

[[targets]]
id = "p1-incidents"
service = "email"
metric = "incidents"
priority = "P1"
objective = 1
credits = [{ above = 2, percent = 5 }]

[[targets]]
id = "satisfaction"
service = "email"
metric = "satisfaction"
objective = 4.0
warning = 4.1
''',
    "acme/erp.toml": '''id = "acme-erp"
kind = "sla"
customer = "acme"
title = "ERP and payroll"
version = "2"
effective = 2025-04-01
review_due = 2027-03-31
drafted = 2025-01-15
agreed = 2025-03-10
services = ["erp", "payroll"]
description = """
The ERP system and the payroll portal, supported in extended hours (Monday to Saturday,
07:00-22:00). Announced maintenance inside those hours counts as downtime."""

[[targets]]
id = "availability"
metric = "availability"
calendar = "extended"
objective = 99.5
warning = 99.7
planned = "downtime"
credits = [{ below = 99.5, percent = 5 }, { below = 98.0, percent = 10 }]
credit_cap = 15
underpinned_by = ["network-ola"]

[[targets]]
id = "response-p1"
metric = "response"
priority = "P1"
within = "15m"
objective = 95
underpinned_by = ["desk-ola"]

[[targets]]
id = "resolution-p1"
metric = "resolution"
priority = "P1"
within = "4h"
objective = 90

[[targets]]
id = "response-p2"
metric = "response"
priority = "P2"
within = "30m"
calendar = "extended"
objective = 95
underpinned_by = ["desk-ola"]

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "8h"
calendar = "extended"
objective = 90
''',
    "globex/workplace.toml": '''id = "globex-workplace"
kind = "sla"
customer = "globex"
title = "Workplace services"
version = "1"
effective = 2024-10-01
review_due = 2026-09-30
drafted = 2024-07-15
agreed = 2024-09-20
services = ["email", "vpn", "file-share", "service-desk"]
description = """
E-mail, remote access, file shares and the service desk for Globex's offices. Response and
resolution targets apply to each service's incidents separately."""

[[targets]]
id = "email-availability"
service = "email"
metric = "availability"
calendar = "business"
objective = 99.5
warning = 99.8
underpinned_by = ["cloudmail-upc"]

[[targets]]
id = "vpn-availability"
service = "vpn"
metric = "availability"
objective = 99.9
warning = 99.95
planned = "excluded"
credits = [{ below = 99.9, percent = 5 }, { below = 99.5, percent = 10 }, { below = 99.0, percent = 20 }]
credit_cap = 25
underpinned_by = ["netco-upc", "network-ola"]

[[targets]]
id = "file-share-availability"
service = "file-share"
metric = "availability"
calendar = "business"
objective = 99.5
warning = 99.8
degraded = 0.25
underpinned_by = ["network-ola"]

[[targets]]
id = "response-p1"
metric = "response"
priority = "P1"
within = "15m"
objective = 95
underpinned_by = ["desk-ola"]

[[targets]]
id = "response-p2"
metric = "response"
priority = "P2"
within = "30m"
calendar = "business"
objective = 95
underpinned_by = ["desk-ola"]

[[targets]]
id = "response-p3"
metric = "response"
priority = "P3"
within = "2h"
calendar = "business"
objective = 90
warning = 95
underpinned_by = ["desk-ola"]

[[targets]]
id = "response-p4"
metric = "response"
priority = "P4"
within = "4h"
calendar = "business"
objective = 90
underpinned_by = ["desk-ola"]

[[targets]]
id = "resolution-p1"
metric = "resolution"
priority = "P1"
within = "4h"
objective = 90
underpinned_by = ["desk-ola", "netco-upc", "cloudmail-upc"]

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "8h"
calendar = "business"
objective = 90

[[targets]]
id = "resolution-p3"
metric = "resolution"
priority = "P3"
within = "16h"
calendar = "business"
objective = 85
warning = 90

[[targets]]
id = "resolution-p4"
metric = "resolution"
priority = "P4"
within = "40h"
calendar = "business"
objective = 85

[[targets]]
id = "satisfaction"
service = "service-desk"
metric = "satisfaction"
threshold = 4
objective = 80
warning = 85
''',
    "globex/api.toml": '''id = "globex-api"
kind = "sla"
customer = "globex"
title = "Partner API"
version = "1.2"
effective = 2025-06-01
review_due = 2026-11-30
drafted = 2025-04-01
agreed = 2025-05-19
services = ["api-gateway"]
description = """
The partner API behind api.northwind.example, measured by synthetic probes every minute
and by the gateway's own request counts."""

[[targets]]
id = "availability"
metric = "availability"
source = "samples"
unknown = "up"
objective = 99.9
warning = 99.95
credits = [{ below = 99.9, percent = 5 }, { below = 99.0, percent = 10 }]
underpinned_by = ["network-ola"]

[[targets]]
id = "latency"
metric = "latency"
threshold = 300
objective = 95
warning = 97
credits = [{ below = 95, percent = 3 }]
underpinned_by = ["network-ola"]

[[targets]]
id = "success-ratio"
metric = "ratio"
objective = 99.5
warning = 99.8
credits = [{ below = 99.5, percent = 5 }, { below = 98.0, percent = 10 }]
credit_cap = 15
''',
    "initech/erp.toml": '''id = "initech-erp"
kind = "sla"
customer = "initech"
title = "ERP, payroll and remote access"
version = "4"
effective = 2025-09-01
review_due = 2027-08-31
drafted = 2025-06-02
agreed = 2025-08-14
services = ["erp", "payroll", "vpn"]

[[targets]]
id = "availability"
metric = "availability"
calendar = "business"
objective = 99.5
warning = 99.8
planned = "uptime"
credits = [{ below = 99.5, percent = 4 }, { below = 98.0, percent = 8 }]
underpinned_by = ["network-ola", "netco-upc"]

[[targets]]
id = "p1-incidents"
service = "erp"
metric = "incidents"
priority = "P1"
objective = 2
credits = [{ above = 2, percent = 5 }]

[[targets]]
id = "response-p2"
metric = "response"
priority = "P2"
within = "30m"
calendar = "business"
objective = 95
underpinned_by = ["desk-ola"]

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "8h"
calendar = "business"
objective = 90
underpinned_by = ["desk-ola", "network-ola"]

[[targets]]
id = "satisfaction"
service = "erp"
metric = "satisfaction"
objective = 3.8
warning = 4.0
''',
    "initech/collaboration.toml": '''id = "initech-collab"
kind = "sla"
customer = "initech"
title = "Collaboration services"
version = "1"
effective = 2026-03-16
review_due = 2027-03-15
drafted = 2026-01-12
agreed = 2026-03-02
services = ["email", "webmail", "file-share"]
description = """
New in March 2026: e-mail, webmail and file shares, around the clock. Degraded service counts
in full as downtime; announced maintenance is excluded."""

[[targets]]
id = "availability"
metric = "availability"
objective = 99.5
warning = 99.8
planned = "excluded"
degraded = 1.0
underpinned_by = ["cloudmail-upc", "network-ola"]

[[targets]]
id = "webmail-latency"
service = "webmail"
metric = "latency"
percentile = 90
objective = 300
warning = 280

[[targets]]
id = "satisfaction"
service = "email"
metric = "satisfaction"
threshold = 3
objective = 85
''',
    "_internal/network-ola.toml": '''id = "network-ola"
kind = "ola"
team = "network"
title = "Network services: site links, remote access, file servers"
version = "2"
effective = 2025-04-01
review_due = 2027-04-01
services = ["vpn", "file-share"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
warning = 99.95

[[targets]]
id = "response-p1"
metric = "response"
priority = "P1"
within = "10m"
objective = 95

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "6h"
calendar = "business"
objective = 90
''',
    "_internal/desk-ola.toml": '''id = "desk-ola"
kind = "ola"
team = "service-desk"
title = "Service desk: first response"
version = "5"
effective = 2025-01-01
review_due = 2027-01-01
services = ["service-desk", "email", "erp", "payroll", "vpn", "file-share"]
description = "How quickly the desk picks up an incident, before it reaches a resolver team."

[[targets]]
id = "response-p1"
metric = "response"
counts = "all"                    # the desk answers every ticket, whoever caused it
priority = "P1"
within = "10m"
objective = 95

[[targets]]
id = "response-p2"
metric = "response"
counts = "all"
priority = "P2"
within = "20m"
calendar = "business"
objective = 95

[[targets]]
id = "response-p3"
metric = "response"
counts = "all"
priority = "P3"
within = "1h"
calendar = "business"
objective = 90
warning = 95

[[targets]]
id = "response-p4"
metric = "response"
counts = "all"
priority = "P4"
within = "2h"
calendar = "business"
objective = 90
''',
    "_suppliers/netco-upc.toml": '''id = "netco-upc"
kind = "upc"
supplier = "netco"
title = "NetCo managed WAN and remote-access VPN"
version = "2024-2"
effective = 2024-11-01
review_due = 2026-11-01
drafted = 2024-08-20
agreed = 2024-10-15
services = ["vpn"]
description = "Contract NC-4471. Fault handling by NetCo's New York desk in its business hours."

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
warning = 99.95
credits = [{ below = 99.9, percent = 5 }, { below = 99.5, percent = 15 }]
credit_cap = 25

[[targets]]
id = "resolution-p1"
metric = "resolution"
priority = "P1"
within = "4h"
objective = 95

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "8h"
calendar = "us-supplier"
objective = 90
''',
    "_suppliers/cloudmail-upc.toml": '''id = "cloudmail-upc"
kind = "upc"
supplier = "cloudmail"
title = "Cloudmail hosted mailboxes and webmail"
version = "7"
effective = 2025-01-01
review_due = 2027-01-01
services = ["email", "webmail"]
# What we pay Cloudmail a month: its credits are owed to us.
monthly_charge = { amount = 8500, currency = "GBP" }

[[targets]]
id = "availability"
service = "email"
metric = "availability"
objective = 99.9
warning = 99.95
credits = [{ below = 99.9, percent = 10 }, { below = 99.0, percent = 25 }]
credit_cap = 50

[[targets]]
id = "webmail-availability"
service = "webmail"
metric = "availability"
source = "samples"
unknown = "down"
objective = 99.0
warning = 99.5

[[targets]]
id = "webmail-latency"
service = "webmail"
metric = "latency"
percentile = 95
objective = 450
''',
}


NOTES = {
    "acme/2026-08.md": '''+++
meeting = 2026-08-12
reviews = "2026-07"
attendees = ["R. Patel (Acme, IT manager)", "S. Moreau (Acme, finance systems)", "J. Doe (service level manager)"]
satisfaction = 4
complaints = 1
compliments = 2

[[actions]]
id = "SIP-07"
title = "Second mail relay with automatic failover"
target = "acme-email/availability"
owner = "Messaging team"
raised = "2026-03"
due = 2026-09-30
status = "open"

[[actions]]
id = "SIP-09"
title = "Tune webmail front-end caching with Cloudmail"
target = "acme-email/webmail-latency"
owner = "Cloudmail (supplier)"
raised = "2026-04"
due = 2026-08-31
status = "done"

[[actions]]
id = "SIP-12"
title = "Move ERP batch jobs out of extended hours"
target = "acme-erp/availability"
owner = "ERP team"
raised = "2026-08"
due = 2026-11-30
status = "open"
+++
# July review

A quiet month for Acme's services. All e-mail and ERP targets were met.

- Webmail response times are back to normal since Cloudmail changed its front-end caching in
  July, so SIP-09 is closed.
- The second mail relay (SIP-07) is built; failover testing is booked for September.
- Acme raised one complaint: ERP month-end reports ran slowly on 31 July. Nothing breached, but
  the batch jobs now start at 22:00, outside supported hours (SIP-12).

| Item | Owner | Due |
| --- | --- | --- |
| Relay failover test | Messaging team | 2026-09-15 |
| Batch schedule proposal | ERP team | 2026-09-30 |
''',
    "acme/2026-09.md": '''+++
meeting = 2026-09-09
reviews = "2026-08"
attendees = ["R. Patel (Acme, IT manager)", "J. Doe (service level manager)", "K. Obi (messaging lead)"]
satisfaction = 4
complaints = 0
compliments = 3

[[actions]]
id = "SIP-07"
title = "Second mail relay with automatic failover"
target = "acme-email/availability"
owner = "Messaging team"
raised = "2026-03"
due = 2026-10-31
status = "open"

[[actions]]
id = "SIP-12"
title = "Move ERP batch jobs out of extended hours"
target = "acme-erp/availability"
owner = "ERP team"
raised = "2026-08"
due = 2026-11-30
status = "open"

[[actions]]
id = "SIP-13"
title = "Publish the ERP maintenance calendar to Acme's change board"
target = "acme-erp/availability"
owner = "Service level manager"
raised = "2026-09"
due = 2026-10-15
status = "open"
+++
# August review

All targets met in August. Acme thanked the desk for quick handling of the payroll portal
questions around the bank holiday (31 August).

The relay failover test found a DNS dependency, so SIP-07 moves to the end of October.
Acme asked to see planned ERP work earlier: since April, announced maintenance inside extended
hours counts as downtime in this agreement[^planned], so a Saturday-evening release can put the
month at risk. SIP-13 was raised for it.

[^planned]: `planned = "downtime"` on acme-erp/availability, agreed in version 2 of the SLA.
''',
    "acme/2026-10.md": '''+++
meeting = 2026-10-14
reviews = "2026-09"
attendees = ["R. Patel (Acme, IT manager)", "S. Moreau (Acme, finance systems)", "J. Doe (service level manager)"]
satisfaction = 5
complaints = 0
compliments = 1

[[actions]]
id = "SIP-07"
title = "Second mail relay with automatic failover"
target = "acme-email/availability"
owner = "Messaging team"
raised = "2026-03"
due = 2026-10-31
status = "done"

[[actions]]
id = "SIP-12"
title = "Move ERP batch jobs out of extended hours"
target = "acme-erp/availability"
owner = "ERP team"
raised = "2026-08"
due = 2026-11-30
status = "open"

[[actions]]
id = "SIP-13"
title = "Publish the ERP maintenance calendar to Acme's change board"
target = "acme-erp/availability"
owner = "Service level manager"
raised = "2026-09"
due = 2026-10-15
status = "dropped"
+++
# September review

September was met across the board. The second mail relay went live on 6 October and
failed over cleanly in a test on 8 October (SIP-07 done).

SIP-13 is dropped: Acme's change manager now attends our change advisory board, which
covers the same need. The ERP batch move (SIP-12) is scheduled for the November release.

| Month | E-mail (business hours) | Webmail p95 |
| --- | --- | --- |
| August | met | met |
| September | met | met |
''',
    "globex/2026-08.md": '''+++
meeting = 2026-08-19
reviews = "2026-07"
attendees = ["M. Chen (Globex, head of IT)", "J. Doe (service level manager)", "P. Novak (network lead)"]
satisfaction = 3
complaints = 2
compliments = 1

[[actions]]
id = "SIP-04"
title = "Replace the VPN concentrator pair"
target = "globex-workplace/vpn-availability"
owner = "Network team"
raised = "2026-07"
due = 2026-10-31
status = "open"

[[actions]]
id = "SIP-05"
title = "Agree a P1 escalation path with NetCo"
target = "globex-workplace/resolution-p1"
owner = "Service level manager"
raised = "2026-07"
due = 2026-09-15
status = "open"

[[actions]]
id = "SIP-08"
title = "Load balancer change checks for the API gateway"
target = "globex-api/success-ratio"
owner = "Platform team"
raised = "2026-06"
due = 2026-08-31
status = "done"
+++
# July review

July's VPN availability was breached: on 14 July a firewall change (02:50) and then a
NetCo WAN core failure (03:10 to 05:55) took remote access down, and NetCo needed until 09:40
to confirm the fix, so the P1 ticket missed its 4-hour resolution target. Globex's two
complaints were both about that morning. Service credits are owed as shown in the report;
we claim the matching credit from NetCo under its contract.

The API gateway checks agreed after June's incident are in place (SIP-08 done).
''',
    "globex/2026-09.md": '''+++
meeting = 2026-09-16
reviews = "2026-08"
attendees = ["M. Chen (Globex, head of IT)", "J. Doe (service level manager)"]
satisfaction = 4
complaints = 0
compliments = 2

[[actions]]
id = "SIP-04"
title = "Replace the VPN concentrator pair"
target = "globex-workplace/vpn-availability"
owner = "Network team"
raised = "2026-07"
due = 2026-10-31
status = "open"

[[actions]]
id = "SIP-05"
title = "Agree a P1 escalation path with NetCo"
target = "globex-workplace/resolution-p1"
owner = "Service level manager"
raised = "2026-07"
due = 2026-09-15
status = "done"

[[actions]]
id = "SIP-10"
title = "Desk cover over Christmas and New Year"
target = "globex-workplace/response-p3"
owner = "Service desk manager"
raised = "2026-09"
due = 2026-12-01
status = "open"
+++
# August review

All workplace and API targets were met in August, though P3 responses for e-mail came close
(at risk). NetCo has agreed a direct P1 escalation
line to its network operations centre (SIP-05 done).

Globex reminded us that the workplace SLA is due for review at the end of September. A
draft of version 2 goes to Globex in October. Last year's December response times[^dec] are
the reason for SIP-10.

[^dec]: December 2025: P3 responses slowed while the desk was short-staffed, breaching
    response-p3, and desk satisfaction dipped below 80 % scoring 4 or 5.
''',
    "globex/2026-10.md": '''+++
meeting = 2026-10-21
reviews = "2026-09"
attendees = ["M. Chen (Globex, head of IT)", "A. Kowalski (Globex, procurement)", "J. Doe (service level manager)"]
satisfaction = 4
complaints = 1
compliments = 2

[[actions]]
id = "SIP-04"
title = "Replace the VPN concentrator pair"
target = "globex-workplace/vpn-availability"
owner = "Network team"
raised = "2026-07"
due = 2026-10-31
status = "done"

[[actions]]
id = "SIP-10"
title = "Desk cover over Christmas and New Year"
target = "globex-workplace/response-p3"
owner = "Service desk manager"
raised = "2026-09"
due = 2026-12-01
status = "open"
+++
# September review

September met its targets. The new VPN concentrators went live on 3 October (SIP-04 done).

The SLA review is overdue: procurement joined this meeting and the version 2 draft is with
Globex's legal team. Open points:

| Topic | Globex position | Our position |
| --- | --- | --- |
| VPN objective | 99.95 % | 99.9 % unchanged |
| P3 response | 1 hour | 2 hours, 1 hour from April |
| Survey threshold | score 4 or 5 | unchanged |

A file-share outage started on Saturday 31 October at 21:40 and was still open when this
month's data was exported; it will be reported in November.
''',
    "initech/2026-08.md": '''+++
meeting = 2026-08-06
reviews = "2026-07"
attendees = ["L. Haddad (Initech, operations)", "J. Doe (service level manager)"]
satisfaction = 4
complaints = 0
compliments = 1

[[actions]]
id = "SIP-02"
title = "Index rebuild and archiving before ERP month-end"
target = "initech-erp/availability"
owner = "ERP team"
raised = "2026-05"
due = 2026-08-31
status = "done"

[[actions]]
id = "SIP-06"
title = "Self-service password reset for ERP"
target = "initech-erp/response-p2"
owner = "Service desk manager"
raised = "2026-06"
due = 2026-11-30
status = "open"

[[actions]]
id = "SIP-11"
title = "Quota alerts on the Initech file shares"
target = "initech-collab/availability"
owner = "Network team"
raised = "2026-08"
due = 2026-10-31
status = "open"
+++
# July review

ERP, payroll and collaboration targets were met in July. The index rebuild agreed after May's
ERP breach ran before the July month-end and the close finished in four hours instead of
eleven (SIP-02 done).

Initech asked for warnings before shares fill up (SIP-11).
''',
    "initech/2026-09.md": '''+++
complaints = 0
compliments = 0

[[actions]]
id = "SIP-06"
title = "Self-service password reset for ERP"
target = "initech-erp/response-p2"
owner = "Service desk manager"
raised = "2026-06"
due = 2026-11-30
status = "open"

[[actions]]
id = "SIP-11"
title = "Quota alerts on the Initech file shares"
target = "initech-collab/availability"
owner = "Network team"
raised = "2026-08"
due = 2026-10-31
status = "dropped"
+++
# August review (no meeting)

Initech cancelled September's review; the report was sent by e-mail and acknowledged.

SIP-11 is dropped: the new storage platform, live since 24 August, alerts on quotas itself.
''',
    "initech/2026-10.md": '''+++
meeting = 2026-10-08
reviews = "2026-09"
attendees = ["L. Haddad (Initech, operations)", "T. Brown (Initech, finance)", "J. Doe (service level manager)"]
satisfaction = 4
complaints = 0
compliments = 2

[[actions]]
id = "SIP-06"
title = "Self-service password reset for ERP"
target = "initech-erp/response-p2"
owner = "Service desk manager"
raised = "2026-06"
due = 2026-11-30
status = "open"
+++
# September review

September was met. Password self-service (SIP-06) is in pilot with twenty Initech users.

| Service | Target | September |
| --- | --- | --- |
| ERP | availability, business hours | met |
| E-mail | satisfaction, 90 % scoring 3 or more | met |

The file-share outage that began on 31 October at 21:40[^open] will appear in the November report.

[^open]: Still open when October's data was exported, so October shows it as ongoing.
''',
}


# --------------------------------------------------------------------------------------------

def write_text(rel: str, text: str) -> None:
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="\n", encoding="utf-8") as f:
        f.write(text)


def main() -> None:
    for rel in ("agreements", "data", "notes"):
        shutil.rmtree(ROOT / rel, ignore_errors=True)
    (ROOT / "slareport.toml").unlink(missing_ok=True)
    (ROOT / "data").mkdir()

    write_text("slareport.toml", site_toml())
    for rel, text in AGREEMENTS.items():
        write_text(f"agreements/{rel}", text)
    for rel, text in NOTES.items():
        write_text(f"notes/{rel}", text)

    outages = gen_outages()
    counts = {"data/outages.csv": write_outages(outages)}
    for stream, svc in ((10, "webmail"), (11, "api-gateway")):
        for rel, rows in write_probes(svc, *gen_probes(svc, outages, stream)):
            counts[rel] = rows
    counts["data/incident.csv"] = write_tickets(gen_tickets(outages))
    counts["data/surveys.csv"] = write_surveys(gen_surveys())
    counts["data/api_requests.csv"] = write_counts(gen_counts(outages))

    files = sorted(p for p in ROOT.rglob("*") if p.is_file() and p.name != "generate.py"
                   and p.relative_to(ROOT).parts[0] in ("agreements", "data", "notes", "slareport.toml"))
    total = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, into {ROOT}")
    for rel, rows in counts.items():
        print(f"  {rel:45s} {rows:>8,d} rows")
    print(f"  {len(AGREEMENTS)} agreements, {len(NOTES)} notes, slareport.toml")


if __name__ == "__main__":
    main()
