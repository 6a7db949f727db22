"""Course evaluations: opening one and handing out its links, answering through a
link, keying in a paper form, closing. The design that keeps the answers anonymous
even to whoever reads the database or the logs is argued in docs/anonymity.md:

- a link is a *ticket* minted in an anonymous, shuffled batch; nothing stored says
  whose it is (a named slip is printed once and forgotten; a ticket for someone's
  own page is sealed to their personal link, in a box that names no one);
- an answer to an open evaluation is stored encrypted under a key the database does
  not hold, and written out as scores and comments, shuffled and with random ids,
  only when the evaluation closes;
- figures and comments exist only for closed evaluations, so reading twice tells
  nothing but the count.

This module gathers the public names of the modules that hold them: ``opening``
(tickets and slips), ``answering`` (links and paper forms), ``closing`` (the
shuffled write-out), ``status`` (where it stands, its closing day), ``comments``
(review), ``own`` (the participant's own page), on ``state`` (what they share) and
``policies`` (who may).
"""

from __future__ import annotations

from course.evaluations.answering import (
    MAX_COMMENT,
    REJECTIONS_ALLOWED,
    TICKET_COLUMNS,
    TOKEN_REJECTED,
    WINDOW,
    answer,
    check_answer,
    key_in_paper,
    link_state,
)
from course.evaluations.closing import close_due, new_comment_ref
from course.evaluations.comments import (
    COMMENT_AREAS,
    REF_RE,
    REVIEW_STATUSES,
    CommentOut,
    comment_order,
    comments_for_review,
    review_comment,
)
from course.evaluations.opening import LinkOut, Opened, extra_slip, open_evaluation
from course.evaluations.own import OwnEvaluation, own_evaluation, own_evaluations
from course.evaluations.policies import ANSWERS, may_review
from course.evaluations.state import (
    CLOSED_MESSAGE,
    CLOSES_AFTER,
    FULL_MESSAGE,
    LATEST_CLOSE,
    NOT_OPEN_MESSAGE,
)
from course.evaluations.status import Status, change_evaluation, evaluation_status

__all__ = [
    "ANSWERS",
    "CLOSED_MESSAGE",
    "CLOSES_AFTER",
    "COMMENT_AREAS",
    "FULL_MESSAGE",
    "LATEST_CLOSE",
    "MAX_COMMENT",
    "NOT_OPEN_MESSAGE",
    "REF_RE",
    "REJECTIONS_ALLOWED",
    "REVIEW_STATUSES",
    "TICKET_COLUMNS",
    "TOKEN_REJECTED",
    "WINDOW",
    "CommentOut",
    "LinkOut",
    "Opened",
    "OwnEvaluation",
    "Status",
    "answer",
    "change_evaluation",
    "check_answer",
    "close_due",
    "comment_order",
    "comments_for_review",
    "evaluation_status",
    "extra_slip",
    "key_in_paper",
    "link_state",
    "may_review",
    "new_comment_ref",
    "open_evaluation",
    "own_evaluation",
    "own_evaluations",
    "review_comment",
]
