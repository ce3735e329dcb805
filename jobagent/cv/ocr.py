"""Reading a scanned, image-only PDF with Tesseract (issue 26, "Bad input").

Runs inside the sandboxed child (``jobagent.cv.sandbox_server``), so Tesseract inherits its limits: the
address-space and CPU limits, no network, the temporary directory as its only place to write, and the child's
session, which the deadline kills. The page images are taken out of the PDF with pypdf (a scan is one image
per page), written to that directory and read by the ``tesseract`` binary; no other library is needed.
Without the binary the CV is refused with one line that names the Debian package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from jobagent.errors import InvalidInput

PACKAGE = "tesseract-ocr"
_IMAGE_MIN_PIXELS = 200 * 200  # logos and signature images are not pages of text


def ocr_pdf(source: str, reader: Any, settings: dict[str, Any] | None) -> str:
    """The text Tesseract reads in the PDF's page images; "" when the PDF holds no image to read."""
    try:
        images = _page_images(reader)
    except Exception as exc:  # noqa: BLE001 - pypdf and Pillow raise many kinds of errors on damaged images
        text = str(exc).strip().splitlines()
        raise InvalidInput(f"CV file is not a readable PDF: {source} ({text[0] if text else type(exc).__name__})"
                           ) from None
    if not images:
        return ""
    binary = _binary((settings or {}).get("tesseract") or "tesseract")
    if binary is None:
        raise InvalidInput(f"CV PDF is a scanned image and OCR is not installed (Debian package {PACKAGE} and its "
                           f"language packs, e.g. tesseract-ocr-deu); install it, or export the CV as a PDF "
                           f"with selectable text: {source}")
    languages = _languages(binary, str((settings or {}).get("languages") or "eng"))
    texts: list[str] = []
    for number, (name, data) in enumerate(images, start=1):
        path = os.path.join(os.getcwd(), f"page-{number}{name}")
        with open(path, "wb") as fh:
            fh.write(data)
        done = subprocess.run([binary, path, "stdout", "-l", languages, "--psm", "3"], capture_output=True,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=False)
        os.unlink(path)
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            why = lines[-1] if lines else f"tesseract exit {done.returncode}"
            raise InvalidInput(f"CV PDF is a scanned image that OCR could not read ({why}): {source}")
        texts.append(done.stdout.decode("utf-8", "replace"))
    return "\n".join(texts)


def _binary(name: str) -> str | None:
    if os.sep in name:
        return name if os.access(name, os.X_OK) else None
    return shutil.which(name)


def _languages(binary: str, wanted: str) -> str:
    """The wanted languages that are installed (a missing pack would fail the whole run), English at worst."""
    done = subprocess.run([binary, "--list-langs"], capture_output=True, check=False)
    installed = set(done.stdout.decode("utf-8", "replace").split()) if done.returncode == 0 else set()
    kept = [lang for lang in wanted.split("+") if lang in installed]
    return "+".join(kept) or "eng"


def _page_images(reader: Any) -> list[tuple[str, bytes]]:
    """The largest image of each page, as (file suffix, encoded bytes), in page order."""
    found: list[tuple[str, bytes]] = []
    for page in reader.pages:
        best: tuple[int, str, bytes] | None = None
        for image in page.images:
            pixels = image.image.width * image.image.height if image.image is not None else 0
            if pixels >= _IMAGE_MIN_PIXELS and (best is None or pixels > best[0]):
                best = (pixels, os.path.splitext(image.name)[1] or ".png", image.data)
        if best is not None:
            found.append(best[1:])
    return found
