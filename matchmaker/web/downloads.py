"""Files sent to the browser as downloads."""
import io
from urllib.parse import quote

from flask import send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def attachment(data: bytes, name: str, fallback: str, mimetype: str = XLSX):
    """An attachment with an RFC 6266 / 5987 filename: a plain ASCII name for old clients, the real one in
    filename*= (werkzeug's own fallback strips every Chinese character and leaves ".xlsx")."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=fallback)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(name, safe="")}')
    return response
