"""What of a letter is searchable: the SearchEntry rows for a batch of letters, built with a fixed
number of queries per batch (never one per letter), so reindexing stays in bounded memory and
time whatever the batch holds."""

from collections import defaultdict

from esurat.letters.models import Letter, Recipient
from esurat.search.models import AttachmentText, LetterText, SearchEntry
from esurat.search.text import fold, strip_tags

LETTER_FIELDS = (
    "pk", "government_id", "agency_id", "kind_id", "classification_id", "origin", "state",
    "security", "subject", "body", "summary", "number", "sender_number", "letter_date",
    "received_on", "created_at", "sent_at", "sender__name", "agency__name", "agency__short_name",
)  # fmt: skip


def _recipient_names(letter_ids) -> dict[int, list[str]]:
    names = defaultdict(list)
    rows = Recipient.objects.filter(letter_id__in=letter_ids).order_by("id").values_list(
        "letter_id", "position__title", "position__agency__name", "position__agency__short_name",
        "agency__name", "agency__short_name", "external__name",
    )  # fmt: skip
    for letter_id, *parts in rows:
        names[letter_id].extend(p for p in parts if p)
    return names


def entries_for(letter_ids) -> list[SearchEntry]:
    """Unsaved SearchEntry rows for these letters (those that exist), in id order."""
    letter_ids = list(letter_ids)
    letters = Letter.objects.filter(pk__in=letter_ids).order_by("pk").values(*LETTER_FIELDS)
    recipients = _recipient_names(letter_ids)
    scans = dict(
        LetterText.objects.filter(letter_id__in=letter_ids, state=LetterText.State.DONE)
        .values_list("letter_id", "text")
    )  # fmt: skip
    attached = defaultdict(list)
    for letter_id, text in (
        AttachmentText.objects.filter(attachment__letter_id__in=letter_ids,
                                      state=LetterText.State.DONE)
        .order_by("attachment_id").values_list("attachment__letter_id", "text")
    ):  # fmt: skip
        attached[letter_id].append(text)
    entries = []
    for row in letters.iterator(chunk_size=500):
        pk = row["pk"]
        names = [row["sender__name"], row["agency__name"], row["agency__short_name"]]
        body = " ".join((strip_tags(row["body"]), row["summary"], scans.get(pk, ""),
                         *attached.get(pk, [])))  # fmt: skip
        entries.append(
            SearchEntry(
                letter_id=pk, government_id=row["government_id"], agency_id=row["agency_id"],
                kind_id=row["kind_id"], classification_id=row["classification_id"],
                origin=row["origin"], state=row["state"], security=row["security"],
                dated=row["letter_date"] or row["received_on"] or row["created_at"].date(),
                sort_at=row["sent_at"] or row["created_at"],
                title=fold(row["subject"]),
                numbers=fold(f"{row['number']} {row['sender_number']}"),
                names=fold(" ".join(n for n in names + recipients.get(pk, []) if n)),
                body=fold(body),
            )
        )  # fmt: skip
    return entries
