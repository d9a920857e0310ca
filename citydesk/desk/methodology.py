"""The starting text of the "Kiểm chứng" section (content in Vietnamese; editors can change it)."""

SECTION_TITLE = "Kiểm chứng"
SECTION_SLUG = "kiem-chung"
SECTION_INTRO = (
    "Cơ quan thông tin thành phố kiểm tra các tin đồn, tin giả và nội dung gây hiểu lầm mà người dân gửi đến, "
    "rồi công bố kết luận kèm nguồn chứng cứ."
)
METHODOLOGY_HTML = (
    "<h2>Thang kết luận</h2>"
    "<ul>"
    "<li><b>Đúng</b>: nội dung chính xác, có nguồn chính thức hoặc chứng cứ xác nhận.</li>"
    "<li><b>Sai</b>: nội dung trái với sự thật đã được kiểm chứng.</li>"
    "<li><b>Gây hiểu lầm</b>: có phần đúng nhưng bị cắt xén, sai ngữ cảnh hoặc dẫn đến kết luận sai.</li>"
    "<li><b>Chưa đủ căn cứ</b>: chưa có đủ chứng cứ để khẳng định đúng hay sai.</li>"
    "</ul>"
    "<h2>Quy trình</h2>"
    "<ol>"
    "<li>Tin báo của người dân được gom vào một nhận định; tin trùng được gộp lại.</li>"
    "<li>Kiểm chứng viên thu thập chứng cứ từ nguồn chính thức, chuyên gia và tài liệu công khai.</li>"
    "<li>Kiểm chứng viên đề xuất kết luận; một trưởng nhóm khác người đề xuất duyệt lại trước khi công bố.</li>"
    "<li>Mọi kết luận đều ghi rõ nguồn, người kiểm chứng, người duyệt và thời điểm.</li>"
    "<li>Khi có thông tin mới, bài kiểm chứng được mở lại và đính chính công khai, không sửa âm thầm.</li>"
    "</ol>"
    "<p>Chúng tôi kiểm chứng nội dung, không theo dõi con người, và không phân loại theo quan điểm chính trị.</p>"
)
