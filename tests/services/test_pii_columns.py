"""How an ID number and a phone are stored: the one helper every writer (form, import, demo) uses."""
from matchmaker.services import pii

NUMBER, PHONE = "44142419900517123X", "13812345678"


def test_id_number_is_stored_encrypted_indexed_and_masked_never_in_clear(app):
    columns = pii.id_number_columns(NUMBER)
    assert NUMBER not in "".join(columns.values())
    assert pii.decrypt(columns["id_number_enc"]) == NUMBER
    assert columns["id_number_index"] == pii.blind_index(NUMBER) == pii.blind_index(NUMBER.lower())
    assert columns["id_number_masked"] == "4414**********123X"
    assert pii.id_number_columns(NUMBER, "given")["id_number_index"] == "given"  # the importer's, computed once


def test_phone_is_stored_encrypted_and_masked_and_no_phone_is_null(app):
    columns = pii.phone_columns(PHONE)
    assert pii.decrypt(columns["phone_enc"]) == PHONE and columns["phone_masked"] == "138****5678"
    assert pii.phone_columns("") == {"phone_enc": None, "phone_masked": ""}
