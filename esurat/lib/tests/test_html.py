from esurat.lib.html import sanitise


def test_it_keeps_formatting_and_removes_scripts():
    dirty = (
        '<p onclick="x()">Dengan <strong>hormat</strong><script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)><ul><li>satu</li></ul>'
    )
    clean = sanitise(dirty)
    assert "<strong>hormat</strong>" in clean and "<li>satu</li>" in clean
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean
    assert "<img" not in clean
