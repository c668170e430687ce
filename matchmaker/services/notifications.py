"""In-app notifications: who hears about what, and each user's own list.

A notification keeps a kind and its parameters, not text: the message is made when it is read, in the reader's
language (a status is kept as its code and labelled then). The hooks below are called by other services inside
their own transaction, so a notification exists exactly when the change it tells about was committed."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from matchmaker.extensions import db
from matchmaker.matching.errors import UnknownRecord
from matchmaker.models import JobInvitation, Notification, Pairing, Referral, User, Vacancy, Village, Worker
from matchmaker.orm import utcnow
from matchmaker.services import matching
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.vocabulary import label


@dataclass(frozen=True)
class Kind:
    template: object  # a lazy string with %(name)s parameters
    labels: tuple[tuple[str, str], ...] = ()  # (param, vocabulary kind): codes shown as labels when read


KINDS: dict[str, Kind] = {
    "referral_nominated": Kind(_l("%(village)s推荐了 %(worker)s 应聘“%(vacancy)s”。")),
    "referral_applied": Kind(_l("%(worker)s 申请了“%(vacancy)s”。")),
    "referral_moved": Kind(_l("%(worker)s的推荐（%(vacancy)s）已变为：%(status)s"),
                           (("status", "referral_status"),)),
    "vacancy_match": Kind(_l("对口企业%(enterprise)s发布了新岗位“%(vacancy)s”，与您的匹配度为 %(score)s 分。")),
    "vacancy_match_village": Kind(_l("对口企业%(enterprise)s发布了新岗位“%(vacancy)s”，本村有 %(count)s 人匹配度在 "
                                     "%(threshold)s 分以上。")),
    "invitation_sent": Kind(_l("%(enterprise)s邀请 %(worker)s 应聘“%(vacancy)s”，请查看后答复。")),
    "invitation_accepted": Kind(_l("%(worker)s 接受了您的邀请，应聘“%(vacancy)s”。")),
    "invitation_declined": Kind(_l("候选人 %(worker)s 谢绝了“%(vacancy)s”的应聘邀请。")),
    "invitation_lapsed_filled": Kind(_l("%(enterprise)s的“%(vacancy)s”已招满，给 %(worker)s 的应聘邀请已失效。")),
    "invitation_lapsed_worker": Kind(_l("候选人 %(worker)s 已无法应聘，“%(vacancy)s”的应聘邀请已失效。")),
    "pairing_approved": Kind(_l("人社部门已批准%(enterprise)s与%(village)s的一企一村结对。")),
    "pairing_rejected": Kind(_l("人社部门未批准（或终止了）%(enterprise)s与%(village)s的一企一村结对：%(reason)s")),
    "park_link_approved": Kind(_l("人社部门已批准与%(park)s的园校对接。")),
    "park_link_declined": Kind(_l("人社部门未批准与%(park)s的园校对接：%(reason)s")),
    "pairing_proposed": Kind(_l("%(party)s向您发起一企一村结对申请。")),
    "pairing_accepted": Kind(_l("%(party)s同意了一企一村结对。")),
    "pairing_declined": Kind(_l("%(party)s拒绝了一企一村结对申请。")),
    "ledger_link_requested": Kind(_l("%(name)s 申请将求职账号与本村台账记录关联，请核实身份后处理。")),
    "ledger_link_confirmed": Kind(_l("%(village)s已将您的账号与台账记录关联，可以查看为您推荐的岗位了。")),
    "ledger_link_declined": Kind(_l("%(village)s未能关联您的台账记录：%(reason)s")),
}

PER_PAGE = 20
# A new vacancy from a paired enterprise: who counts as a strong match, and how many per village are told.
MATCH_THRESHOLD = 70
MATCH_PER_VILLAGE = 20
MATCH_MAX_VILLAGES = 50


class _Blank(dict):
    """Parameters for %-formatting: a key the template wants but the row lacks shows empty, never an error."""

    def __missing__(self, key):
        return ""


def render(notification: Notification) -> str:
    """The message in the current locale."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return _("（无法显示的通知）")
    params = _Blank(notification.params or {})
    for name, vocabulary in kind.labels:
        params[name] = label(vocabulary, params.get(name))
    return str(kind.template) % params


def link_to(endpoint: str, **values) -> str:
    """A notification's link: a local path, or "" where there is none to build."""
    try:
        return url_for(endpoint, _external=False, **values)
    except (RuntimeError, BuildError):  # a CLI run without SERVER_NAME, or a page not there: no link, no failure
        return ""


# --- writing -----------------------------------------------------------------------------------------------------

def notify(user_ids, kind: str, link: str = "", **params) -> int:
    """Add one notification per user (duplicates and None dropped) to the caller's transaction."""
    assert kind in KINDS, kind
    ids = sorted({int(u) for u in user_ids if u is not None})
    db.session.add_all([Notification(user_id=uid, kind=kind, link=(link or "")[:200], params=params) for uid in ids])
    return len(ids)


def _users_by(role: str, column, keys) -> dict[int, set[int]]:
    """The active users of a role, by the enterprise, village or worker (``column``) they belong to."""
    found: dict[int, set[int]] = defaultdict(set)
    for key, user_id in db.session.execute(select(column, User.id).where(
            User.role == role, User.active.is_(True), column.in_(set(keys)))):
        found[key].add(user_id)
    return found


def _staff_of_enterprise(enterprise_ids) -> set[int]:
    return set().union(*_users_by("enterprise", User.enterprise_id, enterprise_ids).values())


def _coordinators_of(village_ids) -> set[int]:
    return set().union(*_users_by("coordinator", User.village_id, village_ids).values())


def _seekers_of(worker_ids) -> set[int]:
    return set().union(*_users_by("seeker", User.worker_id, worker_ids).values())


def _village_of_worker(worker: Worker) -> Village | None:
    return db.session.scalar(select(Village).where(Village.region_id == worker.home_region_id))


def referrals_created(actor: User, referrals: list[Referral]) -> None:
    """A nomination or an application reaches the enterprise's staff."""
    if not referrals:
        return
    vacancy = referrals[0].vacancy
    staff = _staff_of_enterprise([vacancy.enterprise_id]) - {actor.id}
    link = link_to("referrals.inbox")
    # A coordinator nominates only their own village's workers: its name once, not a query per worker.
    village = actor.village.name if actor.role == "coordinator" and actor.village is not None else ""
    for r in referrals:
        if r.channel == "nomination":
            notify(staff, "referral_nominated", link, village=village, worker=r.worker.name, vacancy=vacancy.title)
        elif r.channel == "invitation":
            notify(staff, "invitation_accepted", link, worker=r.worker.name, vacancy=vacancy.title)
        else:
            notify(staff, "referral_applied", link, worker=r.worker.name, vacancy=vacancy.title)


def referral_moved(actor: User | None, referral: Referral) -> None:
    """A step (shortlist … hire, reject, withdraw) reaches the parties other than the actor's own: the worker's
    seeker account, the nominating village's coordinators, the enterprise's staff. With no actor (a referral
    expiring on its own) every party hears."""
    parties = {"seeker": _seekers_of([referral.worker_id]),
               "enterprise": _staff_of_enterprise([referral.vacancy.enterprise_id]),
               "coordinator": set()}
    if referral.channel in ("nomination", "invitation"):  # the coordinator put them forward or was asked too
        village = _village_of_worker(referral.worker)
        parties["coordinator"] = _coordinators_of([village.id]) if village else set()
    role, actor_id = getattr(actor, "role", None), getattr(actor, "id", None)
    recipients = set().union(*(ids for r, ids in parties.items() if r != role)) - {actor_id}
    notify(recipients, "referral_moved", link_to("referrals.inbox"), worker=referral.worker.name,
           vacancy=referral.vacancy.title, status=referral.status)


def invitation_sent(invitation) -> None:
    """The worker's side hears of it: their seeker account and their village's coordinators."""
    village = _village_of_worker(invitation.worker)
    recipients = _seekers_of([invitation.worker_id]) | (_coordinators_of([village.id]) if village else set())
    notify(recipients, "invitation_sent", link_to("invitations.index"), enterprise=invitation.vacancy.enterprise.name,
           worker=invitation.worker.name, vacancy=invitation.vacancy.title)


def invitation_declined(invitation) -> None:
    """The enterprise hears of a refusal without learning the name: no referral, no personal data."""
    notify(_staff_of_enterprise([invitation.vacancy.enterprise_id]), "invitation_declined",
           link_to("enterprise.candidates", vacancy_id=invitation.vacancy_id),
           worker=invitation.worker.name[:1] + "*", vacancy=invitation.vacancy.title)


def _invitations(invitation_ids) -> list:
    return db.session.scalars(select(JobInvitation).where(JobInvitation.id.in_(invitation_ids)).options(
        joinedload(JobInvitation.worker), joinedload(JobInvitation.vacancy).joinedload(Vacancy.enterprise))).all()


def invitations_lapsed_vacancy_filled(invitation_ids) -> None:
    """Each invited worker's side hears that the vacancy filled before they answered. A vacancy may have many
    invitations: the recipients come in three queries, whatever their number."""
    invitations = _invitations(invitation_ids)
    seekers = _users_by("seeker", User.worker_id, [i.worker_id for i in invitations])
    village_of = dict(db.session.execute(select(Village.region_id, Village.id).where(
        Village.region_id.in_({i.worker.home_region_id for i in invitations}))).all())
    coordinators = _users_by("coordinator", User.village_id, village_of.values())
    for invitation in invitations:
        village_id = village_of.get(invitation.worker.home_region_id)
        notify(seekers[invitation.worker_id] | coordinators[village_id], "invitation_lapsed_filled",
               link_to("invitations.index"), enterprise=invitation.vacancy.enterprise.name,
               worker=invitation.worker.name, vacancy=invitation.vacancy.title)


def invitations_lapsed_worker_hired(invitation_ids, hired_by: int | None) -> None:
    """Each other enterprise that invited the worker hears that the invitation lapsed, not why: where someone
    now works is not theirs to learn. The enterprise that hired them knows."""
    invitations = [i for i in _invitations(invitation_ids) if i.vacancy.enterprise_id != hired_by]
    staff = _users_by("enterprise", User.enterprise_id, [i.vacancy.enterprise_id for i in invitations])
    for invitation in invitations:
        notify(staff[invitation.vacancy.enterprise_id], "invitation_lapsed_worker",
               link_to("enterprise.candidates", vacancy_id=invitation.vacancy_id),
               worker=invitation.worker.name[:1] + "*", vacancy=invitation.vacancy.title)


def pairing_changed(actor: User, pairing: Pairing, kind: str) -> None:
    """A proposal, acceptance or refusal reaches the other party's staff, naming the actor's side."""
    if actor.role == "enterprise":
        recipients, party = _coordinators_of([pairing.village_id]), pairing.enterprise.name
    else:
        recipients, party = _staff_of_enterprise([pairing.enterprise_id]), pairing.village.name
    notify(recipients - {actor.id}, kind, link_to("pairings.index"), party=party)


def pairing_decided(pairing: Pairing, approved: bool, reason: str = "") -> None:
    """A bureau's decision reaches both parties: the enterprise's staff and the village's coordinators."""
    recipients = _staff_of_enterprise([pairing.enterprise_id]) | _coordinators_of([pairing.village_id])
    notify(recipients, "pairing_approved" if approved else "pairing_rejected", link_to("pairings.index"),
           enterprise=pairing.enterprise.name, village=pairing.village.name, reason=reason)


def park_link_decided(link, approved: bool, reason: str = "") -> None:
    """A bureau's decision on a park–school link reaches the school's staff."""
    staff = set(db.session.scalars(select(User.id).where(User.role == "school", User.active.is_(True),
                                                         User.school_id == link.school_id)))
    notify(staff, "park_link_approved" if approved else "park_link_declined", link_to("school.links"),
           park=link.park.name, reason=reason)


def vacancy_published(vacancy: Vacancy) -> None:
    """A vacancy published for the first time by an enterprise with active pairings: the paired villages' workers
    it ranks highly (≥ MATCH_THRESHOLD, the best MATCH_PER_VILLAGE of each village) hear of it on their seeker
    account, and each paired village's coordinators get one summary. One engine call covers every paired
    village (its paired-only filter); call it before the vacancy's own change is noted, so the index is not
    advanced past this uncommitted transaction."""
    village_rows = db.session.execute(
        select(Village.id, Village.region_id).join(Pairing, Pairing.village_id == Village.id)
        .where(Pairing.enterprise_id == vacancy.enterprise_id, Pairing.status == "active")
        .limit(MATCH_MAX_VILLAGES)).all()
    if not village_rows:
        return
    try:
        ranking = matching.current().index.rank_workers(
            vacancy.id, k=MATCH_PER_VILLAGE * len(village_rows), statuses=("available", "nominated"),
            paired_only=True)
    except UnknownRecord:  # not in the index (yet): nobody to tell about a match
        ranking = None
    strong = [(int(i), float(t)) for i, t in zip(ranking.ids, ranking.totals)] if ranking is not None else []
    strong = [(i, t) for i, t in strong if t >= MATCH_THRESHOLD]
    home = dict(db.session.execute(select(Worker.id, Worker.home_region_id)
                                   .where(Worker.id.in_([i for i, _t in strong]))).all()) if strong else {}
    by_region: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for worker_id, total in strong:  # best first already
        if len(by_region[home.get(worker_id)]) < MATCH_PER_VILLAGE:
            by_region[home.get(worker_id)].append((worker_id, total))
    enterprise = vacancy.enterprise.name
    seekers = dict(db.session.execute(select(User.worker_id, User.id).where(
        User.role == "seeker", User.active.is_(True),
        User.worker_id.in_([i for rows in by_region.values() for i, _t in rows]))).all()) if by_region else {}
    seeker_link = link_to("seeker.vacancy", vacancy_id=vacancy.id) or link_to("seeker.recommended")
    for rows in by_region.values():
        for worker_id, total in rows:
            if worker_id in seekers:
                notify([seekers[worker_id]], "vacancy_match", seeker_link, enterprise=enterprise,
                       vacancy=vacancy.title, score=int(round(total)))
    coordinators = db.session.execute(select(User.id, User.village_id).where(
        User.role == "coordinator", User.active.is_(True),
        User.village_id.in_([v for v, _r in village_rows]))).all()
    link = link_to("referrals.nominate", vacancy_id=vacancy.id)
    for village_id, region_id in village_rows:
        notify([u for u, v in coordinators if v == village_id], "vacancy_match_village", link,
               enterprise=enterprise, vacancy=vacancy.title, count=len(by_region.get(region_id, [])),
               threshold=MATCH_THRESHOLD)


# --- reading: only ever the actor's own --------------------------------------------------------------------------

# Built once: building and keying a statement costs as much as running it.
_UNREAD_COUNT = select(func.count(Notification.id)).where(Notification.user_id == bindparam("user_id"),
                                                          Notification.read_at.is_(None))

# The same count as a column of the query that loads the signed-in user (accounts.load_session_user), which keeps
# it on the user as `unread_at_load` with the transaction it was read in: every page shows it in the top bar, and
# so it costs no round trip of its own.
UNREAD_COUNT_OF_USER = (select(func.count(Notification.id))
                        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
                        .correlate(User).scalar_subquery())


def unread_count(actor: User) -> int:
    """As it was when the actor was loaded, while that transaction lasts (marking read, or anything else that
    commits, ends it); else counted now."""
    known = getattr(actor, "unread_at_load", None)
    if known is not None and known[0] is not None and known[0] is db.session().get_transaction():
        return known[1]
    return db.session.scalar(_UNREAD_COUNT, {"user_id": actor.id}) or 0


def page_of(actor: User, page: int = 1, per_page: int = PER_PAGE, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return db.paginate(query.order_by(Notification.created_at.desc(), Notification.id.desc()), page=page,
                       per_page=per_page, error_out=False)


def _own(actor: User, notification_id: int) -> Notification:
    """Another user's notification is as good as missing: 404, never a hint that it exists."""
    n = db.session.get(Notification, notification_id)
    if n is None or actor is None or n.user_id != actor.id:
        raise NotFound(_("找不到该通知。"))
    return n


def mark_read(actor: User, notification_id: int) -> Notification:
    n = _own(actor, notification_id)
    if n.read_at is None:
        n.read_at = utcnow()
        db.session.commit()
    return n


def open_link(actor: User, notification_id: int) -> str:
    """Mark read and return where it points (the caller checks that the link is local)."""
    return mark_read(actor, notification_id).link


def mark_all_read(actor: User) -> int:
    if actor is None or not getattr(actor, "id", None):
        raise DomainError(_("请先登录。"))
    now: datetime = utcnow()
    done = db.session.execute(update(Notification).where(Notification.user_id == actor.id,
                                                         Notification.read_at.is_(None))
                              .values(read_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return done
