"""The office's roles as Wagtail groups, and the one function that sets their permissions.

`ensure_roles` takes an app registry so that the data migration (historical models) and the test
suite (after a transactional test flushed the database) set up exactly the same thing.
"""

from dataclasses import dataclass, field

CONTRIBUTOR = "Cộng tác viên"
EXPERT_REVIEWER = "Chuyên gia thẩm định"
EDITOR = "Biên tập viên"
DESK_VERIFIER = "Kiểm chứng viên"
DESK_LEAD = "Trưởng nhóm kiểm chứng"
MODERATOR = "Điều phối viên cộng đồng"
UNIT_ADMIN = "Quản trị đơn vị"
TRAINING_MANAGER = "Quản lý đào tạo"

# Page permissions granted on the tree's root, so they hold for every page of every site.
WRITE_PAGES = ["add_page"]
PUBLISH_PAGES = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Collection permissions on the root collection, for images and documents.
USE_MEDIA = ["add_image", "choose_image", "add_document", "choose_document"]
MANAGE_MEDIA = USE_MEDIA + ["change_image", "delete_image", "change_document", "delete_document"]


@dataclass(frozen=True)
class Role:
    """A group name and what its members may do."""

    name: str
    model_permissions: list[str] = field(default_factory=list)  # "app_label.codename"
    page_permissions: list[str] = field(default_factory=list)
    collection_permissions: list[str] = field(default_factory=list)


ADMIN_ACCESS = "wagtailadmin.access_admin"
# Scorecards: everyone who leads work sees them; unit admins set targets and enter reach.
SCORECARDS_VIEW = ["scorecards.view_target"]
SCORECARDS_MANAGE = [
    f"scorecards.{action}_{model}"
    for model in ("target", "reachentry")
    for action in ("add", "change", "delete", "view")
]
# Channels: editors publish to the office's accounts; unit admins configure the accounts.
CHANNELS_PUBLISH = ["channels.add_publication", "channels.view_publication", "channels.view_channelaccount"]
CHANNELS_ACCOUNTS = [f"channels.{action}_channelaccount" for action in ("add", "change", "delete", "view")]
# The verified accounts directory and the monitored feeds (intake), kept by desk leads.
INTAKE_DIRECTORY = [
    f"intake.{action}_{model}"
    for model in ("officialaccount", "feedsource")
    for action in ("add", "change", "delete", "view")
]

# The contributor network: contributors pitch; editors assign, decide pitches and invite; desk leads
# request explainers for claims; unit admins invite people to their units.
NETWORK_PITCH = ["network.add_pitch"]
NETWORK_ASSIGN = ["network.add_assignment", "network.view_assignment"]
NETWORK_INVITE = ["network.add_invitation", "network.view_invitation"]
NETWORK_EDIT = [
    *NETWORK_ASSIGN,
    "network.change_assignment",
    "network.view_pitch",
    "network.change_pitch",
    *NETWORK_INVITE,
]

# Response targets per harm category (desk.SlaTarget), set by unit admins.
DESK_SLA_TARGETS = [f"desk.{action}_slatarget" for action in ("add", "change", "delete", "view")]
# Partner API keys (citydesk/api): unit admins make and revoke them for their units.
API_KEYS = ["api.add_partnerkey", "api.change_partnerkey", "api.view_partnerkey"]

# Community moderators decide on readers' stories and comments (and escalate to the desk).
COMMUNITY_MODERATE = ["community.change_story", "community.change_comment", "community.view_story"]

# Training (citydesk/training): desk leads turn published clarifications into cases; training managers assign
# courses to their units' people and see those people's answers and scores.
TRAINING_CASES = ["training.add_case", "training.change_case", "training.view_case"]
TRAINING_MANAGE = [
    "training.manage_training",
    "training.add_courseassignment",
    "training.view_courseassignment",
    "training.view_attempt",
]

ROLES = [
    # Writes and submits for review; "add_page" lets Wagtail edit one's own drafts, never publish.
    Role(CONTRIBUTOR, [ADMIN_ACCESS, *NETWORK_PITCH], WRITE_PAGES, USE_MEDIA),
    # Subject experts who take the first review step; they approve or ask for changes.
    Role(EXPERT_REVIEWER, [ADMIN_ACCESS], [], ["choose_image", "choose_document"]),
    Role(
        EDITOR,
        [
            ADMIN_ACCESS,
            "core.view_unit",
            "core.add_contributorprofile",
            "core.change_contributorprofile",
            "core.view_contributorprofile",
            *CHANNELS_PUBLISH,
            *NETWORK_EDIT,
            *COMMUNITY_MODERATE,  # editors feature readers' stories and may take the queue
            *SCORECARDS_VIEW,
        ],
        PUBLISH_PAGES,
        MANAGE_MEDIA,
    ),
    # The desk: verifiers triage, gather evidence and propose; leads also approve (second pair of eyes).
    Role(DESK_VERIFIER, [ADMIN_ACCESS, "desk.view_claim", "desk.verify_claim"], [], ["add_image", "choose_image"]),
    Role(
        DESK_LEAD,
        [
            ADMIN_ACCESS,
            "desk.view_claim",
            "desk.verify_claim",
            "desk.approve_verdict",
            *INTAKE_DIRECTORY,
            *SCORECARDS_VIEW,
            *NETWORK_ASSIGN,
            "core.view_contributorprofile",
            *TRAINING_CASES,
        ],
        [],
        ["add_image", "choose_image"],
    ),
    Role(MODERATOR, [ADMIN_ACCESS, *COMMUNITY_MODERATE]),
    Role(
        UNIT_ADMIN,
        [
            ADMIN_ACCESS,
            "auth.add_user",
            "auth.change_user",
            "auth.view_user",
            "core.change_unit",
            "core.view_unit",
            "core.add_contributorprofile",
            "core.change_contributorprofile",
            "core.delete_contributorprofile",
            "core.view_contributorprofile",
            *CHANNELS_ACCOUNTS,
            *SCORECARDS_MANAGE,
            *NETWORK_INVITE,
            *DESK_SLA_TARGETS,
            *API_KEYS,
            *TRAINING_MANAGE,  # unit admins are their units' training managers too
        ],
    ),
    # Works within its units like a unit admin (its profile's unit and the units it administers).
    Role(TRAINING_MANAGER, [ADMIN_ACCESS, *TRAINING_MANAGE, *SCORECARDS_VIEW]),
]

# Roles a member of the key role may grant in the user admin; superusers grant every role. A unit admin
# brings in writers and experts; publishing in the city's name (Editor), the desk, moderation and the
# admin roles are granted by a superuser only. Unit admins work within their units (core/scoping.py).
GRANTABLE_BY = {UNIT_ADMIN: (CONTRIBUTOR, EXPERT_REVIEWER)}
# Accounts with only these roles are contributor accounts: deactivating a contributor disables their log-in.
CONTRIBUTOR_ONLY = (CONTRIBUTOR, EXPERT_REVIEWER)

# Wagtail's starter groups would sit beside ours with overlapping names ("Editors" vs "Biên tập viên").
WAGTAIL_STARTER_GROUPS = ["Moderators", "Editors"]

_MODEL_OF_CODENAME = {
    "access_admin": ("wagtailadmin", "admin"),
    "verify_claim": ("desk", "claim"),
    "approve_verdict": ("desk", "claim"),
    "manage_training": ("training", "courseassignment"),
    "add_page": ("wagtailcore", "page"),
    "change_page": ("wagtailcore", "page"),
    "publish_page": ("wagtailcore", "page"),
    "lock_page": ("wagtailcore", "page"),
    "unlock_page": ("wagtailcore", "page"),
    "add_image": ("wagtailimages", "image"),
    "change_image": ("wagtailimages", "image"),
    "delete_image": ("wagtailimages", "image"),
    "choose_image": ("wagtailimages", "image"),
    "add_document": ("wagtaildocs", "document"),
    "change_document": ("wagtaildocs", "document"),
    "delete_document": ("wagtaildocs", "document"),
    "choose_document": ("wagtaildocs", "document"),
}


def _permission(apps, app_label: str, codename: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    if codename in _MODEL_OF_CODENAME:
        app_label, model = _MODEL_OF_CODENAME[codename]
    else:
        model = codename.split("_", 1)[1]
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": "Can " + codename.replace("_", " ")}
    )
    return permission


def ensure_roles(apps) -> None:
    """Create the role groups and (re)apply their permissions; safe to run many times."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        group.permissions.set([_permission(apps, *qualified.split(".", 1)) for qualified in role.model_permissions])
        if root_page is not None:
            GroupPagePermission.objects.filter(group=group).delete()
            for codename in role.page_permissions:
                GroupPagePermission.objects.create(
                    group=group, page=root_page, permission=_permission(apps, "wagtailcore", codename)
                )
        if root_collection is not None:
            GroupCollectionPermission.objects.filter(group=group).delete()
            for codename in role.collection_permissions:
                GroupCollectionPermission.objects.create(
                    group=group, collection=root_collection, permission=_permission(apps, "", codename)
                )


def remove_wagtail_starter_groups(apps) -> None:
    """Drop the groups Wagtail creates for a blank project; citydesk's roles replace them."""
    apps.get_model("auth", "Group").objects.filter(name__in=WAGTAIL_STARTER_GROUPS).delete()
