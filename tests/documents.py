"""Real CV files for tests: PDF through reportlab, DOCX through python-docx."""

from __future__ import annotations

from pathlib import Path

CV_LINES = [
    "Alex Morgan",
    "Location: Munich, Germany",
    "alex.morgan@example.org | +49 170 1234567",
    "",
    "Summary",
    "Data Engineer with 6 years of experience building data pipelines.",
    "",
    "Experience",
    "Data Engineer, Acme Analytics, 2019 - 2025",
    "Built batch and streaming pipelines in Python and SQL on PostgreSQL and Apache Kafka.",
    "Software Engineer, Beta GmbH, 2017 - 2019",
    "Developed REST services in Java and deployed them with Docker and Kubernetes.",
    "",
    "Skills",
    "Python, SQL, PostgreSQL, Apache Kafka, Docker, Kubernetes, Java, Airflow, Git",
]


def make_pdf(path: Path, lines: list[str] = CV_LINES) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for line in lines:
        c.drawString(50, y, line)
        y -= 16
    c.save()
    return path


def make_docx(path: Path, lines: list[str] = CV_LINES) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path
