"""What a browser may keep for reading offline (the service worker, templates/pwa/sw.js).

A page about a secret (R/SR) letter is never stored on the device: it is answered `no-store`
and marked `X-Esurat-Secret`, and the service worker stores neither. List pages wrap a secret
letter's subject in <!--esurat:secret-->…<!--/esurat:secret-->; the service worker replaces
what is between the marks before it stores the page.
"""

from django.utils.cache import patch_cache_control

SECRET_HEADER = "X-Esurat-Secret"


def keep_off_device(response, letter):
    """Mark the response to a page showing `letter` so no cache keeps it if the letter is secret."""
    if letter.is_narrow:
        patch_cache_control(response, no_store=True, private=True)
        response[SECRET_HEADER] = "1"
    return response
