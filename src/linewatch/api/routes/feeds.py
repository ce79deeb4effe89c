"""Agency feeds: upload one (loaded all or nothing, as the caller's agency) and list those loaded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import BaseModel
from sqlalchemy import func, select

from linewatch.api.pagination import PageRequest, page_info, page_request
from linewatch.api.problems import Problem, bad_request, problem_responses
from linewatch.api.schemas import Page
from linewatch.api.security import Caller, access, signed_in
from linewatch.api.services.feeds import MAPPING_NAME, UploadTooLarge, load_upload, safe_file_name, save_upload
from linewatch.audit.events import Operation
from linewatch.definitions import DefinitionError
from linewatch.feeds.errors import FeedRejected, IngestError
from linewatch.feeds.readers import FeedFileError
from linewatch.store.tables import metadata

router = APIRouter(prefix="/feeds", tags=["feeds"], responses=problem_responses(401, 403, 422))
feed_table = metadata.tables["feed"]


class FeedLoaded(BaseModel):
    status: str
    feed_id: int
    file_name: str
    agency: str
    mapping: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    records: dict[str, dict[str, int]]
    seconds: float


@router.post(
    "",
    response_model=FeedLoaded,
    status_code=201,
    responses=problem_responses(413),
    **access("feed.upload", Operation.collection),
)
def upload_feed(
    file: UploadFile = File(..., description="CSV, XLSX or JSON export from the caller's agency"),
    mapping: str = Form(..., max_length=64, description="The mapping name, e.g. police_missing"),
    accept_valid: bool = Form(False, description="Load the valid rows; report the others"),
    caller: Caller = Depends(signed_in),
) -> FeedLoaded:
    """Load a feed from the caller's own agency (collection and alteration are audited)."""
    if not MAPPING_NAME.match(mapping):
        raise bad_request("mapping is a shipped or workspace mapping name (lower case letters, digits, underscores)")
    state = caller.state
    try:
        path = save_upload(file.file, state.settings, safe_file_name(file.filename), state.max_upload_bytes)
    except UploadTooLarge as error:
        raise Problem(413, "too-large", "Request too large", str(error)) from None
    try:
        result = load_upload(
            path,
            principal=caller.principal,
            mapping=mapping,
            accept_valid=accept_valid,
            settings=state.settings,
            engine=state.engine,
        )
    except FeedRejected as error:
        raise bad_request(
            str(error).splitlines()[0],
            rows_rejected=error.bad_rows,
            errors=[{"row": e.row, "column": e.column, "problem": e.problem} for e in error.first_errors],
        ) from None
    except (IngestError, FeedFileError, DefinitionError) as error:
        raise bad_request(str(error).replace(str(path.parent), "").lstrip("/")) from None
    return FeedLoaded(
        status=result.status,
        feed_id=result.feed_id,
        file_name=result.file_name,
        agency=result.agency,
        mapping=result.mapping,
        rows_read=result.rows_read,
        rows_loaded=result.rows_loaded,
        rows_rejected=result.rows_rejected,
        records=result.records,
        seconds=round(result.seconds, 3),
    )


@router.get("", response_model=Page, **access("feed.view", None))
def list_feeds(page: PageRequest = Depends(page_request), caller: Caller = Depends(signed_in)) -> Page:
    """Feeds loaded (the caller's agency's; all of them for the data protection officer)."""
    query = select(
        feed_table.c.id,
        feed_table.c.agency,
        feed_table.c.mapping,
        feed_table.c.file_name,
        feed_table.c.status,
        feed_table.c.rows_read,
        feed_table.c.rows_loaded,
        feed_table.c.rows_rejected,
        feed_table.c.loaded_at,
        feed_table.c.loaded_by,
    )
    count = select(func.count()).select_from(feed_table)
    if caller.principal.role != "dpo":
        query = query.where(feed_table.c.agency == caller.principal.agency)
        count = count.where(feed_table.c.agency == caller.principal.agency)
    with caller.state.engine.connect() as connection:
        total = int(connection.execute(count).scalar_one())
        rows = connection.execute(query.order_by(feed_table.c.id.desc()).limit(page.limit).offset(page.offset))
        items: list[dict[str, Any]] = [dict(row._mapping) for row in rows]
    return Page(items=items, **page_info(page, total).model_dump())
