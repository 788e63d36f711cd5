"""Open311 GeoReport v2 under /open311/v2/: JSON and XML, the spec's error format.

Only HTTP translation lives here: the complaints room validates, stores and routes.
"""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from dasan.complaints import intake, intake_writer, open311
from dasan.db.base import utcnow
from dasan.db.models_complaints import ComplaintPhoto, ServiceRequest
from dasan.errors import DomainError
from dasan.web.citizen_language import CATALOGUE_LANGUAGES, pick_language, translate
from dasan.web.deps import get_db
from dasan.web.live import publish_all

router = APIRouter(prefix="/open311/v2", tags=["open311"])

_ATTR = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,64})\](\[\])?$")
# Element names of list items in the XML form of each root.
_ITEM = {"services": "service", "service_requests": "request", "errors": "error",
         "attributes": "attribute", "values": "value"}


def _xml_value(parent: ET.Element, key: str, value: Any) -> None:
    el = ET.SubElement(parent, key)
    if isinstance(value, list):
        for item in value:
            _xml_value(el, _ITEM.get(key, "item"), item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def to_xml(root: str, body: Any) -> bytes:
    """The spec's XML: a declaration, no namespace, lists as repeated item elements."""
    top = ET.Element(root)
    if isinstance(body, list):
        for item in body:
            _xml_value(top, _ITEM[root], item)
    else:
        for k, v in body.items():
            _xml_value(top, k, v)
    ET.indent(top, space="    ")
    # ElementTree writes empty elements as `<a />`; the spec's examples write `<a/>` (text can
    # never hold a raw `/>`: ElementTree escapes `>` in text).
    xml = ET.tostring(top, encoding="utf-8", xml_declaration=False).replace(b" />", b"/>")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xml


def render(fmt: str, root: str, body: Any, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, body), status_code=status,
                        media_type="text/xml; charset=utf-8")
    return JSONResponse(body, status_code=status, media_type="application/json; charset=utf-8")


def error(fmt: str, status: int, description: str) -> Response:
    return render(fmt, "errors", [{"code": status, "description": description}], status)


def _split(name: str) -> tuple[str, str]:
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in ("json", "xml"):
        raise DomainError("append the format to the resource: .json or .xml",
                          status=404, code="format")
    return stem, fmt


def _answer(name: str, build: Callable[[str, str], Response]) -> Response:
    try:
        stem, fmt = _split(name)
    except DomainError as exc:
        return error("json", exc.status, exc.message)
    try:
        return build(stem, fmt)
    except DomainError as exc:
        return error(fmt, exc.status, exc.message)


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "ko"


def _photo_urls(db: Session, request: Request, rows: list[ServiceRequest]) -> dict[int, str]:
    ids = [r.id for r in rows]
    if not ids:
        return {}
    first: dict[int, str] = {}
    tokens = {r.id: r.token for r in rows}
    for req_id, photo_id in db.execute(
        select(ComplaintPhoto.request_id, ComplaintPhoto.id)
        .where(ComplaintPhoto.request_id.in_(ids), ComplaintPhoto.kind == "report")
        .order_by(ComplaintPhoto.id)
    ):
        first.setdefault(req_id, f"{str(request.base_url).rstrip('/')}/report/photo/"
                                 f"{tokens[req_id]}/{photo_id}")
    return first


def _views(db: Session, request: Request, rows: list[ServiceRequest]) -> list[dict[str, Any]]:
    services = open311.services_by_code(db)
    agencies = open311.agency_names(db)
    photos = _photo_urls(db, request, rows)
    return [open311.request_view(r, services[r.service_code], agencies, _lang(request),
                                 photos.get(r.id)) for r in rows]


@router.get("/services/{name}")
def service_definition(name: str, request: Request, db: Session = Depends(get_db)) -> Response:
    def build(code: str, fmt: str) -> Response:
        open311.check_jurisdiction(request.query_params.get("jurisdiction_id"))
        return render(fmt, "service_definition", _definition(db, code, request))
    return _answer(name, build)


def _definition(db: Session, code: str, request: Request) -> dict[str, Any]:
    """A service's questions in the asker's language: ko/en as the catalogue keeps them; for
    the citizen pages' zh/ja/vi/mn, each question and choice from the citizen catalogues
    (`dasan.web.citizen_language`), English where a catalogue lacks one."""
    asked = pick_language(request.query_params.get("lang"))
    if asked not in CATALOGUE_LANGUAGES:
        return open311.service_definition(db, code, _lang(request))
    ko = open311.service_definition(db, code, "ko")
    en = open311.service_definition(db, code, "en")
    for a, b in zip(ko["attributes"], en["attributes"], strict=True):
        a["description"] = translate(a["description"], b["description"], asked)
        for v, w in zip(a["values"], b["values"], strict=True):
            v["name"] = translate(v["name"], w["name"], asked)
    return ko


@router.get("/tokens/{name}")
def token_lookup(name: str, request: Request, db: Session = Depends(get_db)) -> Response:
    def build(token: str, fmt: str) -> Response:
        open311.check_jurisdiction(request.query_params.get("jurisdiction_id"))
        row = open311.by_token(db, token)
        return render(fmt, "service_requests",
                      [{"service_request_id": str(row.id), "token": row.token}])
    return _answer(name, build)


@router.get("/requests/{name}")
def request_one(name: str, request: Request, db: Session = Depends(get_db)) -> Response:
    def build(stem: str, fmt: str) -> Response:
        open311.check_jurisdiction(request.query_params.get("jurisdiction_id"))
        if not stem.isdigit():
            raise DomainError(f"service_request_id {stem!r} was not found", status=404)
        row = db.get(ServiceRequest, int(stem))
        if row is None:
            raise DomainError(f"service_request_id {stem} was not found", status=404)
        return render(fmt, "service_requests", _views(db, request, [row]))
    return _answer(name, build)


@router.get("/{name}")
def listing(name: str, request: Request, db: Session = Depends(get_db)) -> Response:
    """GET services.{fmt} and GET requests.{fmt}."""
    def build(stem: str, fmt: str) -> Response:
        q = request.query_params
        open311.check_jurisdiction(q.get("jurisdiction_id"))
        if stem == "services":
            return render(fmt, "services", open311.service_list(db, _lang(request)))
        if stem == "requests":
            rows = open311.query_requests(
                db, ids=q.get("service_request_id"), service_code=q.get("service_code"),
                start_date=q.get("start_date"), end_date=q.get("end_date"),
                status=q.get("status"), now=utcnow())
            return render(fmt, "service_requests", _views(db, request, rows))
        raise DomainError(f"no resource {stem!r}", status=404, code="not_found")
    return _answer(name, build)


async def read_report_form(request: Request) -> tuple[dict[str, str], dict[str, Any],
                                                       list[bytes]]:
    """Form fields, `attribute[code]` / `attribute[code][]` answers, and uploaded photos."""
    form = await request.form()
    fields: dict[str, str] = {}
    attrs: dict[str, Any] = {}
    photos: list[bytes] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key in ("media", "photo", "photos"):
                data = await value.read()
                # A form posted with no file chosen still sends the field, nameless and empty.
                if data or value.filename:
                    photos.append(data)
            continue
        m = _ATTR.match(key)
        if m:
            if m.group(2):
                attrs.setdefault(m.group(1), []).append(value)
            else:
                attrs[m.group(1)] = value
        else:
            fields[key] = value
    return fields, attrs, photos


@router.post("/{name}")
async def create(name: str, request: Request) -> Response:
    """POST requests.{fmt}: api_key required; form-encoded (multipart also takes `media`)."""
    try:
        stem, fmt = _split(name)
    except DomainError as exc:
        return error("json", exc.status, exc.message)
    if stem != "requests":
        return error(fmt, 404, f"no resource {stem!r}")
    try:
        fields, attrs, photos = await read_report_form(request)
    except Exception:  # noqa: BLE001 - a broken body is the client's 400
        return error(fmt, 400, "the request body is not a valid form")
    try:
        open311.check_jurisdiction(fields.get("jurisdiction_id"))
        if photos:  # its own transaction in a worker thread (the event loop stays free)
            accepted = await run_in_threadpool(intake.take_report, fields, attrs, photos)
        else:  # the process's intake writer: several reports, one commit (intake_writer)
            accepted = await asyncio.wrap_future(intake_writer.submit(fields, attrs))
    except DomainError as exc:
        return error(fmt, exc.status, exc.message)
    await publish_all(request.app, accepted.events)  # a crisis: the supervisors' live alert
    body = [{"service_request_id": str(accepted.request_id),
             "service_notice": accepted.service_notice,
             "account_id": fields.get("account_id") or None}]
    return render(fmt, "service_requests", body)
