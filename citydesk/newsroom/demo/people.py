"""Demo units, contributors and one log-in per role. Written for the demo; any likeness is chance."""

from citydesk.core import roles

DEMO_PASSWORD = "citydesk-demo-2026"

UNITS = [
    # (name, short name, kind, description)
    ("Trung tâm Thông tin thành phố", "TTTT", "office", "Cơ quan thông tin chính thức của thành phố."),
    ("Sở Y tế", "SYT", "department", "Quản lý nhà nước về y tế trên địa bàn thành phố."),
    ("Trung tâm Kiểm soát bệnh tật thành phố", "CDC", "department", "Phòng chống dịch bệnh, tiêm chủng."),
    ("Ban Chỉ huy Phòng chống thiên tai thành phố", "PCTT", "department", "Ứng phó bão, lũ, sạt lở."),
    ("Sở Xây dựng", "SXD", "department", "Giao thông, hạ tầng, quy hoạch đô thị."),
    ("Sở Du lịch", "SDL", "department", "Phát triển du lịch và sự kiện."),
    ("UBND phường Hải Châu", "P. Hải Châu", "ward", "Chính quyền phường Hải Châu."),
    ("Trường Đại học Bách khoa", "ĐHBK", "partner", "Đối tác chuyên môn về khí tượng, thủy văn, đô thị."),
]

# (username or None, full name, title, unit short name, expertise tags, bio)
CONTRIBUTORS = [
    (
        "chuyengia",
        "Nguyễn Thị Minh Anh",
        "Bác sĩ, Trưởng khoa Kiểm soát dịch bệnh",
        "CDC",
        ["sốt xuất huyết", "tiêm chủng", "dịch bệnh"],
        "20 năm làm công tác phòng chống dịch.",
    ),
    (
        "congtacvien",
        "Võ Thị Lan",
        "Phóng viên",
        "TTTT",
        ["dịch vụ công", "thủ tục hành chính"],
        "Theo dõi mảng cải cách hành chính và dịch vụ công.",
    ),
    (
        None,
        "Trần Văn Hùng",
        "Phó Chánh Văn phòng",
        "PCTT",
        ["bão lũ", "sơ tán", "an toàn"],
        "Phụ trách thông tin cảnh báo thiên tai.",
    ),
    (None, "Lê Thu Hà", "Chuyên viên", "SDL", ["du lịch", "lễ hội", "ẩm thực"], "Quảng bá điểm đến và sự kiện."),
    (None, "Phạm Quốc Bảo", "Kỹ sư giao thông", "SXD", ["giao thông", "quy hoạch"], "Tổ chức giao thông đô thị."),
    (
        None,
        "Đặng Minh Khoa",
        "Thạc sĩ, giảng viên khí tượng",
        "ĐHBK",
        ["khí tượng", "biến đổi khí hậu", "ngập lụt"],
        "Nghiên cứu mưa lớn và ngập đô thị.",
    ),
    (
        None,
        "Hoàng Gia Linh",
        "Cán bộ văn hóa - thông tin",
        "P. Hải Châu",
        ["đời sống phường", "môi trường"],
        "Cộng tác viên thông tin cơ sở.",
    ),
    (None, "Bùi Ngọc Trâm", "Dược sĩ", "SYT", ["thuốc", "an toàn thực phẩm"], "Cảnh báo thuốc giả, thực phẩm bẩn."),
    ("kiemchung", "Phạm Khánh Linh", "Kiểm chứng viên", "TTTT", ["kiểm chứng", "tin giả"], "Bàn kiểm chứng."),
    ("truongnhom", "Trần Phương Nam", "Trưởng nhóm kiểm chứng", "TTTT", ["kiểm chứng"], "Phụ trách bàn kiểm chứng."),
    ("quanlydaotao", "Đỗ Thu Hà", "Phụ trách đào tạo", "TTTT", ["đào tạo", "an toàn thông tin"], "Tập huấn cán bộ."),
]

# (username, first name, last name, groups, superuser)
USERS = [
    ("quantri", "Quản trị", "Hệ thống", [], True),
    ("bientap", "Thanh", "Biên tập", [roles.EDITOR], False),
    ("congtacvien", "Lan", "Võ Thị", [roles.CONTRIBUTOR], False),
    ("chuyengia", "Minh Anh", "Nguyễn Thị", [roles.CONTRIBUTOR, roles.EXPERT_REVIEWER], False),
    ("kiemchung", "Khánh Linh", "Phạm", [roles.DESK_VERIFIER], False),
    ("truongnhom", "Phương Nam", "Trần", [roles.DESK_LEAD], False),
    ("dieuphoi", "Tâm", "Điều phối", [roles.MODERATOR], False),
    ("quantridonvi", "Hải", "Quản trị đơn vị", [roles.UNIT_ADMIN], False),
    ("quanlydaotao", "Thu Hà", "Đỗ", [roles.TRAINING_MANAGER], False),
]

# A unit admin manages the people and accounts of these units (set by a superuser on each unit).
UNIT_ADMINS = {"quantridonvi": ["TTTT", "ĐHBK"]}
