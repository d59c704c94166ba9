#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""fake-graph.py: a fake Microsoft Graph v1.0 for Tend's tests, on 127.0.0.1 only.

    python3 fake-graph.py [--messages N] [--token T]

Built on fakeapi.py (ready line, bearer check, faults, /_control, /_stats: see its docstring).
Everything lives under /v1.0, so the base URL to give Tend is "<url>/v1.0".

The mailbox is generated, deterministic and lazy (each page builds only its own items, so
100 000 messages cost nothing until read). Message i belongs to thread i // 3:
    i % 3 == 0  Inbox       from a colleague to me           (starts the conversation)
    i % 3 == 1  Sent Items  from me, a reply to message i - 1
    i % 3 == 2  Inbox       the colleague's answer to i, Cc another colleague
Message i was sent (N - i) * spacing seconds before the fake started, all within 20 weeks.
conversationIndex is 22 bytes for the first message of a thread, plus 5 per reply level.
Every body (uniqueBody and body) contains BODY_MARKER, so a test can prove no body was stored.

Endpoints (GET):
  /v1.0/me                                     id, displayName, mail, userPrincipalName
  /v1.0/me/mailFolders/{inbox|sentitems}/messages/delta
        honours $select, Prefer: odata.maxpagesize=N (default 10) and
        outlook.body-content-type="text" (otherwise bodies are HTML). As "message: delta"
        documents: $filter only as "receivedDateTime ge|gt <time>", and then a round ends
        after FILTER_CAP (5 000) messages; $orderby only "receivedDateTime desc"; changeType
        created|updated|deleted, applied to later rounds; $top and $expand accepted; anything
        else ($search, $skip, $count, another filter) answers 400 with Graph's error body.
        uniqueBody only when $select names it (it is not a default property).
        Pages end with @odata.nextLink (…?$skiptoken=…) or, at the end of a round,
        @odata.deltaLink (…?$deltatoken=…); both tokens are opaque.
        A later round lists what the control ops added (full items) and removed
        ({"id": …, "@removed": {"reason": "deleted"}}), as its changeType allows.
  /v1.0/me/calendarView/delta?startDateTime=…&endDateTime=…   (400 without both; 400 for
        $select, $expand, $filter, $orderby and $search, which "event: delta" rules out)
        20 single events (organized by me or by a colleague, some online), one all-day
        event, a weekly series of 10 instances with seriesMasterId and originalStart, one
        of them an exception moved by an hour and one cancelled (isCancelled).
  /v1.0/me/chats[?$expand=members]             two chats, members with email and userId
  /v1.0/me/chats/{id}/messages                 as "List messages in a chat": newest first;
        $top 1..50 (else 400); $orderby lastModifiedDateTime desc (the default) or
        createdDateTime desc (else 400); $filter lastModifiedDateTime gt|lt, createdDateTime lt,
        applied only when $orderby names the same property, ignored otherwise; any other
        query option 400. One systemEventMessage per chat.
Expired delta or skip tokens answer 410 with Graph's error body
  {"error": {"code": "syncStateNotFound", "message": …}}.

Control ops (POST /_control, besides fakeapi's):
  {"op": "add_messages", "folder": "inbox"|"sentitems", "count": N}   new mail, sent now
  {"op": "remove_messages", "folder": …, "count": N}   removes the N newest of the folder
  {"op": "expire_delta"}          every delta and skip token handed out so far answers 410
  {"op": "remove_event", "id": …} / {"op": "cancel_event", "id": …}
  {"op": "add_chat_message", "chat": "19:…", "count": N}
  {"op": "forbid_chats"}          /me/chats answers 403 (an account without Teams)
  {"op": "info"}                  counts: {"inbox": n, "sentitems": n, "events": n,
                                  "cancelled": n, "chat_messages": n, "replies": n, "me": …}
"""

import argparse
import base64
import hashlib
import json
import os
import re
import struct
import sys
import time
from urllib.parse import quote, unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakeapi  # noqa: E402

PREFIX = "/v1.0"
ME = ("Morgan Lee", "morgan.lee@contoso.example")
PEOPLE = [
    ("Ada Okafor", "ada.okafor@contoso.example"),
    ("Bruno Silva", "bruno.silva@contoso.example"),
    ("Chen Wei", "chen.wei@fabrikam.example"),
    ("Dana Kowalski", "dana.kowalski@contoso.example"),
    ("Emeka Nwosu", "emeka.nwosu@fabrikam.example"),
    ("Farah Haddad", "farah.haddad@contoso.example"),
    ("Gustav Lind", "gustav.lind@northwind.example"),
    ("Hana Sato", "hana.sato@contoso.example"),
]
BODY_MARKER = "The periwinkle ledger reconciles on alternate Thursdays."
OPENINGS = ["Hi,", "Hello,", "Good morning,", "Hey there,"]
MIDDLES = [
    "Thanks for the quick turnaround on the draft.",
    "Could you check the figures before Friday?",
    "Sorry for the delay, I was out yesterday.",
    "I think we might need another week for this.",
    "The review went well and the team is happy.",
    "Can we move our call to the afternoon?",
]
CLOSINGS = ["Best,", "Thanks,", "Cheers,", "Regards,"]
WINDOW = 20 * 7 * 86400
SERIES_ID = "AAMkSeries-weekly-sync"


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def graph_time(t):
    return {"dateTime": time.strftime("%Y-%m-%dT%H:%M:%S.0000000", time.gmtime(t)),
            "timeZone": "UTC"}


def digest(*parts):
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()


def b64(data):
    return base64.b64encode(data).decode()


def token_encode(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def token_decode(text):
    try:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        return None


def address(person):
    return {"emailAddress": {"name": person[0], "address": person[1]}}


class State:
    def __init__(self, n):
        self.n = n
        self.t0 = int(time.time())
        self.spacing = max(1, min(3600, WINDOW // max(n, 1)))
        self.gen = 0
        self.changelog = []  # ("add", folder, extra_index) | ("remove", folder, id)
        self.extras = []     # dicts: folder, time, seq
        self.removed = set()
        self.events = self.make_events()
        self.event_log = []  # ("remove", id) | ("update", id)
        self.chats = self.make_chats()
        self.chats_forbidden = False

    # --- mail ------------------------------------------------------------------------
    def n_generated(self, folder):
        n_sent = (self.n + 1) // 3
        return n_sent if folder == "sentitems" else self.n - n_sent

    def generated_index(self, folder, k):
        if folder == "sentitems":
            return 3 * k + 1
        return (k // 2) * 3 + (0 if k % 2 == 0 else 2)

    def message(self, i, html):
        """Generated message i, or extra message -(e + 1)."""
        if i >= 0:
            thread, level = i // 3, i % 3
            t = self.t0 - (self.n - i) * self.spacing
            mid = "AAMkGen-%d" % i
        else:
            e = -i - 1
            extra = self.extras[e]
            thread, level = 10_000_000 + e, 0 if extra["folder"] == "inbox" else 1
            t = extra["time"]
            mid = "AAMkNew-%d" % e
        colleague = PEOPLE[thread % len(PEOPLE)]
        other = PEOPLE[(thread + 3) % len(PEOPLE)]
        if level == 1:
            sender, to, cc = ME, [colleague], []
        else:
            sender, to, cc = colleague, [ME], [other] if level == 2 else []
        header = b"\x01" + struct.pack(">Q", thread)[3:] + digest("thread", thread)[:16]
        index = header + b"".join(digest("reply", thread, k)[:5] for k in range(1, level + 1))
        if i < 0 and level == 1:
            index = header  # a new mail of mine, not a reply
        n = abs(i)
        text = "%s\n%s %s\n%s\n%s" % (OPENINGS[n % 4], MIDDLES[n % 6], BODY_MARKER,
                                      CLOSINGS[n % 4], sender[0])
        if html:
            body = {"contentType": "html",
                    "content": "<html><body><p>%s</p></body></html>" % text.replace("\n", "<br>")}
        else:
            body = {"contentType": "text", "content": text}
        return {
            "id": mid,
            "conversationId": "AAQkConv-%d" % thread,
            "conversationIndex": b64(index),
            "internetMessageId": "<%s@mail.contoso.example>" % mid.lower(),
            "subject": "Thread %d" % thread,
            "sentDateTime": iso(t),
            "receivedDateTime": iso(t + 2),
            "isDraft": False,
            "from": address(sender),
            "sender": address(sender),
            "toRecipients": [address(p) for p in to],
            "ccRecipients": [address(p) for p in cc],
            "bccRecipients": [],
            "uniqueBody": body,
            "body": body,
        }

    # --- calendar --------------------------------------------------------------------
    def make_events(self):
        events = {}
        hour = self.t0 - self.t0 % 3600
        for k in range(20):
            start = hour - (k * 5 + 1) * 86400 + 3600
            mine = k % 2 == 0
            organizer = ME if mine else PEOPLE[k % len(PEOPLE)]
            attendees = [PEOPLE[(k + j) % len(PEOPLE)] for j in range(1 + k % 3)]
            if not mine:
                attendees = [ME] + [p for p in attendees if p != organizer]
            response = "organizer" if mine else ["accepted", "tentativelyAccepted", "declined",
                                                  "notResponded"][k % 4]
            events["AAMkEvent-%d" % k] = self.event("AAMkEvent-%d" % k, start, 1800 * (1 + k % 4),
                                                    organizer, attendees, response, mine,
                                                    online=k % 3 == 0)
        day = self.t0 - self.t0 % 86400 - 14 * 86400
        allday = self.event("AAMkEvent-allday", day, 86400, ME, [], "organizer", True)
        allday["isAllDay"] = True
        events[allday["id"]] = allday
        first = hour - 9 * 7 * 86400 + 2 * 3600
        for k in range(10):
            original = first + k * 7 * 86400
            start = original + (3600 if k == 4 else 0)
            ev = self.event("AAMkOcc-%d" % k, start, 1800, PEOPLE[0], [ME, PEOPLE[1]],
                            "accepted", False, online=True)
            ev["type"] = "exception" if k == 4 else "occurrence"
            ev["seriesMasterId"] = SERIES_ID
            ev["originalStart"] = iso(original)
            ev["isCancelled"] = k == 6
            events[ev["id"]] = ev
        return events

    def event(self, eid, start, length, organizer, attendees, response, mine, online=False):
        return {
            "id": eid,
            "subject": "Meeting %s" % eid,
            "type": "singleInstance",
            "start": graph_time(start),
            "end": graph_time(start + length),
            "originalStartTimeZone": "Europe/Berlin",
            "isAllDay": False,
            "isCancelled": False,
            "isOrganizer": mine,
            "isOnlineMeeting": online,
            "onlineMeeting": {"joinUrl": "https://teams.example/l/%s" % eid} if online else None,
            "organizer": address(organizer),
            "attendees": [dict(address(p), type="required",
                               status={"response": "none", "time": "0001-01-01T00:00:00Z"})
                          for p in attendees],
            "responseStatus": {"response": response, "time": "0001-01-01T00:00:00Z"},
        }

    # --- chats -----------------------------------------------------------------------
    def make_chats(self):
        chats = []
        for cid, people, count in (("19:oneonone-ada@unq.gbl.spaces", [PEOPLE[0]], 12),
                                   ("19:launch-team@thread.v2", [PEOPLE[0], PEOPLE[1]], 30)):
            members = [ME] + people
            chat = {"id": cid, "members": members, "messages": []}
            for k in range(count):
                t = self.t0 - (count - k) * 5400
                self.add_chat_message(chat, t, k)
            chat["messages"].append(self.chat_message(chat, self.t0 - 999, None,
                                                      "systemEventMessage"))
            chats.append(chat)
        return chats

    def user_id(self, person):
        return "user-" + person[1].split("@")[0]

    def chat_message(self, chat, t, k, kind="message"):
        sender = chat["members"][(k or 0) % len(chat["members"])]
        return {
            "id": str(t * 1000 + (k or 0) % 1000),
            "messageType": kind,
            "createdDateTime": iso(t),
            "lastModifiedDateTime": iso(t),
            "deletedDateTime": None,
            "chatId": chat["id"],
            "from": None if kind != "message" else {
                "user": {"id": self.user_id(sender), "displayName": sender[0],
                         "userIdentityType": "aadUser"}},
            "body": {"contentType": "html",
                     "content": "<systemEventMessage/>" if kind != "message" else
                     "<p>%s <b>%s</b></p>" % (MIDDLES[(k or 0) % 6], BODY_MARKER)},
        }

    def add_chat_message(self, chat, t, k):
        chat["messages"].append(self.chat_message(chat, t, k))


FILTER_CAP = 5000


def bad_request(code, message):
    return 400, {"error": {"code": code, "message": message,
                           "innerError": {"date": iso(int(time.time()))}}}


def parse_comparison(text, allowed):
    """("receivedDateTime", "ge", "2024-…Z") for an allowed "<property> <op> <time>", else None."""
    m = re.fullmatch(r"\s*(\w+)\s+(\w+)\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s*", text)
    if m is None or (m.group(1), m.group(2)) not in allowed:
        return None
    return m.group(1), m.group(2), m.group(3)


def unknown_options(query, allowed):
    return sorted(k for k in query if k.startswith("$") and k not in allowed)


class Handler(fakeapi.Handler):
    def gone(self):
        return 410, {"error": {"code": "syncStateNotFound",
                               "message": "The sync state generation is not found."}}

    def page_size(self, default=10):
        for part in (self.headers.get("Prefer") or "").split(","):
            name, _, value = part.strip().partition("=")
            if name == "odata.maxpagesize" and value.isdigit():
                return max(1, min(int(value), 1000))
        return default

    def text_bodies(self):
        return 'outlook.body-content-type="text"' in (self.headers.get("Prefer") or "")

    def api(self, method, path, query, body):
        if method != "GET" or not path.startswith(PREFIX):
            return super().api(method, path, query, body)
        parts = [unquote(p) for p in path[len(PREFIX):].strip("/").split("/")]
        state = self.server.state
        with self.server.lock:
            if parts == ["me"]:
                return 200, {"id": self.user_id_me(), "displayName": ME[0], "mail": ME[1],
                             "userPrincipalName": ME[1]}
            if (len(parts) == 5 and parts[:2] == ["me", "mailFolders"]
                    and parts[3:] == ["messages", "delta"] and parts[2] in ("inbox", "sentitems")):
                return self.mail_delta(state, parts[2], query)
            if parts == ["me", "calendarView", "delta"]:
                return self.calendar_delta(state, query)
            if parts == ["me", "chats"]:
                return self.chats(state, query)
            if len(parts) == 4 and parts[:2] == ["me", "chats"] and parts[3] == "messages":
                return self.chat_messages(state, parts[2], query)
        return super().api(method, path, query, body)

    def user_id_me(self):
        return "user-" + ME[1].split("@")[0]

    def link(self, path, name, token, extra=""):
        return "%s%s%s?%s=%s%s" % (self.base_url(), PREFIX, path, name, token, extra)

    def select(self, item, query):
        fields = query.get("$select")
        if not fields:
            return {k: v for k, v in item.items() if k != "uniqueBody"}
        keep = set(fields[0].split(",")) | {"id"}
        return {k: v for k, v in item.items() if k in keep}

    # --- mail ------------------------------------------------------------------------
    def mail_delta(self, state, folder, query):
        path = "/me/mailFolders/%s/messages/delta" % folder
        size = self.page_size()
        html = not self.text_bodies()
        skip, delta = query.get("$skiptoken"), query.get("$deltatoken")
        tok = token_decode((skip or delta)[0]) if (skip or delta) else None
        if (skip or delta) and (tok is None or tok.get("g") != state.gen or tok.get("f") != folder):
            return self.gone()
        if tok is None:
            # Options are given once, on the round's first request; the links carry them.
            extra = unknown_options(query, {"$select", "$top", "$expand", "$filter", "$orderby"})
            if extra:
                return bad_request("BadRequest", "Query option '%s' is not supported on message "
                                   "delta." % extra[0])
            since = None
            if query.get("$filter"):
                since = parse_comparison(query["$filter"][0], {("receivedDateTime", "ge"),
                                                               ("receivedDateTime", "gt")})
                if since is None:
                    return bad_request("ErrorInvalidUrlQueryFilter",
                                       "The query filter contains one or more invalid nodes.")
            order = (query.get("$orderby") or [None])[0]
            if order is not None and order.split() != ["receivedDateTime", "desc"]:
                return bad_request("ErrorInvalidUrlQuery",
                                   "The only supported $orderby is receivedDateTime desc.")
            change = (query.get("changeType") or [None])[0]
            if change is not None and change not in ("created", "updated", "deleted"):
                return bad_request("ErrorInvalidParameter",
                                   "changeType must be created, updated or deleted.")
            tok = {"g": state.gen, "f": folder, "mode": "full", "o": 0, "snap": len(state.changelog),
                   "sel": (query.get("$select") or [None])[0], "ct": change,
                   "since": list(since[1:]) if since else None, "n": 0}
        elif delta:
            tok = {"g": state.gen, "f": folder, "mode": "changes", "o": 0, "from": tok["seq"],
                   "snap": len(state.changelog), "sel": tok.get("sel"), "ct": tok.get("ct")}
        # Like Graph, the round keeps the $select of its first request in its links.
        query = {"$select": [tok["sel"]]} if tok.get("sel") else {}
        items, offset = [], tok["o"]
        if tok["mode"] == "full":
            n_gen = state.n_generated(folder)
            extras = [e for e, x in enumerate(state.extras)
                      if x["folder"] == folder and x["seq"] < tok["snap"]]
            total = n_gen + len(extras)
            since = tok.get("since")
            while offset < total and len(items) < size:
                ref = (state.generated_index(folder, offset) if offset < n_gen
                       else -(extras[offset - n_gen] + 1))
                offset += 1
                msg = state.message(ref, html)
                if msg["id"] in state.removed:
                    continue
                if since is not None and not (msg["receivedDateTime"] > since[1] or (
                        since[0] == "ge" and msg["receivedDateTime"] == since[1])):
                    continue
                items.append(self.select(msg, query))
            if since is not None:
                # A filtered round stops at the documented cap.
                tok["n"] = tok.get("n", 0) + len(items)
                if tok["n"] >= FILTER_CAP:
                    del items[len(items) - (tok["n"] - FILTER_CAP):]
                    offset = total
        else:
            wanted = {"created": ("add",), "deleted": ("remove",), "updated": ()}.get(
                tok.get("ct"), ("add", "remove"))
            changes = [c for c in state.changelog[tok["from"]:tok["snap"]]
                       if c[1] == folder and c[0] in wanted]
            total = len(changes)
            while offset < total and len(items) < size:
                kind, _, ref = changes[offset]
                offset += 1
                if kind == "add":
                    items.append(self.select(state.message(-(ref + 1), html), query))
                else:
                    items.append({"id": ref, "@removed": {"reason": "deleted"}})
        page = {"@odata.context": "fake", "value": items}
        if offset < total:
            page["@odata.nextLink"] = self.link(path, "$skiptoken", token_encode(dict(tok, o=offset)))
        else:
            page["@odata.deltaLink"] = self.link(
                path, "$deltatoken", token_encode({"g": state.gen, "f": folder, "seq": tok["snap"],
                                                   "sel": tok.get("sel")}))
        return 200, page, {"Preference-Applied": "odata.maxpagesize=%d" % size}

    # --- calendar --------------------------------------------------------------------
    def calendar_delta(self, state, query):
        path = "/me/calendarView/delta"
        size = self.page_size()
        skip, delta = query.get("$skiptoken"), query.get("$deltatoken")
        tok = token_decode((skip or delta)[0]) if (skip or delta) else None
        if (skip or delta) and (tok is None or tok.get("g") != state.gen or tok.get("f") != "cal"):
            return self.gone()
        if tok is None:
            extra = [k for k in ("$select", "$expand", "$filter", "$orderby", "$search")
                     if k in query]
            if extra:
                return bad_request("ErrorInvalidUrlQuery", "The query parameter '%s' is not "
                                   "supported with change tracking over the 'CalendarView' "
                                   "resource." % extra[0])
            if not query.get("startDateTime") or not query.get("endDateTime"):
                return 400, {"error": {"code": "ErrorInvalidParameter",
                                       "message": "startDateTime and endDateTime are required."}}
            tok = {"g": state.gen, "f": "cal", "mode": "full", "o": 0,
                   "snap": len(state.event_log)}
        elif delta:
            tok = {"g": state.gen, "f": "cal", "mode": "changes", "o": 0, "from": tok["seq"],
                   "snap": len(state.event_log)}
        if tok["mode"] == "full":
            entries = sorted(state.events)
        else:
            entries = [c for c in state.event_log[tok["from"]:tok["snap"]]]
        offset, total = tok["o"], len(entries)
        items = []
        while offset < total and len(items) < size:
            entry = entries[offset]
            offset += 1
            if tok["mode"] == "full":
                items.append(state.events[entry])
            elif entry[0] == "remove":
                items.append({"id": entry[1], "@removed": {"reason": "deleted"}})
            elif entry[1] in state.events:
                items.append(state.events[entry[1]])
        page = {"value": items}
        if offset < total:
            page["@odata.nextLink"] = self.link(path, "$skiptoken", token_encode(dict(tok, o=offset)))
        else:
            page["@odata.deltaLink"] = self.link(
                path, "$deltatoken", token_encode({"g": state.gen, "f": "cal", "seq": tok["snap"]}))
        return 200, page

    # --- chats -----------------------------------------------------------------------
    def chats(self, state, query):
        if state.chats_forbidden:
            return 403, {"error": {"code": "Forbidden",
                                   "message": "Missing scope permissions on the request."}}
        expand = "members" in (query.get("$expand") or [""])[0]
        value = []
        for chat in state.chats:
            item = {"id": chat["id"], "chatType": "oneOnOne" if len(chat["members"]) == 2 else "group",
                    "topic": None}
            if expand:
                item["members"] = [{
                    "@odata.type": "#microsoft.graph.aadUserConversationMember",
                    "id": "member-" + state.user_id(p), "displayName": p[0],
                    "userId": state.user_id(p), "email": p[1], "roles": ["owner"]}
                    for p in chat["members"]]
            value.append(item)
        return 200, {"value": value}

    def chat_messages(self, state, chat_id, query):
        chat = next((c for c in state.chats if c["id"] == chat_id), None)
        if chat is None:
            return 404, {"error": {"code": "NotFound", "message": "No such chat."}}
        extra = unknown_options(query, {"$top", "$orderby", "$filter", "$skiptoken"})
        if extra:
            return bad_request("BadRequest", "Query option '%s' is not supported." % extra[0])
        top_text = (query.get("$top") or ["20"])[0]
        if not top_text.isdigit() or not 1 <= int(top_text) <= 50:
            return bad_request("BadRequest", "The maximum allowed $top value is 50.")
        top = int(top_text)
        order = (query.get("$orderby") or ["lastModifiedDateTime desc"])[0].split()
        if order not in (["lastModifiedDateTime", "desc"], ["createdDateTime", "desc"]):
            return bad_request("BadRequest", "$orderby supports lastModifiedDateTime desc and "
                               "createdDateTime desc only.")
        key = order[0]
        flt = (query.get("$filter") or [""])[0]
        bounds = []
        if flt:
            for clause in re.split(r"\s+and\s+", flt):
                comparison = parse_comparison(clause, {("lastModifiedDateTime", "gt"),
                                                       ("lastModifiedDateTime", "lt"),
                                                       ("createdDateTime", "lt")})
                if comparison is None:
                    return bad_request("BadRequest", "Invalid $filter: %s" % flt)
                # Documented: the filter applies only with an $orderby on the same property.
                if comparison[0] == key:
                    bounds.append(comparison)
        skip = int((query.get("$skiptoken") or ["0"])[0])
        messages = sorted(chat["messages"], key=lambda m: m[key], reverse=True)
        for prop, op, value in bounds:
            messages = [m for m in messages if (m[prop] > value if op == "gt" else m[prop] < value)]
        page = {"value": messages[skip:skip + top]}
        if skip + top < len(messages):
            extra = "&$top=%d&$orderby=%s" % (top, quote(" ".join(order)))
            if flt:
                extra += "&$filter=%s" % quote(flt)
            page["@odata.nextLink"] = self.link("/me/chats/%s/messages" % quote(chat_id),
                                                "$skiptoken", str(skip + top), extra)
        return 200, page

    # --- control ---------------------------------------------------------------------
    def control(self, op, request):
        state = self.server.state
        if op == "add_messages":
            folder = request.get("folder", "inbox")
            for _ in range(int(request.get("count", 1))):
                seq = len(state.changelog)
                state.extras.append({"folder": folder, "time": int(time.time()), "seq": seq})
                state.changelog.append(("add", folder, len(state.extras) - 1))
            return {"ok": True}
        if op == "remove_messages":
            folder = request.get("folder", "inbox")
            count = int(request.get("count", 1))
            n_gen = state.n_generated(folder)
            k = n_gen - 1
            while count > 0 and k >= 0:
                mid = "AAMkGen-%d" % state.generated_index(folder, k)
                k -= 1
                if mid not in state.removed:
                    state.removed.add(mid)
                    state.changelog.append(("remove", folder, mid))
                    count -= 1
            return {"ok": True}
        if op == "forbid_chats":
            state.chats_forbidden = True
            return {"ok": True}
        if op == "expire_delta":
            state.gen += 1
            return {"ok": True}
        if op in ("remove_event", "cancel_event"):
            eid = request.get("id")
            if eid not in state.events:
                return {"ok": False}
            if op == "remove_event":
                del state.events[eid]
                state.event_log.append(("remove", eid))
            else:
                state.events[eid]["isCancelled"] = True
                state.event_log.append(("update", eid))
            return {"ok": True}
        if op == "add_chat_message":
            chat = next((c for c in state.chats if c["id"] == request.get("chat")), state.chats[0])
            for k in range(int(request.get("count", 1))):
                state.add_chat_message(chat, int(time.time()) + k, len(chat["messages"]) + k)
            return {"ok": True}
        if op == "info":
            def live(folder):
                n = state.n_generated(folder) + sum(1 for x in state.extras if x["folder"] == folder)
                return n - sum(1 for mid in state.removed if self.folder_of(mid) == folder)
            replies = sum(1 for i in range(state.n) if i % 3 != 0)
            return {"inbox": live("inbox"), "sentitems": live("sentitems"),
                    "events": sum(1 for e in state.events.values() if not e["isCancelled"]),
                    "cancelled": sum(1 for e in state.events.values() if e["isCancelled"]),
                    "chat_messages": sum(1 for c in state.chats for m in c["messages"]
                                         if m["messageType"] == "message"),
                    "replies": replies, "me": ME[1], "body_marker": BODY_MARKER}
        return None

    @staticmethod
    def folder_of(mid):
        i = int(mid.rsplit("-", 1)[1])
        return "sentitems" if i % 3 == 1 else "inbox"


def main():
    parser = argparse.ArgumentParser(description="A fake Microsoft Graph for Tend's tests.")
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--token", default=None, help="the only bearer token accepted")
    args = parser.parse_args()
    fakeapi.serve(Handler, State(args.messages), token=args.token)


if __name__ == "__main__":
    main()
