#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""fake-google: Gmail and Google Calendar as Tend reads them (tests only, 127.0.0.1 only).

    python3 fake-google.py [--messages N] [--old K] [--events E] [--email ADDRESS] [--token T]

Built on fakeapi.py (ready line, bearer check, faults, /_control, /_stats). Endpoints, with
Google's JSON shapes and error bodies ({"error": {"code": 404, "status": "NOT_FOUND", ...}}):

    GET /gmail/v1/users/me/profile
    GET /gmail/v1/users/me/messages?maxResults&pageToken&q=after:EPOCH
    GET /gmail/v1/users/me/messages/{id}?format=full|metadata|minimal
    GET /gmail/v1/users/me/history?startHistoryId&historyTypes&maxResults&pageToken
    GET /calendar/v3/calendars/primary/events?singleEvents&showDeleted&timeMin&timeMax
                                             &syncToken&maxResults&pageToken&orderBy

As the references document: messages.list and history.list take maxResults up to 500,
events.list up to 2500 (larger values are cut down); format is minimal|full|raw|metadata and
historyTypes messageAdded|messageDeleted|labelAdded|labelRemoved (else 400); history.list
answers 404 for a startHistoryId it no longer knows; events.list refuses (400) a syncToken
together with iCalUID, orderBy, privateExtendedProperty, q, sharedExtendedProperty, timeMin,
timeMax or updatedMin, or with showDeleted=false, and orderBy=startTime without
singleEvents=true; an expired syncToken answers 410. Quota refusals are fakeapi's "fail" op
with Gmail's body, e.g. status 403 and reason "userRateLimitExceeded".

The mailbox is generated lazily and deterministically from each message's index: N messages
over the last 150 days (index 0 the newest), then K older ones 200+ days back (outside a
26-week window). Every third message (index % 3 == 0) was sent by me (label SENT), the others
came to me (INBOX). Index % 5 == 0 replies to index + 1 (In-Reply-To, same thread). Bodies:
text/plain, multipart/alternative, HTML only (index % 7 == 3) or with a PDF attachment
(index % 11 == 4); every body holds the marker "Quokka<index>Marmalade", which must never
reach Tend's database. Message-ID: <gen-INDEX@fake.example>, none when index % 97 == 50.

The calendar (zone Europe/Berlin) holds, around the day the fake started:
    evt-meeting     tomorrow 10-11, I accepted; 2 people + 1 room; hangoutLink
    evt-organized   in 2 days 14-15, I organize; 3 people; conferenceData
    evt-allday      yesterday, all day, no attendees
    evt-declined    2 days ago 9-10, I declined; 2 people
    evt-deleted     deleted (status "cancelled"): only with showDeleted or in a delta
    evt-location    a workingLocation marker (Tend ignores it)
    evt-old         40 weeks ago (outside a 26-week window)
    series-weekly   Mondays 09:00 from 10 weeks back, 15 occurrences; the one 3 weeks back is
                    cancelled, the one 2 weeks back moved to 11:00
    gen-0 .. gen-(E-1)  E plain meetings (default 20), one a day going back
so a full sync of a 26-week-back, 8-week-ahead window stores 4 + 14 + E occurrences.

/_control ops (besides fakeapi's fail, malformed, expire_token, reset_stats):
    {"op": "add_messages", "count": n, "labels": ["INBOX"], "reply_to": "<gmail id>"}
        new messages (newest), each with a history record; answers {"ids": [...],
        "historyId": "..."}. "from_me": true makes them SENT from my address.
    {"op": "delete_messages", "ids": [...]}   gone from list and get (404)
    {"op": "expire_history"}     every historyId issued so far is forgotten: history.list
                                 answers 404 for them, as Gmail does for too old ones
    {"op": "cal_cancel", "id": "..."}         the event (or occurrence id) becomes cancelled
    {"op": "cal_add", "id": "...", "hours_from_now": h}  a new one-hour meeting
    {"op": "expire_sync_tokens"}  every syncToken and page token issued so far gets 410
    {"op": "summary"}             {"messages": live messages, "history_id": ..., "events": ...}
"""

import argparse
import base64
import datetime
import json
import os
import random
import sys
import time
from email.utils import format_datetime
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakeapi  # noqa: E402

DAY = 86400
WEEK = 7 * DAY
ZONE = ZoneInfo("Europe/Berlin")
GMAIL = "/gmail/v1/users/me"
EVENTS = "/calendar/v3/calendars/primary/events"

PEOPLE = [
    ("Ada Brook", "ada.brook@example.org"),
    ("Ben Carter", "ben.carter@example.org"),
    ("Chidi Okafor", "chidi@example.net"),
    ("Dana Ivers", "dana.ivers@example.com"),
    ("Elif Demir", "elif@example.org"),
    ("Farid Nasser", "farid.nasser@example.net"),
    ("Greta Holm", "greta@example.com"),
    ("Hiro Tanaka", "hiro.tanaka@example.org"),
]
TOPICS = ["the budget", "the launch plan", "Thursday's review", "the hiring loop",
          "the quarterly report", "the migration", "the offsite", "the customer call"]


# events.list: "There are several query parameters that cannot be specified together with
# nextSyncToken"; the reference names these.
SYNC_TOKEN_CLASHES = ("iCalUID", "orderBy", "privateExtendedProperty", "q",
                      "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin")
HISTORY_TYPES = ("messageAdded", "messageDeleted", "labelAdded", "labelRemoved")
FORMATS = ("minimal", "full", "raw", "metadata")


def google_error(code, status, reason, message):
    return {"error": {"code": code, "message": message, "status": status,
                      "errors": [{"message": message, "domain": "global", "reason": reason}]}}


def not_found():
    return 404, google_error(404, "NOT_FOUND", "notFound", "Requested entity was not found.")


def b64url(data, pad):
    text = base64.urlsafe_b64encode(data).decode()
    return text if pad else text.rstrip("=")


def encode_token(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


def decode_token(token):
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        return None


def parse_rfc3339(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Mailbox:
    def __init__(self, n, old, email, now):
        self.n = n
        self.old = old
        self.email = email
        self.now = now
        self.step = max(1, (150 * DAY) // max(n, 1))
        self.added = []      # extra messages, oldest first: dicts (see add)
        self.deleted = set()
        self.history = []    # (history id, message id, labels)
        self.history_id = 4000
        self.history_floor = 0  # startHistoryId below this: 404

    # --- generated messages ---------------------------------------------------------------
    def gen_id(self, i):
        return "%016x" % (0x18a0000000000000 + i)

    def gen_index(self, mid):
        try:
            i = int(mid, 16) - 0x18a0000000000000
        except ValueError:
            return None
        return i if 0 <= i < self.n + self.old else None

    def gen_time(self, i):
        if i < self.n:
            return self.now - 60 - i * self.step
        return self.now - 200 * DAY - (i - self.n) * DAY

    def gen_thread(self, i):
        return self.gen_id(i + 1 if i % 5 == 0 and i + 1 < self.n + self.old else i)

    def generated(self, i):
        rng = random.Random(i)
        other = PEOPLE[rng.randrange(len(PEOPLE))]
        cc = PEOPLE[rng.randrange(len(PEOPLE))] if rng.random() < 0.3 else None
        from_me = i % 3 == 0
        topic = TOPICS[i % len(TOPICS)]
        reply = i % 5 == 0 and i + 1 < self.n + self.old
        text = ("Hello %s,\n\nThanks for the notes on %s. Sorry it took me a while; maybe we "
                "could talk it over tomorrow? Quokka%dMarmalade\n\nBest,\n%s\n"
                % (other[0].split()[0], topic, i, "me" if from_me else other[0]))
        headers = [
            ("From", "Me <%s>" % self.email if from_me else '"%s" <%s>' % other),
            ("To", "%s <%s>" % other if from_me else "Me <%s>" % self.email),
            ("Subject", ("Re: " if reply else "") + topic.capitalize()),
            ("Date", format_datetime(datetime.datetime.fromtimestamp(self.gen_time(i), ZONE))),
        ]
        if cc is not None:
            headers.append(("Cc", "%s <%s>" % cc))
        if i % 97 != 50:
            headers.append(("Message-ID", "<gen-%d@fake.example>" % i))
        if reply:
            headers.append(("In-Reply-To", "<gen-%d@fake.example>" % (i + 1)))
        style = ("html" if i % 7 == 3 else "attachment" if i % 11 == 4
                 else "alternative" if i % 2 == 0 else "plain")
        return {"id": self.gen_id(i), "threadId": self.gen_thread(i),
                "labels": ["SENT"] if from_me else ["INBOX", "UNREAD"] if i % 4 else ["INBOX"],
                "time": self.gen_time(i), "headers": headers, "text": text, "style": style,
                "historyId": 1000 + i}

    # --- all messages -------------------------------------------------------------------------
    def get(self, mid):
        if mid in self.deleted:
            return None
        i = self.gen_index(mid)
        if i is not None:
            return self.generated(i)
        for message in self.added:
            if message["id"] == mid:
                return message
        return None

    def ordered(self, start, after):
        """(position, message id) in list order (newest first) from position start, where
        positions are ("a", k) for added[k] going down, then ("g", i) going up."""
        kind, index = start
        if kind == "a":
            for k in range(min(index, len(self.added) - 1), -1, -1):
                message = self.added[k]
                if message["id"] not in self.deleted and message["time"] >= after:
                    yield ("a", k), message["id"]
            kind, index = "g", 0
        for i in range(index, self.n + self.old):
            if self.gen_time(i) < after:
                return  # generated messages only get older
            mid = self.gen_id(i)
            if mid not in self.deleted:
                yield ("g", i), mid

    def count(self, after):
        """Live messages at or after @after, without walking a large mailbox."""
        live = sum(1 for m in self.added if m["id"] not in self.deleted and m["time"] >= after)
        recent = min(self.n, max(0, (self.now - 60 - after) // self.step + 1))
        old = min(self.old, max(0, (self.now - 200 * DAY - after) // DAY + 1))
        gone = sum(1 for mid in self.deleted
                   if self.gen_index(mid) is not None
                   and self.gen_time(self.gen_index(mid)) >= after)
        return live + recent + old - gone

    def thread_of(self, mid):
        i = self.gen_index(mid)
        return self.gen_thread(i) if i is not None else self.get(mid)["threadId"]

    def add(self, labels, reply_to, from_me):
        k = len(self.added)
        self.history_id += 3  # history ids grow with gaps, as Gmail's do
        parent = self.get(reply_to) if reply_to else None
        other = PEOPLE[k % len(PEOPLE)]
        mid = "%016x" % (0x18b0000000000000 + k)
        headers = [
            ("From", "Me <%s>" % self.email if from_me else "%s <%s>" % other),
            ("To", "%s <%s>" % other if from_me else "Me <%s>" % self.email),
            ("Subject", "Re: news" if parent else "News %d" % k),
            ("Date", format_datetime(datetime.datetime.now(ZONE).replace(microsecond=0))),
            ("Message-ID", "<added-%d@fake.example>" % k),
        ]
        if parent is not None:
            parent_id = dict(parent["headers"]).get("Message-ID")
            if parent_id:
                headers.append(("In-Reply-To", parent_id))
        message = {"id": mid, "threadId": parent["threadId"] if parent else mid,
                   "labels": list(labels) if not from_me else ["SENT"],
                   "time": int(time.time()), "headers": headers, "style": "plain",
                   "text": "Thank you! Added message %d. Quokka-added-%dMarmalade\n" % (k, k),
                   "historyId": self.history_id}
        self.added.append(message)
        self.history.append((self.history_id, mid, message["labels"]))
        return mid

    # --- the Gmail resource -----------------------------------------------------------------
    def resource(self, message, fmt):
        headers = [{"name": n, "value": v} for n, v in message["headers"]]
        text = message["text"].encode()
        html = ("<html><head><style>p {color: red}</style></head><body><p>%s</p>"
                "<blockquote>Earlier: quoted words</blockquote></body></html>"
                % message["text"].replace("\n", "<br>")).encode()
        pad = int(message["historyId"]) % 2 == 0

        def leaf(part_id, mime, data, extra_headers=()):
            return {"partId": part_id, "mimeType": mime, "filename": "",
                    "headers": [{"name": "Content-Type", "value": mime + '; charset="UTF-8"'}]
                    + list(extra_headers),
                    "body": {"size": len(data), "data": b64url(data, pad)}}

        style = message["style"]
        if style == "plain":
            payload = leaf("", "text/plain", text)
            payload["headers"] = headers + payload["headers"]
        elif style == "html":
            payload = leaf("", "text/html", html)
            payload["headers"] = headers + payload["headers"]
        elif style == "alternative":
            payload = {"partId": "", "mimeType": "multipart/alternative", "filename": "",
                       "headers": headers, "body": {"size": 0},
                       "parts": [leaf("0", "text/plain", text), leaf("1", "text/html", html)]}
        else:
            attachment = {"partId": "1", "mimeType": "application/pdf", "filename": "notes.pdf",
                          "headers": [{"name": "Content-Disposition",
                                       "value": 'attachment; filename="notes.pdf"'}],
                          "body": {"attachmentId": "att-" + message["id"], "size": 20480}}
            payload = {"partId": "", "mimeType": "multipart/mixed", "filename": "",
                       "headers": headers, "body": {"size": 0},
                       "parts": [leaf("0", "text/plain", text), attachment]}
        resource = {"id": message["id"], "threadId": message["threadId"],
                    "labelIds": message["labels"], "snippet": message["text"][:100],
                    "historyId": str(message["historyId"]),
                    "internalDate": str(int(message["time"]) * 1000),
                    "sizeEstimate": len(text) + 600}
        if fmt == "minimal":
            return resource
        if fmt == "metadata":
            payload = {"partId": "", "mimeType": payload["mimeType"], "filename": "",
                       "headers": headers, "body": {"size": 0}}
        resource["payload"] = payload
        return resource


class Calendar:
    def __init__(self, now, extra, email):
        self.email = email
        self.seq = 1
        self.token_floor = 0  # syncTokens and page tokens issued below this: 410
        self.events = {}      # id -> [event, seq]
        today = datetime.datetime.fromtimestamp(now, ZONE).replace(
            hour=0, minute=0, second=0, microsecond=0)
        self.today = today
        me = {"email": email, "self": True, "responseStatus": "accepted"}
        ada, ben, chidi = ({"email": p[1], "displayName": p[0], "responseStatus": "accepted"}
                           for p in PEOPLE[:3])

        def at(days, hour, minute=0):
            return (today + datetime.timedelta(days=days)).replace(hour=hour, minute=minute)

        def timed(when, hours=1):
            return ({"dateTime": when.isoformat(), "timeZone": "Europe/Berlin"},
                    {"dateTime": (when + datetime.timedelta(hours=hours)).isoformat(),
                     "timeZone": "Europe/Berlin"})

        def event(eid, start, end, **fields):
            e = {"kind": "calendar#event", "id": eid, "status": "confirmed",
                 "iCalUID": eid + "@google.com", "summary": fields.pop("summary", eid),
                 "start": start, "end": end, "eventType": "default",
                 "organizer": {"email": email, "self": True}}
            e.update(fields)
            self.put(e)

        s, e = timed(at(1, 10))
        event("evt-meeting", s, e, organizer={"email": ada["email"]},
              attendees=[dict(ada, organizer=True), me,
                         {"email": "room-1@resource.example", "resource": True,
                          "responseStatus": "accepted"}],
              hangoutLink="https://meet.example/abc-defg-hij")
        s, e = timed(at(2, 14))
        event("evt-organized", s, e, attendees=[dict(me, organizer=True), ben, chidi],
              conferenceData={"entryPoints": [{"entryPointType": "video",
                                               "uri": "https://meet.example/xyz"}]})
        yesterday = (today - datetime.timedelta(days=1)).date()
        event("evt-allday", {"date": yesterday.isoformat()},
              {"date": (yesterday + datetime.timedelta(days=1)).isoformat()}, summary="Holiday")
        s, e = timed(at(-2, 9))
        event("evt-declined", s, e, organizer={"email": ben["email"]},
              attendees=[dict(ben, organizer=True), dict(me, responseStatus="declined")])
        self.put({"kind": "calendar#event", "id": "evt-deleted", "status": "cancelled"})
        event("evt-location", {"date": today.date().isoformat()},
              {"date": (today.date() + datetime.timedelta(days=1)).isoformat()},
              eventType="workingLocation", summary="Home")
        s, e = timed(at(-40 * 7, 9))
        event("evt-old", s, e)

        monday = today - datetime.timedelta(days=today.weekday())
        for k in range(15):
            original = (monday + datetime.timedelta(weeks=k - 10)).replace(hour=9)
            start = original.replace(hour=11) if k == 8 else original
            s, e = timed(start)
            stamp = original.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            fields = {"recurringEventId": "series-weekly",
                      "originalStartTime": {"dateTime": original.isoformat(),
                                            "timeZone": "Europe/Berlin"},
                      "attendees": [dict(me, organizer=True), ada, ben, chidi]}
            if k == 7:
                self.put({"kind": "calendar#event", "id": "series-weekly_" + stamp,
                          "status": "cancelled", **fields})
            else:
                event("series-weekly_" + stamp, s, e, summary="Weekly sync", **fields)

        for k in range(extra):
            s, e = timed(at(-k, 15), hours=0.5)
            event("gen-%d" % k, s, e, organizer={"email": PEOPLE[k % 8][1]},
                  attendees=[{"email": PEOPLE[k % 8][1], "organizer": True,
                              "responseStatus": "accepted"},
                             dict(me, responseStatus="tentative" if k % 4 else "needsAction")])

    def put(self, event):
        self.seq += 1
        event["updated"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.events[event["id"]] = [event, self.seq]

    @staticmethod
    def bounds(event):
        def when(t, default):
            if not t:
                return default
            if "dateTime" in t:
                return parse_rfc3339(t["dateTime"])
            d = datetime.date.fromisoformat(t["date"])
            return datetime.datetime(d.year, d.month, d.day, tzinfo=ZONE).timestamp()
        start = when(event.get("start") or event.get("originalStartTime"), 0)
        return start, when(event.get("end"), start)

    def listing(self, query):
        def arg(name, default=None):
            return query.get(name, [default])[0]

        page_size = min(int(arg("maxResults", "250")), 2500)
        show_deleted = arg("showDeleted", "false") == "true"
        sync_token = arg("syncToken")
        page_token = arg("pageToken")
        order = arg("orderBy")
        if order not in (None, "startTime", "updated"):
            return 400, google_error(400, "INVALID_ARGUMENT", "invalid", "Invalid orderBy.")
        if order == "startTime" and arg("singleEvents", "false") != "true":
            return 400, google_error(400, "INVALID_ARGUMENT", "invalid",
                                     "The requested ordering is not available for the "
                                     "particular query.")
        if sync_token is not None:
            # events.list: these cannot go with a syncToken, and deleted events always come.
            clash = [name for name in SYNC_TOKEN_CLASHES if name in query]
            if clash:
                return 400, google_error(400, "INVALID_ARGUMENT", "invalid",
                                         "syncToken cannot be combined with %s." % clash[0])
            if arg("showDeleted") == "false":
                return 400, google_error(400, "INVALID_ARGUMENT", "invalid",
                                         "showDeleted cannot be false with a syncToken.")
        gone = 410, google_error(410, "GONE", "fullSyncRequired",
                                 "Sync token is no longer valid, a full sync is required.")
        since = None
        if sync_token is not None:
            decoded = decode_token(sync_token)
            if not isinstance(decoded, dict) or "sync" not in decoded:
                return 400, google_error(400, "INVALID_ARGUMENT", "invalid", "Invalid sync token.")
            if decoded["sync"] < self.token_floor:
                return gone
            since = decoded["sync"]
        if page_token is not None:
            state = decode_token(page_token)
            if not isinstance(state, dict) or "offset" not in state:
                return 400, google_error(400, "INVALID_ARGUMENT", "invalid", "Invalid page token.")
            if state["snapshot"] < self.token_floor:
                return gone
            offset, snapshot = state["offset"], state["snapshot"]
        else:
            offset, snapshot = 0, self.seq
        time_min = parse_rfc3339(arg("timeMin")) if arg("timeMin") else None
        time_max = parse_rfc3339(arg("timeMax")) if arg("timeMax") else None

        chosen = []
        for eid in sorted(self.events):
            event, seq = self.events[eid]
            if seq > snapshot:
                continue  # changed after the listing began: the next delta has it
            if since is not None:
                if seq <= since:
                    continue
            else:
                if event["status"] == "cancelled" and not show_deleted:
                    continue
                start, end = self.bounds(event)
                timed = "start" in event or "originalStartTime" in event
                if timed and ((time_min is not None and end <= time_min)
                              or (time_max is not None and start >= time_max)):
                    continue
            chosen.append(event)
        page = chosen[offset:offset + page_size]
        answer = {"kind": "calendar#events", "etag": '"%d"' % self.seq, "summary": self.email,
                  "updated": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                  "timeZone": "Europe/Berlin", "accessRole": "owner", "defaultReminders": [],
                  "items": page}
        if offset + page_size < len(chosen):
            answer["nextPageToken"] = encode_token({"offset": offset + page_size,
                                                    "snapshot": snapshot})
        else:
            answer["nextSyncToken"] = encode_token({"sync": snapshot})
        return 200, answer

    def live_count(self):
        return sum(1 for event, _ in self.events.values() if event["status"] != "cancelled")


class Handler(fakeapi.Handler):
    def unauthorized_body(self):
        return google_error(401, "UNAUTHENTICATED", "authError",
                            "The request does not carry a valid OAuth 2 access token.")

    def api(self, method, path, query, body):
        if method != "GET":
            return 405, google_error(405, "METHOD_NOT_ALLOWED", "methodNotAllowed",
                                     "Only GET is served here.")
        state = self.server.state
        with self.server.lock:
            if path == GMAIL + "/profile":
                return self.profile(state)
            if path == GMAIL + "/messages":
                return self.list_messages(state, query)
            if path.startswith(GMAIL + "/messages/"):
                return self.get_message(state, path[len(GMAIL + "/messages/"):], query)
            if path == GMAIL + "/history":
                return self.list_history(state, query)
            if path == EVENTS:
                return state["calendar"].listing(query)
        return not_found()

    def profile(self, state):
        box = state["mailbox"]
        return 200, {"emailAddress": box.email, "messagesTotal": box.count(0),
                     "threadsTotal": box.count(0), "historyId": str(box.history_id)}

    def list_messages(self, state, query):
        box = state["mailbox"]
        size = min(int(query.get("maxResults", ["100"])[0]), 500)
        after = 0
        for word in query.get("q", [""])[0].split():
            if word.startswith("after:"):
                after = int(word[len("after:"):])
        token = query.get("pageToken", [None])[0]
        if token is not None:
            start = decode_token(token)
            if not isinstance(start, list) or len(start) != 2:
                return 400, google_error(400, "INVALID_ARGUMENT", "invalid", "Invalid pageToken")
            start = tuple(start)
        else:
            start = ("a", len(box.added) - 1) if box.added else ("g", 0)
        messages, following = [], None
        for position, mid in box.ordered(start, after):
            if len(messages) == size:
                following = position
                break
            messages.append({"id": mid, "threadId": box.thread_of(mid)})
        answer = {"resultSizeEstimate": box.count(after)}
        if messages:
            answer["messages"] = messages
        if following is not None:
            answer["nextPageToken"] = encode_token(list(following))
        return 200, answer

    def get_message(self, state, mid, query):
        fmt = query.get("format", ["full"])[0]
        if fmt not in FORMATS:
            return 400, google_error(400, "INVALID_ARGUMENT", "invalidArgument",
                                     "Invalid value for format: %s" % fmt)
        message = state["mailbox"].get(mid)
        if message is None:
            return not_found()
        return 200, state["mailbox"].resource(message, fmt)

    def list_history(self, state, query):
        box = state["mailbox"]
        try:
            start = int(query["startHistoryId"][0])
        except (KeyError, ValueError):
            return 400, google_error(400, "INVALID_ARGUMENT", "invalidArgument",
                                     "Invalid startHistoryId")
        if start < box.history_floor:
            return not_found()
        types = query.get("historyTypes", [])
        if any(t not in HISTORY_TYPES for t in types):
            return 400, google_error(400, "INVALID_ARGUMENT", "invalidArgument",
                                     "Invalid value for historyTypes.")
        if types and "messageAdded" not in types:
            # Every record here is an addition: none is of the types asked for.
            return 200, {"historyId": str(box.history_id)}
        size = min(int(query.get("maxResults", ["100"])[0]), 500)
        token = query.get("pageToken", [None])[0]
        if token is not None:
            start = max(start, int((decode_token(token) or {}).get("after", start)))
        records = [r for r in box.history if r[0] > start]
        page = records[:size]
        history = []
        for hid, mid, labels in page:
            record = {"id": str(hid), "messages": [{"id": mid, "threadId": box.get(mid)["threadId"]
                                                    if box.get(mid) else mid}]}
            record["messagesAdded"] = [{"message": {"id": mid,
                                                    "threadId": record["messages"][0]["threadId"],
                                                    "labelIds": labels}}]
            history.append(record)
        answer = {"historyId": str(box.history_id)}
        if history:
            answer["history"] = history
        if len(records) > size:
            answer["nextPageToken"] = encode_token({"after": page[-1][0]})
        return 200, answer

    def control(self, op, request):
        state = self.server.state
        box, calendar = state["mailbox"], state["calendar"]
        if op == "add_messages":
            ids = [box.add(request.get("labels", ["INBOX", "UNREAD"]), request.get("reply_to"),
                           bool(request.get("from_me")))
                   for _ in range(int(request.get("count", 1)))]
            return {"ids": ids, "historyId": str(box.history_id)}
        if op == "delete_messages":
            box.deleted.update(request.get("ids", []))
            box.history_id += 1
            return {"ok": True}
        if op == "expire_history":
            box.history_id += 1
            box.history_floor = box.history_id
            return {"ok": True}
        if op == "cal_cancel":
            entry = calendar.events.get(request.get("id"))
            if entry is None:
                return {"ok": False}
            event = dict(entry[0])
            event["status"] = "cancelled"
            calendar.put(event)
            return {"ok": True}
        if op == "cal_add":
            start = datetime.datetime.now(ZONE).replace(microsecond=0) + datetime.timedelta(
                hours=float(request.get("hours_from_now", 24)))
            calendar.put({"kind": "calendar#event", "id": request["id"], "status": "confirmed",
                          "summary": "Added", "eventType": "default",
                          "organizer": {"email": box.email, "self": True},
                          "start": {"dateTime": start.isoformat(), "timeZone": "Europe/Berlin"},
                          "end": {"dateTime": (start + datetime.timedelta(hours=1)).isoformat(),
                                  "timeZone": "Europe/Berlin"}})
            return {"ok": True}
        if op == "expire_sync_tokens":
            calendar.seq += 1
            calendar.token_floor = calendar.seq
            return {"ok": True}
        if op == "summary":
            return {"messages": box.count(0), "history_id": str(box.history_id),
                    "events": calendar.live_count()}
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--old", type=int, default=0)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--email", default="me@example.com")
    parser.add_argument("--token", default=None)
    args = parser.parse_args()
    now = int(time.time())
    state = {"mailbox": Mailbox(args.messages, args.old, args.email, now),
             "calendar": Calendar(now, args.events, args.email)}
    fakeapi.serve(Handler, state, token=args.token)


if __name__ == "__main__":
    main()
