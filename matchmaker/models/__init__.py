"""All models, by domain. Import from here: `from matchmaker.models import Worker`."""
from matchmaker.models.audit import AuditEntry
from matchmaker.models.changes import MatchingChange
from matchmaker.models.notifications import Notification
from matchmaker.models.orgs import Enterprise, School, Village
from matchmaker.models.pairings import Pairing, PairingActivity
from matchmaker.models.placements import FollowUp, Placement
from matchmaker.models.policy import KpiTarget, PolicySetting
from matchmaker.models.referrals import JobInvitation, Referral, ReferralStep
from matchmaker.models.regions import Park, Region, Trade, TradeAlias
from matchmaker.models.schools import OrderClass, OrderClassStudent, ParkSchoolLink
from matchmaker.models.users import ApiToken, Invitation, LedgerLinkRequest, User
from matchmaker.models.vacancies import Vacancy, VacancyTrade
from matchmaker.models.workers import Certificate, TrainingRecord, WantedTrade, Worker, WorkerSkill

__all__ = [
    "ApiToken", "AuditEntry", "Certificate", "Enterprise", "FollowUp", "Invitation", "JobInvitation", "KpiTarget", "LedgerLinkRequest", "MatchingChange", "Notification", "OrderClass",
    "OrderClassStudent", "Pairing", "PairingActivity", "Park", "ParkSchoolLink", "Placement", "PolicySetting",
    "Referral", "ReferralStep", "Region", "School", "Trade", "TradeAlias", "TrainingRecord", "User", "Vacancy",
    "VacancyTrade", "Village", "WantedTrade", "Worker", "WorkerSkill",
]
