"""Indonesian administrative vocabulary for the search benchmark (bench/seed_search.py).

CONTENT is ordered from the most to the least frequent: words are drawn with a Zipf-like
weight 1 / (rank + 2), so "kegiatan" is in most letters (the benchmark's "most common term") and the
tail is rare. FUNCTION words are the glue of every sentence (drawn uniformly, about a third of
the tokens), as in real letters.
"""

FUNCTION = (
    "dan yang untuk dengan dalam pada di ke dari bahwa agar atas oleh sebagai tersebut serta "
    "atau akan telah dapat kepada terhadap guna sesuai berdasarkan melalui bagi para setiap "
    "tidak masih sudah belum perlu harus maka sehingga karena apabila"
).split()

CONTENT = (
    # the very common ones
    "kegiatan pelaksanaan surat rapat kota pemerintah daerah tahun anggaran dinas program "
    "laporan undangan data pegawai pelayanan evaluasi kepala bidang permohonan koordinasi "
    "pengadaan kepegawaian informasi pembangunan masyarakat sekretariat perangkat badan "
    "kecamatan kelurahan wali sekretaris bagian seksi unit kerja pejabat aparatur sipil negara "
    # common
    "peraturan keputusan instruksi edaran pemberitahuan penyampaian permintaan usulan "
    "rencana strategis pengelolaan keuangan aset barang jasa belanja pendapatan retribusi "
    "pajak monitoring pengawasan pembinaan penilaian kinerja capaian target realisasi "
    "triwulan semester bulanan tahunan jadwal agenda acara sosialisasi bimbingan teknis "
    "pelatihan workshop seminar narasumber peserta kehadiran tempat ruang gedung aula "
    "kantor alamat jalan nomor lampiran perihal hormat terima kasih perhatian kerjasama "
    "tindak lanjut hasil pemeriksaan inspektorat audit temuan rekomendasi perbaikan "
    "dokumen arsip administrasi persuratan naskah dinas tata elektronik aplikasi sistem "
    "teknologi komunikasi jaringan internet website server keamanan "
    # middle
    "kesehatan pendidikan sekolah guru siswa puskesmas rumah sakit obat vaksinasi gizi "
    "stunting sanitasi air bersih lingkungan hidup sampah kebersihan taman penghijauan "
    "jalan jembatan drainase irigasi banjir bencana kebakaran darurat evakuasi logistik "
    "transportasi parkir terminal angkutan lalu lintas pasar perdagangan industri "
    "koperasi usaha mikro kecil menengah investasi perizinan izin rekomendasi sertifikat "
    "penduduk kependudukan catatan sipil kartu keluarga akta kelahiran kematian nikah "
    "sosial bantuan miskin lansia disabilitas anak perempuan pemberdayaan keluarga "
    "pariwisata budaya olahraga pemuda festival lomba perayaan kemerdekaan upacara apel "
    "pertanian perikanan peternakan pangan pupuk benih panen nelayan "
    "perumahan permukiman tanah sertipikat pertanahan tata ruang bangunan "
    # rare
    "mutasi promosi jabatan pangkat golongan gaji tunjangan cuti pensiun disiplin "
    "absensi presensi lembur perjalanan surat-tugas uang harian honorarium kontrak "
    "tender lelang penyedia kontraktor konsultan spesifikasi harga satuan kuitansi "
    "pertanggungjawaban verifikasi validasi rekonsiliasi neraca kas bendahara "
    "hibah bansos dana alokasi khusus umum transfer desa musrenbang rpjmd renstra renja "
    "dpa rka apbd perubahan pergeseran silpa defisit pinjaman "
    "dprd paripurna reses aspirasi pengaduan keluhan survei kepuasan indeks integritas "
    "zona gratifikasi korupsi whistleblowing reformasi birokrasi spbe inovasi digital "
    "satu-data statistik geospasial peta batas wilayah koordinat "
    "linmas satpol ketertiban ketenteraman razia penertiban reklame baliho "
    "covid pandemi protokol isolasi posyandu imunisasi bidan perawat dokter ambulans "
    "beasiswa ijazah kurikulum zonasi penerimaan murid ujian akreditasi perpustakaan"
).split()

# The first words of a subject: what the letter does (weighted by position, Zipf too).
SUBJECT_HEADS = [
    "Undangan Rapat", "Laporan", "Permohonan", "Undangan", "Penyampaian", "Pemberitahuan",
    "Rapat Koordinasi", "Evaluasi", "Usulan", "Permohonan Data", "Laporan Kegiatan",
    "Monitoring dan Evaluasi", "Sosialisasi", "Pengadaan", "Penugasan Pegawai",
    "Undangan Sosialisasi", "Permohonan Narasumber", "Pelaksanaan", "Rekapitulasi",
    "Tindak Lanjut", "Penyampaian Laporan", "Permohonan Izin", "Pengajuan Cuti",
    "Usulan Kenaikan Pangkat", "Pemanggilan", "Surat Tugas", "Edaran", "Instruksi",
    "Nota Dinas", "Telaahan Staf", "Undangan Bimbingan Teknis", "Verifikasi",
]  # fmt: skip

SUBJECT_TAILS = [
    "Tahun Anggaran {year}", "Triwulan I Tahun {year}", "Triwulan II Tahun {year}",
    "Triwulan III Tahun {year}", "Triwulan IV Tahun {year}", "Semester I Tahun {year}",
    "Bulan {month} {year}", "di Lingkungan Pemerintah Kota Bench Raya", "Kecamatan {kec}",
    "Kelurahan {kel}", "Aparatur Sipil Negara", "Perangkat Daerah", "",
]  # fmt: skip

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip

OPENINGS = [
    "Dengan hormat,",
    "Menindaklanjuti surat {ref} perihal {topic}, bersama ini kami sampaikan hal-hal berikut.",
    "Sehubungan dengan pelaksanaan program kerja tahun anggaran {year}, kami sampaikan hal-hal "
    "sebagai berikut.",
    "Berdasarkan Peraturan Wali Kota tentang Tata Naskah Dinas, dengan ini disampaikan bahwa",
    "Dalam rangka {topic}, dengan ini kami mengundang Bapak/Ibu untuk hadir pada:",
]
CLOSINGS = [
    "Demikian disampaikan, atas perhatian dan kerja sama Bapak/Ibu diucapkan terima kasih.",
    "Demikian untuk menjadi perhatian dan dilaksanakan sebagaimana mestinya.",
    "Atas perhatian Bapak/Ibu kami ucapkan terima kasih.",
    "Demikian permohonan ini kami sampaikan, atas perhatiannya diucapkan terima kasih.",
]
