"""`./run doctor --install-udev` writes the rules for the boards and the Maestro, plus a stable
/dev/terry/<sketch> name for each board found, by its USB serial number."""

from __future__ import annotations

from terry.bringup import udev

ARDUINO = "usb-Arduino__www.arduino.cc__0043_7563331383335161B1C1-if00"


def test_the_usb_serial_number_comes_from_the_by_id_name():
    assert udev.usb_serial(ARDUINO) == "Arduino__www.arduino.cc__0043_7563331383335161B1C1"
    assert udev.usb_serial("pci-0000:00:14.0") is None


def test_the_rules_cover_arduinos_and_the_maestro():
    rules = udev.RULES.read_text()
    assert 'ATTRS{idVendor}=="2341"' in rules and 'GROUP="dialout"' in rules
    assert 'ATTRS{idVendor}=="1ffb"' in rules and 'SYMLINK+="terry/maestro"' in rules


def test_a_board_found_on_by_id_gets_its_stable_name(served_board, tmp_path):
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    (by_id / ARDUINO).symlink_to(served_board.link)
    (by_id / "usb-Unknown_thing_42-if00").symlink_to(tmp_path / "gone")
    text = udev.rules_text(str(by_id))
    assert text.startswith(udev.RULES.read_text())
    line = 'ENV{ID_SERIAL}=="Arduino__www.arduino.cc__0043_7563331383335161B1C1"'
    assert f'{line}, SYMLINK+="terry/base"' in text
    assert text.count("SYMLINK+=") == 2  # the Maestro's and the base's; nothing for the dead port
