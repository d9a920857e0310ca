"""POST data for Wagtail's article editor, as the browser sends it."""

import json


def _paragraph(text: str) -> str:
    # Draftail's content state: what the rich-text editor posts for one plain paragraph.
    block = {"key": "a", "text": text, "type": "unstyled", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


def article_form(
    *,
    title="",
    slug="",
    lead="",
    unit_id="",
    paragraphs=(),
    contributor_ids=(),
    byline_ids=(),
    block_ids=(),
    action: str | None = None,
) -> dict:
    """Form data for the add/edit views; action is e.g. "action-submit" or "action-publish".

    byline_ids are the ids of bylines already saved, in the order of the first contributor_ids; block_ids
    the ids of the body's blocks already saved (the browser sends them back), in order.
    """
    data = {"title": title, "slug": slug, "lead": lead, "unit": unit_id, "main_image": "", "main_image_alt": ""}
    data["body-count"] = str(len(paragraphs))
    for index, text in enumerate(paragraphs):
        data.update(
            {
                f"body-{index}-type": "paragraph",
                f"body-{index}-deleted": "",
                f"body-{index}-order": str(index),
                f"body-{index}-value": _paragraph(text),
                f"body-{index}-id": block_ids[index] if index < len(block_ids) else "",
            }
        )
    data.update({"bylines-TOTAL_FORMS": str(len(contributor_ids)), "bylines-INITIAL_FORMS": str(len(byline_ids))})
    for index, contributor_id in enumerate(contributor_ids):
        data.update(
            {
                f"bylines-{index}-contributor": contributor_id,
                f"bylines-{index}-ORDER": str(index + 1),
                f"bylines-{index}-DELETE": "",
                f"bylines-{index}-id": byline_ids[index] if index < len(byline_ids) else "",
            }
        )
    data.update({"comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0"})
    for prefix in ("bylines", "comments"):
        data.update({f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    if action:
        data[action] = action
    return data


def edit_form(article, *, action: str | None = None) -> dict:
    """Form data that saves an existing article unchanged (with its bylines), then does action."""
    return article_form(
        title=article.title,
        slug=article.slug,
        lead=article.lead,
        unit_id=article.unit_id,
        paragraphs=[article.body_text()],
        contributor_ids=[byline.contributor_id for byline in article.bylines.all()],
        byline_ids=[byline.pk for byline in article.bylines.all()],
        block_ids=[block.id for block in article.body][:1],
        action=action,
    )
