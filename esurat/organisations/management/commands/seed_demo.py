"""Fill an empty database with the demo city, Kota Banua Raya, and letters in every state.

Everything goes through the real actions (do_*), so the demo data obeys the same rules, numbers,
inbox rows and audit trail as real use. Safe to run at every `make run`: when the demo government
exists already it says so and changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from esurat.dispositions import actions as dispositions
from esurat.dispositions.models import Instruction
from esurat.letters import actions, incoming
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import Classification, Letter, LetterKind
from esurat.lib.dates import long_date_id
from esurat.organisations.access import Seat, seats_of
from esurat.organisations.demo import (
    DEMO_PASSWORD,
    GOVERNMENT_NAME,
    MORE_PERSONAS,
    PERSONAS,
    DemoCity,
    add_more_people,
    build_demo_city,
    demo_emblem_png,
)
from esurat.organisations.models import Assignment, Government
from esurat.signing import actions as signing_actions
from esurat.signing.ca import CAError, create_ca

KOMINFO = "Diskominfo"
KADIS = "Kepala Dinas Komunikasi dan Informatika"
KABID = "Kepala Bidang Aplikasi Informatika"
KABID_SANDI = "Kepala Bidang Persandian dan Statistik"

REFUSED_WITHOUT_DEBUG = (
    "seed_demo creates accounts whose password ({password}) is published in the README, so it "
    "is meant for a development or demonstration machine. DEBUG is off here, which usually means "
    "a production server. Run it with DEBUG=1, or add --force if this database really should "
    "hold the demo city."
)


def p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


@dataclass
class Demo:
    """Drives the letter loop as the demo people, through the same actions the views call."""

    city: DemoCity
    password: str

    def user(self, username):
        return self.city.users[username]

    def seat(self, username, *, position=None) -> Seat:
        """The user's own (holder) seat, or their seat at `position` (e.g. as Plh)."""
        for seat in seats_of(self.user(username)):
            if position is None and not seat.acting_as:
                return seat
            if position is not None and seat.position.pk == position.pk:
                return seat
        raise CommandError(f"{username} has no seat at {position}")

    # Recipients as the drafting form gives them to do_create_draft.
    def head_of(self, agency, kind="to"):
        return {"kind": kind, "target": "agency", "agency": self.city.agencies[agency]}

    def post(self, agency, title, kind="to"):
        return {"kind": kind, "target": "position", "position": self.city.position(agency, title)}

    def everyone_in(self, agency, kind="to"):
        return {"kind": kind, "target": "agency_all", "agency": self.city.agencies[agency]}

    def everyone(self, kind="to"):
        return {"kind": kind, "target": "government_all"}

    def draft(self, username, *, kind, classification, subject, body, to, signatory,
              reviewers=(), security="B", urgency="biasa", qualifier="",
              seat=None, cosignatories=()) -> Letter:  # fmt: skip
        return actions.do_create_draft(
            seat=seat or self.seat(username), user=self.user(username),
            kind=LetterKind.objects.get(code=kind),
            classification=Classification.objects.get(code=classification),
            security=security, urgency=urgency, subject=subject, body=body, recipients=list(to),
            reviewers=[self.city.position(*r) for r in reviewers],
            signatory=self.city.position(*signatory), qualifier=qualifier,
            cosignatories=[self.city.position(*c) for c in cosignatories],
        )  # fmt: skip

    def _seat_for(self, username, letter, action) -> Seat:
        seat = seat_for_action(self.user(username), letter, action)
        if seat is None:
            raise CommandError(f"{username} cannot {action} «{letter.subject}» ({letter.state})")
        return seat

    def submit(self, letter, username) -> Letter:
        seat = self._seat_for(username, letter, Action.SUBMIT)
        return actions.do_submit(letter=letter, seat=seat, user=self.user(username))

    def approve(self, letter, username) -> Letter:
        seat = self._seat_for(username, letter, Action.REVIEW)
        return actions.do_review(letter=letter, seat=seat, user=self.user(username), approve=True)

    def send_back(self, letter, username, note) -> Letter:
        seat = self._seat_for(username, letter, Action.REVIEW)
        return actions.do_review(letter=letter, seat=seat, user=self.user(username),
                                 approve=False, note=note)  # fmt: skip

    def sign(self, letter, username) -> Letter:
        seat = self._seat_for(username, letter, Action.SIGN)
        return actions.do_sign(letter=letter, seat=seat, user=self.user(username),
                               password=self.password, secret=self.password)  # fmt: skip

    def send(self, letter, drafter, *, reviewers=(), signer) -> Letter:
        """Submit, approve by each reviewer in turn, sign: the letter is delivered."""
        letter = self.submit(letter, drafter)
        for reviewer in reviewers:
            letter = self.approve(letter, reviewer)
        return self.sign(letter, signer)

    def read(self, letter, *usernames) -> None:
        for username in usernames:
            user = self.user(username)
            actions.do_mark_read(letter=letter, user=user, seats=seats_of(user))


def build_letters(demo: Demo) -> None:
    """The demo's letters: every state of the loop, between Diskominfo, Setda, Dinas PUPR,
    Dinkes and Bappeda, so that every account with a position finds its inbox in use."""
    city = demo.city
    today = city.government.today()
    meeting = long_date_id(today + datetime.timedelta(days=7))
    musrenbang = long_date_id(today + datetime.timedelta(days=14))
    kadis, kabid = (KOMINFO, KADIS), (KOMINFO, KABID)
    sekda = ("Setda", "Sekretaris Daerah")

    # Kabid Persandian is vacant: Kabid Aptika is its Plh. (acting, day-to-day) for a month.
    now = timezone.now()
    vacant = city.position(KOMINFO, KABID_SANDI)
    Assignment.objects.create(
        position=vacant, user=demo.user("kabid.aptika"), kind=Assignment.Kind.PLH,
        starts_at=now - datetime.timedelta(days=3), ends_at=now + datetime.timedelta(days=30),
        note="Surat Perintah Kepala Dinas Nomor 800.1.11.1/012/DISKOMINFO",
    )  # fmt: skip

    # Sent to everyone in the government, signed by the Sekda on behalf of the Wali Kota.
    letter = demo.draft(
        "kabag.umum", kind="pengumuman", classification="000.8.3", qualifier="a.n.",
        subject="Hari Libur Nasional dan Cuti Bersama Tahun 2026",
        body=p("Berdasarkan Keputusan Bersama Menteri Agama, Menteri Ketenagakerjaan, dan Menteri "
               "Pendayagunaan Aparatur Negara dan Reformasi Birokrasi tentang Hari Libur Nasional "
               "dan Cuti Bersama Tahun 2026, diumumkan kepada seluruh Aparatur Sipil Negara di "
               "lingkungan Pemerintah Kota Banua Raya hal-hal sebagai berikut.",
               "Daftar hari libur nasional dan cuti bersama telah dimuat dalam aplikasi e-Surat "
               "dan diperhitungkan dalam batas waktu penyelesaian disposisi.",
               "Pelayanan publik yang bersifat langsung kepada masyarakat tetap berjalan dengan "
               "pengaturan piket oleh masing-masing Perangkat Daerah."),
        to=[demo.everyone()], signatory=sekda,
    )  # fmt: skip
    letter = demo.send(letter, "kabag.umum", signer="sekda")
    demo.read(letter, "staf.aptika", "kabid.aptika", "kadis.pupr", "agendaris.kominfo")

    # Sent to everyone in Diskominfo; drafted by the Sekretaris Dinas.
    letter = demo.draft(
        "sekdis.kominfo", kind="surat-edaran", classification="500.12.6",
        subject="Penggunaan Aplikasi e-Surat di Lingkungan Dinas Komunikasi dan Informatika",
        body=p("Dalam rangka uji coba penyelenggaraan naskah dinas secara elektronik, seluruh "
               "pegawai Dinas Komunikasi dan Informatika diminta:",
               "1. membuka aplikasi e-Surat setiap hari kerja paling lambat pukul 08.00 WITA;",
               "2. menyusun, memaraf dan menandatangani naskah dinas melalui aplikasi e-Surat;",
               "3. menindaklanjuti disposisi sesuai batas waktu yang ditetapkan.",
               "Demikian untuk dilaksanakan dengan penuh tanggung jawab."),
        to=[demo.everyone_in(KOMINFO)], signatory=kadis,
    )  # fmt: skip
    letter = demo.send(letter, "sekdis.kominfo", signer="kadis.kominfo")
    demo.read(letter, "staf.aptika", "agendaris.kominfo")

    # Sent, not yet read: Diskominfo asks Dinas PUPR for data.
    letter = demo.draft(
        "staf.aptika", kind="surat-dinas", classification="500.12.16", urgency="segera",
        subject="Permohonan Data Ruas Jalan untuk Pengembangan Peta Digital Kota",
        body=p("Dalam rangka pengembangan Peta Digital Kota Banua Raya sebagai bagian dari "
               "kebijakan Satu Data Indonesia, kami mohon bantuan Bapak untuk menyampaikan data "
               "ruas jalan kota (nama ruas, panjang, lebar, kondisi dan koordinat) dalam format "
               "shapefile atau GeoJSON.",
               "Data tersebut kami harapkan dapat diterima paling lambat 14 (empat belas) hari "
               "kerja sejak surat ini diterima. Narahubung: Muhammad Rizky Pratama, S.Kom. "
               "(Bidang Aplikasi Informatika).",
               "Atas perhatian dan kerja sama Bapak, kami ucapkan terima kasih."),
        to=[demo.head_of("Dinas PUPR"), demo.post(*sekda, kind="cc")],
        reviewers=[kabid], signatory=kadis,
    )  # fmt: skip
    demo.send(letter, "staf.aptika", reviewers=["kabid.aptika"], signer="kadis.kominfo")

    # Sent and read: a report to the Sekda.
    letter = demo.draft(
        "staf.aptika", kind="laporan", classification="500.12.19",
        subject="Laporan Pelaksanaan Uji Coba Aplikasi e-Surat Tahap I",
        body=p("Bersama ini kami laporkan pelaksanaan uji coba aplikasi e-Surat tahap I pada "
               "Dinas Komunikasi dan Informatika, Dinas Pekerjaan Umum dan Penataan Ruang, serta "
               "Sekretariat Daerah.",
               "Selama dua minggu uji coba, 86% naskah dinas internal disampaikan secara "
               "elektronik, rata-rata naskah dibuka dalam 3 jam kerja sejak diterima, dan "
               "penggunaan kertas berkurang sekitar 1.200 lembar.",
               "Kami merekomendasikan perluasan penggunaan e-Surat ke seluruh Perangkat Daerah "
               "mulai bulan depan."),
        to=[demo.post(*sekda)], reviewers=[kabid], signatory=kadis,
    )  # fmt: skip
    letter = demo.send(letter, "staf.aptika", reviewers=["kabid.aptika"], signer="kadis.kominfo")
    demo.read(letter, "sekda")

    # A secret (R) letter to the Wali Kota: the Sekdis, as the Kadis's delegate, cannot see it.
    letter = demo.draft(
        "kabid.aptika", kind="nota-dinas", classification="500.12.10", security="R",
        urgency="sangat_segera",
        subject="Laporan Insiden Keamanan Siber pada Server Aplikasi Kepegawaian",
        body=p("Pada hari Senin pukul 02.15 WITA tim CSIRT Kota Banua Raya mendeteksi akses "
               "tidak sah pada server aplikasi kepegawaian. Server telah diisolasi dan layanan "
               "dialihkan ke server cadangan.",
               "Dugaan sementara, celah keamanan berasal dari akun pengelola yang kata sandinya "
               "bocor. Seluruh kata sandi pengelola telah diganti dan investigasi forensik sedang "
               "berjalan bersama BSSN.",
               "Kami mohon arahan Bapak Wali Kota terkait penyampaian informasi kepada publik."),
        to=[demo.post("Wali Kota", "Wali Kota Banua Raya"), demo.post(*sekda, kind="cc")],
        signatory=kadis,
    )  # fmt: skip
    demo.send(letter, "kabid.aptika", signer="kadis.kominfo")

    # An acting official: Kabid Aptika drafts and signs as Plh. Kabid Persandian.
    letter = demo.draft(
        "kabid.aptika", kind="nota-dinas", classification="500.12.10",
        seat=demo.seat("kabid.aptika", position=vacant),
        subject="Laporan Hasil Uji Keamanan Aplikasi Layanan Publik Triwulan III",
        body=p("Bersama ini kami sampaikan hasil uji keamanan (penetration test) terhadap 12 "
               "aplikasi layanan publik Pemerintah Kota Banua Raya pada triwulan III.",
               "Ditemukan 3 kerentanan tingkat tinggi dan 7 tingkat sedang; seluruh kerentanan "
               "tingkat tinggi telah ditutup oleh pengembang aplikasi masing-masing.",
               "Laporan lengkap tersimpan pada Bidang Persandian dan Statistik."),
        to=[demo.post(*kadis)], signatory=(KOMINFO, KABID_SANDI),
    )  # fmt: skip
    letter = demo.send(letter, "kabid.aptika", signer="kabid.aptika")
    demo.read(letter, "kadis.kominfo")

    # A draft, changed once (two versions), and a second one in Dinas PUPR.
    letter = demo.draft(
        "staf.aptika", kind="nota-dinas", classification="500.12.15",
        subject="Permohonan Penambahan Kapasitas Penyimpanan Server",
        body=p("Kapasitas penyimpanan server aplikasi telah terpakai 87%."),
        to=[demo.post(KOMINFO, "Sekretaris Dinas")], signatory=kabid,
    )  # fmt: skip
    actions.do_update_draft(
        letter=letter, seat=demo.seat("staf.aptika"), user=demo.user("staf.aptika"),
        note="Menambahkan rincian kebutuhan",
        body=p("Kapasitas penyimpanan server aplikasi telah terpakai 87% dan diperkirakan penuh "
               "dalam tiga bulan. Kami mohon penambahan kapasitas sebesar 20 TB melalui "
               "perubahan anggaran tahun berjalan."),
    )  # fmt: skip
    demo.draft(
        "staf.pupr", kind="surat-undangan", classification="600.1.9",
        subject="Undangan Sosialisasi Rencana Preservasi Jalan Kota Tahun 2027",
        body=p("Dengan hormat, kami mengundang Saudara untuk hadir pada sosialisasi rencana "
               f"preservasi jalan kota tahun 2027 pada tanggal {meeting}."),
        to=[demo.head_of("Kec. Banua Utara"), demo.head_of("Kec. Banua Selatan")],
        signatory=("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
    )  # fmt: skip

    # In review: waiting for the Kabid's paraf.
    letter = demo.draft(
        "staf.aptika", kind="surat-dinas", classification="500.12.16",
        subject="Permohonan Data Jumlah Tenaga Kesehatan untuk Dasbor Satu Data",
        body=p("Dalam rangka penyusunan Dasbor Satu Data Kota Banua Raya, kami mohon bantuan "
               "Ibu untuk menyampaikan data jumlah tenaga kesehatan per puskesmas per 30 Juni "
               "tahun berjalan.",
               "Data dapat disampaikan melalui portal data kota atau dibalas melalui e-Surat."),
        to=[demo.head_of("Dinkes"), demo.head_of("Bappeda", kind="cc")],
        reviewers=[kabid], signatory=kadis,
    )  # fmt: skip
    demo.submit(letter, "staf.aptika")

    # Returned by the Kabid with a note.
    letter = demo.draft(
        "staf.aptika", kind="surat-undangan", classification="000.1.5",
        subject="Undangan Rapat Koordinasi Forum Satu Data Indonesia Tingkat Kota",
        body=p("Dengan hormat, kami mengundang Bapak/Ibu untuk hadir pada rapat koordinasi "
               "Forum Satu Data Indonesia tingkat kota."),
        to=[demo.head_of("Bappeda"), demo.head_of("Dinkes"), demo.head_of("Dinas PUPR"),
            demo.post(*sekda, kind="cc")],
        reviewers=[kabid], signatory=kadis,
    )  # fmt: skip
    letter = demo.submit(letter, "staf.aptika")
    demo.send_back(letter, "kabid.aptika", "Mohon lengkapi hari, tanggal, waktu dan tempat rapat, "
                   "serta lampirkan daftar undangan.")  # fmt: skip

    # Awaiting the Kadis's signature.
    letter = demo.draft(
        "staf.aptika", kind="surat-undangan", classification="000.1.5", urgency="segera",
        subject="Undangan Rapat Koordinasi Pengembangan Aplikasi Layanan Publik Terintegrasi",
        body=p("Dalam rangka pengembangan aplikasi layanan publik terintegrasi Kota Banua Raya, "
               "kami mengundang Bapak/Ibu untuk hadir pada:",
               f"hari/tanggal: {meeting}<br>pukul: 09.00 WITA s.d. selesai<br>tempat: Ruang "
               "Rapat Diskominfo, Jl. Pramuka No. 3, Banua Raya<br>acara: penyusunan peta "
               "proses bisnis layanan publik",
               "Mengingat pentingnya acara tersebut, kehadiran Bapak/Ibu sangat kami harapkan."),
        to=[demo.head_of("Dinkes"), demo.head_of("Bappeda"), demo.head_of("Dinas PUPR"),
            demo.post(*sekda, kind="cc")],
        reviewers=[kabid], signatory=kadis,
    )  # fmt: skip
    letter = demo.submit(letter, "staf.aptika")
    demo.approve(letter, "kabid.aptika")

    # A joint letter: signed by the Kadis, now waiting for the co-signature of the Kadis PUPR.
    letter = demo.draft(
        "staf.aptika", kind="surat-dinas", classification="000.1.2.3",
        subject="Penyampaian Rencana Bersama Penataan Jaringan Serat Optik di Ruang Milik Jalan",
        body=p("Dalam rangka penataan jaringan serat optik di ruang milik jalan, Dinas Komunikasi "
               "dan Informatika bersama Dinas Pekerjaan Umum dan Penataan Ruang menyampaikan "
               "rencana bersama penataan jaringan tahun 2027 sebagaimana terlampir.",
               "Mohon arahan Bapak Sekretaris Daerah atas rencana tersebut."),
        to=[demo.post(*sekda)], reviewers=[kabid], signatory=kadis,
        cosignatories=[("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")],
    )  # fmt: skip
    letter = demo.submit(letter, "staf.aptika")
    letter = demo.approve(letter, "kabid.aptika")
    demo.sign(letter, "kadis.kominfo")

    # A draft that was abandoned.
    letter = demo.draft(
        "staf.aptika", kind="nota-dinas", classification="000.3.1",
        subject="Permohonan Pengadaan Perangkat Jaringan Nirkabel",
        body=p("Sudah tercakup dalam rencana pengadaan tahun berjalan."),
        to=[demo.post(KOMINFO, "Sekretaris Dinas")], signatory=kabid,
    )  # fmt: skip
    actions.do_withdraw_draft(letter=letter, seat=demo.seat("staf.aptika"),
                              user=demo.user("staf.aptika"))  # fmt: skip

    # A letter sent with the wrong date, revoked by the Kadis; its correction is being drafted.
    letter = demo.draft(
        "staf.aptika", kind="nota-dinas", classification="000.1.2.3",
        subject="Jadwal Pemeliharaan Jaringan Intra Pemerintah",
        body=p("Pemeliharaan jaringan dilaksanakan pada hari Sabtu pukul 22.00 WITA."),
        to=[demo.head_of("Dinas PUPR")], reviewers=[kabid], signatory=kadis,
    )  # fmt: skip
    letter = demo.send(letter, "staf.aptika", reviewers=["kabid.aptika"], signer="kadis.kominfo")
    letter = signing_actions.do_revoke_letter(
        letter=letter, seat=demo.seat("kadis.kominfo"), user=demo.user("kadis.kominfo"),
        reason="Tanggal pemeliharaan salah; diganti dengan ralat.",
    )  # fmt: skip
    signing_actions.do_supersede(letter=letter, seat=demo.seat("staf.aptika"),
                                 user=demo.user("staf.aptika"))  # fmt: skip

    # Dinkes asks Diskominfo for help; the Kadis disposes it to the Kabid, who reads it.
    letter = demo.draft(
        "kadis.dinkes", kind="surat-dinas", classification="400.7.7", urgency="segera",
        subject="Permohonan Dukungan Pengembangan Aplikasi Pendaftaran Imunisasi Anak",
        body=p("Dalam rangka meningkatkan cakupan imunisasi dasar lengkap, Dinas Kesehatan "
               "berencana menyediakan pendaftaran imunisasi anak secara daring di seluruh "
               "puskesmas.",
               "Sehubungan dengan hal tersebut, kami mohon dukungan Dinas Komunikasi dan "
               "Informatika dalam pengembangan aplikasi dan penyediaan server.",
               "Atas perhatian dan kerja samanya diucapkan terima kasih."),
        to=[demo.head_of(KOMINFO), demo.post(*kabid, kind="cc"),
            demo.head_of("Bappeda", kind="cc")],
        signatory=("Dinkes", "Kepala Dinas Kesehatan"),
    )  # fmt: skip
    letter = demo.send(letter, "kadis.dinkes", signer="kadis.dinkes")
    demo.read(letter, "kadis.kominfo")
    dispositions.do_dispose(
        letter=letter, seat=demo.seat("kadis.kominfo"), user=demo.user("kadis.kominfo"),
        to_positions=[city.position(*kabid)],
        instructions=list(Instruction.objects.filter(
            name__in=["Teliti dan beri pendapat", "Siapkan konsep jawaban"])),
        note="Mohon dikaji kebutuhan server dan siapkan konsep jawaban.",
    )  # fmt: skip
    dispositions.do_mark_read(letter=letter, user=demo.user("kabid.aptika"),
                              seats=seats_of(demo.user("kabid.aptika")))  # fmt: skip

    # Bappeda invites several agencies; two heads have read it.
    letter = demo.draft(
        "kaban.bappeda", kind="surat-undangan", classification="000.7.1",
        subject="Undangan Musyawarah Perencanaan Pembangunan (Musrenbang) Kota Tahun 2027",
        body=p("Dalam rangka penyusunan Rencana Kerja Pemerintah Daerah (RKPD) Kota Banua Raya "
               "Tahun 2027, kami mengundang Bapak/Ibu untuk hadir pada Musrenbang tingkat kota:",
               f"hari/tanggal: {musrenbang}<br>pukul: 08.00 WITA s.d. selesai<br>tempat: "
               "Aula Bappeda Kota Banua Raya",
               "Bapak/Ibu diminta membawa usulan program prioritas Perangkat Daerah masing-"
               "masing."),
        to=[demo.head_of(KOMINFO), demo.head_of("Dinas PUPR"), demo.head_of("Dinkes"),
            demo.post(*sekda, kind="cc")],
        signatory=("Bappeda", "Kepala Badan Perencanaan Pembangunan Daerah"),
    )  # fmt: skip
    letter = demo.send(letter, "kaban.bappeda", signer="kaban.bappeda")
    demo.read(letter, "kadis.pupr", "kadis.dinkes")

    # Dinas PUPR asks Diskominfo for accounts; the Kabid (tembusan) has read it.
    letter = demo.draft(
        "staf.pupr", kind="surat-dinas", classification="500.12.6",
        subject="Permohonan Pembuatan Akun e-Surat bagi Pegawai Bidang Bina Marga",
        body=p("Sehubungan dengan penerapan aplikasi e-Surat, kami mohon dibuatkan akun bagi 14 "
               "(empat belas) pegawai Bidang Bina Marga sebagaimana daftar terlampir.",
               "Demikian permohonan ini kami sampaikan, atas kerja samanya diucapkan terima "
               "kasih."),
        to=[demo.head_of(KOMINFO), demo.post(*kabid, kind="cc")],
        signatory=("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
    )  # fmt: skip
    letter = demo.send(letter, "staf.pupr", signer="kadis.pupr")
    demo.read(letter, "kabid.aptika")

    # The Setda writes to the Wali Kota (telaahan staf), who has read it.
    letter = demo.draft(
        "kabag.umum", kind="telaahan-staf", classification="500.12.6",
        subject="Telaahan Staf tentang Penerapan Tanda Tangan Elektronik di Lingkungan Pemkot",
        body=p("Persoalan: naskah dinas masih ditandatangani secara manual sehingga "
               "penyelesaiannya lambat ketika pimpinan berada di luar kantor.",
               "Praanggapan: sertifikat elektronik dari BSrE dapat diperoleh tanpa biaya bagi "
               "pejabat penandatangan.",
               "Saran: Bapak Wali Kota berkenan menetapkan Peraturan Wali Kota tentang "
               "penggunaan tanda tangan elektronik dalam penyelenggaraan naskah dinas."),
        to=[demo.post("Wali Kota", "Wali Kota Banua Raya")], signatory=sekda,
    )  # fmt: skip
    letter = demo.send(letter, "kabag.umum", signer="sekda")
    demo.read(letter, "walikota")

    register_incoming(demo)


def register_incoming(demo: Demo) -> None:
    """Letters from outside, registered by the clerks: sent on, left for routing, and filed."""
    today = demo.city.government.today()
    year = today.year
    common = {"channel": "paper", "scan": None, "enclosures": 1, "security": "B",
              "kind": LetterKind.objects.get(code="surat-dinas")}  # fmt: skip

    def register(clerk, agency, *, sender, number, days_ago, classification, **fields):
        return incoming.do_register_incoming(
            user=demo.user(clerk), agency=demo.city.agencies[agency], sender_name=sender,
            sender_number=number, sender_date=today - datetime.timedelta(days=days_ago),
            received_on=today, classification=Classification.objects.get(code=classification),
            **{**common, **fields},
        )  # fmt: skip

    # Sent to the Kadis; the Sekdis (delegate) prepares a disposition for the Kadis to approve.
    letter = register(
        "agendaris.kominfo", KOMINFO,
        sender="Kementerian Komunikasi dan Digital Republik Indonesia",
        number=f"B-1187/DJAI/AI.02.01/{year}", days_ago=4, classification="500.12.16",
        urgency="segera", channel="email",
        subject="Permintaan Data Statistik Sektoral Bidang Komunikasi dan Informatika",
        summary="Pengisian data statistik sektoral melalui portal paling lambat akhir bulan.",
    )  # fmt: skip
    letter = incoming.do_send_to_head(letter=letter, user=demo.user("agendaris.kominfo"),
                                      note="Mohon arahan Bapak/Ibu Kepala Dinas.")  # fmt: skip
    sekdis = demo.user("sekdis.kominfo")
    delegate_seat = next(s for s in seats_of(sekdis) if s.is_delegate)
    dispositions.do_dispose(
        letter=letter, seat=delegate_seat, user=sekdis,
        to_positions=[demo.city.position(KOMINFO, KABID)],
        instructions=list(Instruction.objects.filter(name="Untuk ditindaklanjuti")),
        note="Koordinasikan dengan Bidang Persandian dan Statistik.",
    )  # fmt: skip

    # Registered, waiting for the clerk to send it on.
    register(
        "agendaris.kominfo", KOMINFO,
        sender="Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        number=f"B/412/D.3/HK.02.02/{year}", days_ago=3, classification="000.8.6",
        urgency="biasa", kind=LetterKind.objects.get(code="surat-undangan"),
        subject="Undangan Rapat Koordinasi Nasional Sistem Pemerintahan Berbasis Elektronik",
    )  # fmt: skip

    # Filed without disposition.
    letter = register(
        "agendaris.kominfo", KOMINFO, sender="PT Nusantara Data Prima",
        number=f"045/NDP-MKT/{year}", days_ago=6, classification="000.3.1", urgency="biasa",
        subject="Penawaran Kerja Sama Layanan Internet Dedicated",
    )  # fmt: skip
    incoming.do_file_without_disposition(letter=letter, user=demo.user("agendaris.kominfo"),
                                         note="Penawaran; disimpan sebagai referensi.")  # fmt: skip

    # A citizen's complaint to Dinas PUPR, sent to the Kadis.
    letter = register(
        "agendaris.pupr", "Dinas PUPR", sender="Ketua RT 05 Kelurahan Banua Utara",
        number="012/RT05/BU", days_ago=2, classification="600.1.9", urgency="segera",
        subject="Pengaduan Kerusakan Jalan di Jalan Melati RT 05 Kelurahan Banua Utara",
        summary="Jalan berlubang sepanjang kurang lebih 200 meter, membahayakan pengendara.",
    )  # fmt: skip
    incoming.do_send_to_head(letter=letter, user=demo.user("agendaris.pupr"))


class Command(BaseCommand):
    help = (
        "Create the demo city Kota Banua Raya, its accounts (password demo-esurat) and letters "
        "in every state. Does nothing when the demo city exists. Development machines only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (not recommended)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(REFUSED_WITHOUT_DEBUG.format(password=DEMO_PASSWORD))
        if Government.objects.filter(name=GOVERNMENT_NAME).exists():
            self.stdout.write(
                f"The demo city ({GOVERNMENT_NAME}) exists already; nothing to do. To start "
                "over, delete the database (var/esurat.sqlite3) and run this again."
            )
            return
        started = timezone.now()
        try:
            with transaction.atomic():
                city = build_demo_city(password=DEMO_PASSWORD)
                # A made-up emblem for the letterheads, never a real city's lambang.
                city.government.logo.save("lambang-banua-raya.png", ContentFile(demo_emblem_png()))
                add_more_people(city, password=DEMO_PASSWORD)
                if settings.SIGNING_PROVIDER == "local":
                    # The demo city's own CA; each signatory's certificate is issued at their
                    # first signature below, protected by the demo password as passphrase.
                    create_ca(city.government)
                build_letters(Demo(city, DEMO_PASSWORD))
        except CAError as exc:
            raise CommandError(
                f"The demo city's certificate authority could not be created: {exc} Set "
                "ESURAT_CA_PASSPHRASE, or SIGNING_PROVIDER=recorded to seed without PDF signatures."
            ) from exc
        except (actions.ActionRefused, ValidationError) as exc:
            raise CommandError(f"The demo letters could not be created: {exc}") from exc
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(
            f"Created {GOVERNMENT_NAME} in {seconds:.1f} s: "
            f"{Letter.objects.filter(government=city.government).count()} letters."
        ))  # fmt: skip
        self.stdout.write(f"Log in at /accounts/login/ with password {DEMO_PASSWORD} as:")
        if settings.SIGNING_PROVIDER == "local":
            self.stdout.write(f"(signing passphrase of the demo signatories: {DEMO_PASSWORD})")
        for username in [*PERSONAS, *MORE_PERSONAS]:
            self.stdout.write(f"  {username}")
