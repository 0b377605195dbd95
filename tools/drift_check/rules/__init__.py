"""The rule catalogue: one module per rule, each with a stable code. FL010 has no check of its
own: suppressions are applied after every other rule ran (`tools.drift_check.suppress`)."""

from __future__ import annotations

from tools.drift_check.rules.base import Rule, RuleInfo
from tools.drift_check.rules.fl001_server_timeout import ServerTimeout
from tools.drift_check.rules.fl002_client_timeout_map import ClientTimeoutMap
from tools.drift_check.rules.fl003_retired_reference import RetiredReference
from tools.drift_check.rules.fl004_unknown_url import UnknownUrl
from tools.drift_check.rules.fl005_app_map import AppMap
from tools.drift_check.rules.fl006_app_definition import AppDefinition
from tools.drift_check.rules.fl007_workflow_deploy import WorkflowDeploy
from tools.drift_check.rules.fl008_docs import Docs
from tools.drift_check.rules.fl009_modal_limits import ModalLimits
from tools.drift_check.rules.fl010_unused_suppression import UnusedSuppression
from tools.drift_check.rules.fl011_generated_file import GeneratedFile
from tools.drift_check.rules.fl012_modal_resources import ModalResources
from tools.drift_check.rules.fl013_docs_config import DocsConfig
from tools.drift_check.rules.fl014_serve_target import ServeTarget
from tools.drift_check.rules.fl015_unread_setting import UnreadSetting
from tools.drift_check.rules.fl016_modal_api import ModalApi
from tools.drift_check.rules.fl017_unused_secret import UnusedSecret

CHECKS: tuple[Rule, ...] = (
    ServerTimeout(),
    ClientTimeoutMap(),
    RetiredReference(),
    UnknownUrl(),
    AppMap(),
    AppDefinition(),
    WorkflowDeploy(),
    Docs(),
    ModalLimits(),
    GeneratedFile(),
    ModalResources(),
    DocsConfig(),
    ServeTarget(),
    UnreadSetting(),
    ModalApi(),
    UnusedSecret(),
)
ALL_RULES: tuple[RuleInfo, ...] = tuple(
    sorted((*CHECKS, UnusedSuppression()), key=lambda rule: rule.code)
)
RULES_BY_CODE: dict[str, RuleInfo] = {rule.code: rule for rule in ALL_RULES}
# Rules whose finding in one file can depend on another (FL012 reads the constants of the
# modules an app file imports; FL015 all the code that may read a setting, FL017 all the code
# that may look a secret up). They check every registry app, or every file, whatever files are
# named, so a check of the changed files replaces all their earlier findings.
ACROSS_FILES: frozenset[str] = frozenset(
    {ModalResources.code, UnreadSetting.code, UnusedSecret.code}
)
