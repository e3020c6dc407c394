"""Letters for the signing benches (bench/signing.py, bench/concurrent_signing.py): no side
effect at import, unlike the bench scripts themselves."""

PARAGRAPH = (
    "<p>Sehubungan dengan pelaksanaan program transformasi digital pemerintahan daerah, bersama "
    "ini kami sampaikan bahwa setiap perangkat daerah diminta menyiapkan data layanan, daftar "
    "aplikasi yang digunakan, serta rencana integrasi dengan sistem naskah dinas elektronik. "
    "Data tersebut menjadi dasar penyusunan peta jalan dan anggaran tahun berikutnya.</p>"
)


def awaiting_signature(city, n: int):
    """n two-page nota dinas waiting for the Kepala Dinas's signature."""
    from esurat.letters import actions
    from esurat.letters.access import Action, seat_for_action
    from esurat.letters.tests.factories import draft_nota_dinas

    letters = []
    for i in range(n):
        letter = draft_nota_dinas(city, subject=f"Peta jalan transformasi digital {i}")
        type(letter).objects.filter(pk=letter.pk).update(body=PARAGRAPH * 9)
        letter.refresh_from_db()
        for name, action in (("staf.aptika", Action.SUBMIT), ("kabid.aptika", Action.REVIEW)):
            user = city.users[name]
            seat = seat_for_action(user, letter, action)
            if action == Action.SUBMIT:
                letter = actions.do_submit(letter=letter, seat=seat, user=user)
            else:
                letter = actions.do_review(letter=letter, seat=seat, user=user, approve=True)
        letters.append(letter)
    return letters
