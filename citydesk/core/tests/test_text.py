from citydesk.core.text import fold_diacritics


def test_fold_removes_tone_and_vowel_marks_and_folds_d_with_stroke():
    assert fold_diacritics("Đà Nẵng") == "da nang"
    assert fold_diacritics("Thừa Thiên Huế") == "thua thien hue"


def test_fold_treats_composed_and_decomposed_input_alike():
    decomposed = "Ho\u0300a"  # "Hòa" typed with a combining grave accent
    assert fold_diacritics(decomposed) == fold_diacritics("Hòa") == "hoa"


def test_fold_collapses_whitespace():
    assert fold_diacritics("  sốt \n xuất\thuyết ") == "sot xuat huyet"
