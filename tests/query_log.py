"""Which queries a piece of code runs, on either engine:

    async with capture_queries() as log:
        await evaluation_report(staff, flt)
    assert log.count < 20 and log.most_parameters <= 100 and log.most_rows <= 500

Every query Piccolo runs, select, insert or raw, passes through its engine's
``run_querystring``; it is wrapped on the engine's class for the block, so the
statement is seen as compiled for that engine with its bind parameters (what
asyncpg limits to 32,767 and SQLite to its own maximum). DDL run by hand is not
seen (``run_ddl`` takes no parameters)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from course import db


@dataclass(frozen=True)
class Query:
    sql: str
    parameters: int  # how many bind parameters it sent
    rows: int  # how many rows came back
    seconds: float


@dataclass
class QueryLog:
    queries: list[Query] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.queries)

    @property
    def statements(self) -> list[str]:
        return [q.sql for q in self.queries]

    @property
    def most_parameters(self) -> int:
        return max((q.parameters for q in self.queries), default=0)

    @property
    def most_rows(self) -> int:
        return max((q.rows for q in self.queries), default=0)

    @property
    def seconds(self) -> float:
        return sum(q.seconds for q in self.queries)


@asynccontextmanager
async def capture_queries() -> AsyncIterator[QueryLog]:
    """Log the queries run on the current engine inside the block."""
    engine = db.current_engine()
    cls = type(engine)  # the engines have __slots__: the method is wrapped on the class
    original = cls.run_querystring
    own = "run_querystring" in vars(cls)  # or inherited (the SQLite engine is a subclass)
    log = QueryLog()

    async def run_querystring(self, querystring, *args, **kwargs):
        if self is not engine:
            return await original(self, querystring, *args, **kwargs)
        sql, parameters = querystring.compile_string(engine_type=self.engine_type)
        started = time.perf_counter()
        response = None
        try:
            response = await original(self, querystring, *args, **kwargs)
            return response
        finally:
            rows = len(response) if isinstance(response, list) else 0
            log.queries.append(Query(sql, len(parameters), rows, time.perf_counter() - started))

    cls.run_querystring = run_querystring  # type: ignore[method-assign]
    try:
        yield log
    finally:
        if own:
            cls.run_querystring = original  # type: ignore[method-assign]
        else:
            del cls.run_querystring
