"""Gzip for pages: the HTML of a list or the compose page shrinks 4–8 times on a phone's link.

Compressing a page that holds a secret next to text an attacker chooses opens it to BREACH
(guessing the secret from the compressed size over many requests). Why it is acceptable here:

- the secrets a page holds are the CSRF token, which Django masks with a new random value in
  every response, so nothing repeats for the attacker to match;
- Django's GZipMiddleware pads each response with 0–100 random bytes ("Heal the Breach"), so one
  size tells little and a guess needs many times more requests;
- the session cookie is SameSite=Lax: another site's page cannot make the browser send the
  many logged-in requests the attack needs (fetches, images, frames carry no session), only
  whole-page navigations, which the user sees.

Only text (HTML, JSON, CSV): PDFs, images and scans are compressed already and would cost CPU for
nothing. Static files never reach this middleware: WhiteNoise, before it, serves their gzip and
brotli copies made by `collectstatic`.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/", "application/json", "application/problem+json")


class PageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for text responses only."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
