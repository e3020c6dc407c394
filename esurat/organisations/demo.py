"""The demo city, Kota Banua Raya: its organisation and the named accounts.

Shared by `seed_demo` and the tests' personas (conftest), so both speak of the same people.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password

from esurat.accounts.models import Role, User
from esurat.organisations.holidays import add_national_days
from esurat.organisations.models import Agency, Assignment, Government, Position, Unit

DEMO_PASSWORD = "demo-esurat"
GOVERNMENT_NAME = "Pemerintah Kota Banua Raya"

# (short_name, name, unit_code, kind, head title, [(unit, [positions under the head])])
AGENCIES = [
    ("Setda", "Sekretariat Daerah", "SETDA", "secretariat", "Sekretaris Daerah",
     [("Bagian Umum", ["Kepala Bagian Umum"]), ("Bagian Hukum", ["Kepala Bagian Hukum"]),
      ("Bagian Organisasi", ["Kepala Bagian Organisasi"])]),
    ("Diskominfo", "Dinas Komunikasi dan Informatika", "DISKOMINFO", "office",
     "Kepala Dinas Komunikasi dan Informatika",
     [("Sekretariat", ["Sekretaris Dinas"]),
      ("Bidang Aplikasi Informatika", ["Kepala Bidang Aplikasi Informatika"]),
      ("Bidang Informasi dan Komunikasi Publik",
       ["Kepala Bidang Informasi dan Komunikasi Publik"]),
      ("Bidang Persandian dan Statistik", ["Kepala Bidang Persandian dan Statistik"])]),
    ("Dinas PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "office",
     "Kepala Dinas Pekerjaan Umum dan Penataan Ruang",
     [("Sekretariat", ["Sekretaris Dinas"]), ("Bidang Bina Marga", ["Kepala Bidang Bina Marga"]),
      ("Bidang Sumber Daya Air", ["Kepala Bidang Sumber Daya Air"]),
      ("Bidang Penataan Ruang", ["Kepala Bidang Penataan Ruang"])]),
    ("Dinkes", "Dinas Kesehatan", "DINKES", "office", "Kepala Dinas Kesehatan",
     [("Sekretariat", ["Sekretaris Dinas"]),
      ("Bidang Pelayanan Kesehatan", ["Kepala Bidang Pelayanan Kesehatan"]),
      ("Bidang Pencegahan dan Pengendalian Penyakit", ["Kepala Bidang P2P"])]),
    ("Bappeda", "Badan Perencanaan Pembangunan Daerah", "BAPPEDA", "board",
     "Kepala Badan Perencanaan Pembangunan Daerah",
     [("Sekretariat", ["Sekretaris Badan"]),
      ("Bidang Perencanaan Infrastruktur", ["Kepala Bidang Perencanaan Infrastruktur"])]),
    ("Disdik", "Dinas Pendidikan", "DISDIK", "office", "Kepala Dinas Pendidikan",
     [("Sekretariat", ["Sekretaris Dinas"]), ("Bidang SD", ["Kepala Bidang Pembinaan SD"])]),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "BKPSDM", "board",
     "Kepala Badan Kepegawaian dan Pengembangan SDM",
     [("Sekretariat", ["Sekretaris Badan"]), ("Bidang Mutasi", ["Kepala Bidang Mutasi"])]),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "board",
     "Kepala Badan Pengelolaan Keuangan dan Aset Daerah",
     [("Sekretariat", ["Sekretaris Badan"]), ("Bidang Anggaran", ["Kepala Bidang Anggaran"])]),
    ("Satpol PP", "Satuan Polisi Pamong Praja", "SATPOLPP", "office",
     "Kepala Satuan Polisi Pamong Praja", [("Sekretariat", ["Sekretaris"])]),
    ("Kec. Banua Utara", "Kecamatan Banua Utara", "KEC.BU", "district", "Camat Banua Utara",
     [("Sekretariat Kecamatan", ["Sekretaris Camat"])]),
    ("Kec. Banua Selatan", "Kecamatan Banua Selatan", "KEC.BS", "district",
     "Camat Banua Selatan", [("Sekretariat Kecamatan", ["Sekretaris Camat"])]),
]  # fmt: skip

# username → (full name, NIP, agency short name, position title or None)
PERSONAS = {
    "walikota": ("H. Ahmad Fauzan, S.E., M.Si.", None, "Wali Kota", "Wali Kota Banua Raya"),
    "sekda": ("Dr. Rahmat Hidayat, M.Si.", "197002101995031002", "Setda", "Sekretaris Daerah"),
    "kadis.kominfo": ("Ir. Siti Rahmawati, M.T.", "197505122000032003", "Diskominfo",
                      "Kepala Dinas Komunikasi dan Informatika"),
    "sekdis.kominfo": ("Budi Santoso, S.Sos.", "198003152005011004", "Diskominfo",
                       "Sekretaris Dinas"),
    "kabid.aptika": ("Dewi Lestari, S.Kom., M.Kom.", "198207202008012005", "Diskominfo",
                     "Kepala Bidang Aplikasi Informatika"),
    "staf.aptika": ("Muhammad Rizky Pratama, S.Kom.", "199409092019031006", "Diskominfo",
                    "Pranata Komputer Ahli Pertama"),
    "agendaris.kominfo": ("Nurul Hasanah", "198811112010012007", "Diskominfo",
                          "Pengadministrasi Umum"),
    "kadis.pupr": ("Ir. Bambang Wijaya, M.T.", "197201011998031008", "Dinas PUPR",
                   "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
    "agendaris.pupr": ("Sri Wahyuni", "198506062009022009", "Dinas PUPR",
                       "Pengadministrasi Umum"),
    "staf.pupr": ("Andi Saputra, S.T.", "199203032018011010", "Dinas PUPR", "Teknik Jalan"),
    "admin": ("Admin Pemda (Diskominfo)", None, None, None),
}  # fmt: skip


def password_hash(password: str) -> str:
    """One hash for all demo accounts (hashing takes a third of a second each time).

    The demo password is public, so a PBKDF2 hash gets fewer rounds: signing the demo letters,
    which checks the password each time, stays fast. Django re-hashes it at full strength on the
    account's first login.
    """
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=50_000)
    return make_password(password)


@dataclass
class DemoCity:
    government: Government
    agencies: dict[str, Agency]
    positions: dict[tuple[str, str], Position]
    users: dict[str, User]

    def position(self, agency: str, title: str) -> Position:
        return self.positions[(agency, title)]


def build_demo_city(*, password: str = DEMO_PASSWORD) -> DemoCity:
    """Create the government, its agencies, units, positions and the named accounts."""
    gov = Government.objects.create(
        name=GOVERNMENT_NAME, short_name="Kota Banua Raya",
        address="Jl. Jenderal Sudirman No. 1, Banua Raya",
    )  # fmt: skip
    add_national_days(gov)  # the shipped calendar, as `manage.py load_holidays` gives it
    agencies, positions = {}, {}

    leader = Agency.objects.create(government=gov, name="Wali Kota Banua Raya",
                                   short_name="Wali Kota", unit_code="WK", kind="leadership",
                                   address=gov.address)  # fmt: skip
    agencies[leader.short_name] = leader
    wk = Position.objects.create(agency=leader, title="Wali Kota Banua Raya", is_head=True,
                                 can_sign=True)  # fmt: skip
    positions[("Wali Kota", wk.title)] = wk

    for short, name, unit_code, kind, head_title, units in AGENCIES:
        slug = unit_code.lower().replace(".", "")
        agency = Agency.objects.create(
            government=gov, name=name, short_name=short, unit_code=unit_code, kind=kind,
            address=f"Jl. Pramuka No. {len(agencies) + 2}, Banua Raya",
            email=f"{slug}@banuaraya.go.id", website=f"{slug}.banuaraya.go.id",
        )  # fmt: skip
        agencies[short] = agency
        superior = wk if short == "Setda" else positions[("Setda", "Sekretaris Daerah")]
        head = Position.objects.create(agency=agency, title=head_title, is_head=True,
                                       can_sign=True, superior=superior)  # fmt: skip
        positions[(short, head_title)] = head
        for unit_name, titles in units:
            unit = Unit.objects.create(agency=agency, name=unit_name)
            for title in titles:
                p = Position.objects.create(agency=agency, unit=unit, title=title, superior=head,
                                            can_sign=True)  # fmt: skip
                positions[(short, title)] = p

    def staff(agency, title, unit_name, superior_title):
        agency_obj = agencies[agency]
        unit = Unit.objects.get(agency=agency_obj, name=unit_name)
        p = Position.objects.create(agency=agency_obj, unit=unit, title=title,
                                    superior=positions[(agency, superior_title)])  # fmt: skip
        positions[(agency, title)] = p

    staff("Diskominfo", "Pranata Komputer Ahli Pertama", "Bidang Aplikasi Informatika",
          "Kepala Bidang Aplikasi Informatika")  # fmt: skip
    staff("Diskominfo", "Pengadministrasi Umum", "Sekretariat", "Sekretaris Dinas")
    staff("Dinas PUPR", "Pengadministrasi Umum", "Sekretariat", "Sekretaris Dinas")
    staff("Dinas PUPR", "Teknik Jalan", "Bidang Bina Marga", "Kepala Bidang Bina Marga")

    users = {}
    hashed = password_hash(password)
    for username, (full_name, nip, agency, title) in PERSONAS.items():
        user = User(username=username, full_name=full_name, nip=nip, government=gov,
                    email=f"{username}@banuaraya.go.id", is_staff=username == "admin",
                    is_superuser=username == "admin", password=hashed)  # fmt: skip
        user.save()
        users[username] = user
        if title:
            p = positions[(agency, title)]
            p.holder = user
            p.save(update_fields=["holder"])
    Role.objects.create(user=users["admin"], kind=Role.Kind.GOVERNMENT_ADMIN)
    # The Wali Kota and the Sekda read the city's evaluation dashboard (esurat/reports).
    for leader in ("walikota", "sekda"):
        Role.objects.create(user=users[leader], kind=Role.Kind.LEADERSHIP)
    Role.objects.create(user=users["agendaris.kominfo"], kind=Role.Kind.CLERK,
                        agency=agencies["Diskominfo"])  # fmt: skip
    Role.objects.create(user=users["agendaris.pupr"], kind=Role.Kind.CLERK,
                        agency=agencies["Dinas PUPR"])  # fmt: skip
    # The Sekretaris Dinas is the Kadis's delegate: reads and prepares, does not decide.
    Assignment.objects.create(position=positions[("Diskominfo",
                              "Kepala Dinas Komunikasi dan Informatika")],
                              user=users["sekdis.kominfo"], kind=Assignment.Kind.DELEGATE,
                              note="Sekretaris pimpinan")  # fmt: skip
    return DemoCity(gov, agencies, positions, users)


# More people, for the demo data only (seed_demo): they write and receive the letters between
# agencies. The tests' personas (PERSONAS above, the `city` fixture) do not include them.
# username → (full name, NIP, agency short name, position title)
MORE_PERSONAS = {
    "kabag.umum": ("Hendra Gunawan, S.H., M.H.", "197904182006041012", "Setda",
                   "Kepala Bagian Umum"),
    "kadis.dinkes": ("dr. Fitriani Rahman, M.Kes.", "197806142003122011", "Dinkes",
                     "Kepala Dinas Kesehatan"),
    "kaban.bappeda": ("Ir. Yusuf Hamdani, M.T.", "197609252001121013", "Bappeda",
                      "Kepala Badan Perencanaan Pembangunan Daerah"),
}  # fmt: skip


def add_more_people(city: DemoCity, *, password: str = DEMO_PASSWORD) -> None:
    """Create the MORE_PERSONAS accounts and make each the holder of their position."""
    hashed = password_hash(password)
    for username, (full_name, nip, agency, title) in MORE_PERSONAS.items():
        user = User.objects.create(username=username, full_name=full_name, nip=nip,
                                   government=city.government, password=hashed,
                                   email=f"{username}@banuaraya.go.id")  # fmt: skip
        position = city.position(agency, title)
        position.holder = user
        position.save(update_fields=["holder"])
        city.users[username] = user


def demo_emblem_png() -> bytes:
    """The demo city's emblem: a plainly made-up shield (star, roof, river), never a real lambang.

    Drawn four times larger and scaled down, which smooths its edges without an anti-aliasing
    library; the result is a 360 × 440 PNG with a transparent background.
    """
    import io
    import math

    from PIL import Image, ImageChops, ImageDraw

    scale, (width, height) = 4, (360, 440)
    image = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def pts(*xy):
        return [(x * scale, y * scale) for x, y in xy]

    gold, navy, green, red, white = "#d4a017", "#1f3a6e", "#2e7d32", "#b71c1c", "#ffffff"
    shield = pts((20, 20), (340, 20), (340, 230), (300, 330), (180, 420), (60, 330), (20, 230))
    inner = pts((38, 38), (322, 38), (322, 226), (286, 318), (180, 398), (74, 318), (38, 226))
    draw.polygon(shield, fill=gold)
    draw.polygon(inner, fill=navy)
    # Lower field green: the land (banua); clipped to the shield by drawing into a mask.
    field = Image.new("L", image.size, 0)
    ImageDraw.Draw(field).polygon(inner, fill=255)
    land = Image.new("L", image.size, 0)
    ImageDraw.Draw(land).rectangle(pts((0, 230), (360, 440)), fill=255)
    image.paste(Image.new("RGBA", image.size, green), mask=ImageChops.multiply(field, land))
    # A five-pointed star above a roof.
    star = []
    for i in range(10):
        r = 52 if i % 2 == 0 else 21
        angle = -math.pi / 2 + i * math.pi / 5
        star.append((180 + r * math.cos(angle), 110 + r * math.sin(angle)))
    draw.polygon(pts(*star), fill=gold)
    draw.polygon(pts((100, 226), (180, 172), (260, 226)), fill=red)
    draw.rectangle(pts((122, 224), (238, 232)), fill=white)
    # Three waves: the river.
    for row in range(3):
        y = 262 + row * 26
        wave = [(x, y + 8 * math.sin((x - 60) / 240 * 4 * math.pi)) for x in range(70, 291, 4)]
        draw.line(pts(*wave), fill=white, width=7 * scale, joint="curve")
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
