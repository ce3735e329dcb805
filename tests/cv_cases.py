"""CVs of many professions as data: the facts a careful reader would take from each (tests/cv_corpus.py writes them).

Each case carries what a careful reader of that CV would say: location, level, titles held, key skills
and years of experience (today pinned to 2026-11-28). Layouts vary on purpose: one column, a two-column
table (dates | role), a sidebar, DOCX paragraphs and tables, Markdown and terse text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Job:
    title: str
    employer: str
    place: str
    dates: str
    bullets: list[str]


@dataclass
class Case:
    key: str
    name: str
    location: str
    jobs: list[Job]
    education: list[str]
    skills: list[str]
    level: str
    titles: list[str]
    key_skills: set[str]
    years: int
    certifications: list[str] = field(default_factory=list)
    languages: str = "English (native), French (professional)"
    summary: str = ""


def _c(key: str, name: str, location: str, level: str, years: int, titles: list[str], key_skills: set[str],
       jobs: list[Job], education: list[str], skills: list[str], **kw: object) -> Case:
    return Case(key, name, location, jobs, education, skills, level, titles, key_skills, years, **kw)  # type: ignore[arg-type]


CASES: list[Case] = [
    _c("software", "Lena Vogel", "Berlin, Germany", "senior", 9, ["Senior Backend Engineer", "Software Engineer"],
       {"Python", "Go", "PostgreSQL", "Kubernetes"},
       [Job("Senior Backend Engineer", "Zalando SE", "Berlin", "Mar 2021 – Present",
            ["Cut p99 checkout latency by 38% by moving payment calls to async Go workers.",
             "Led the migration of 14 services from a monolith to PostgreSQL-backed Python services."]),
        Job("Software Engineer", "SoundCloud", "Berlin", "Jan 2017 – Feb 2021",
            ["Built the upload pipeline in Go handling 2 million tracks a month."])],
       ["B.Sc. Computer Science, TU Berlin, 2012 – 2016"], ["Python, Go, PostgreSQL, Kubernetes, Docker, gRPC"]),
    _c("data", "Marco Rossi", "Lisbon, Portugal", "mid", 5, ["Data Scientist", "Data Analyst"],
       {"scikit-learn", "SQL", "Tableau", "Machine Learning"},
       [Job("Data Scientist", "Oceanic Retail", "Lisbon", "Mar 2023 – Present",
            ["Built demand forecasts with scikit-learn that reduced stock-outs by 12%."]),
        Job("Data Analyst", "Farol Insights", "Lisbon", "Jun 2021 – Feb 2023",
            ["Reported weekly KPIs for 30 clients using SQL and Tableau."])],
       ["MSc Statistics, Universidade de Lisboa, 2019 – 2021"], ["Machine Learning, SQL, Tableau, Python, Statistics"]),
    _c("infrastructure", "Jonas Berg", "Stockholm, Sweden", "mid", 4, ["DevOps Engineer"],
       {"Terraform", "AWS", "Kubernetes", "CI/CD"},
       [Job("DevOps Engineer", "Klarna", "Stockholm", "01/2022 – present",
            ["Moved 40 services to Terraform-managed AWS accounts.", "Ran CI/CD (GitLab CI) for 120 engineers."])],
       ["BSc Computer Engineering, KTH Royal Institute of Technology, 2018 – 2021"],
       ["Terraform, AWS, k8s, Helm, Prometheus"], summary="DevOps engineer with 4 years of experience."),
    _c("mechanical", "Tomás Novak", "Prague, Czechia", "mid", 4, ["Mechanical Engineer"],
       {"SolidWorks", "ANSYS", "GD&T", "Finite Element Analysis"},
       [Job("Mechanical Engineer", "Škoda Auto", "Prague", "Sep 2022 – Present",
            ["Designed 25 brackets in SolidWorks with GD&T, validated with ANSYS FEA."])],
       ["Ing. Mechanical Engineering (MSc), Czech Technical University, 2016 – 2022"],
       ["SolidWorks, ANSYS, GD&T, FEA, MATLAB"]),
    _c("electrical", "Aisha Khan", "Manchester, UK", "senior", 8, ["Senior Electrical Engineer", "Electrical Engineer"],
       {"PLC Programming", "SCADA", "Power Systems", "Electrical Design"},
       [Job("Senior Electrical Engineer", "Siemens Energy", "Manchester", "Feb 2022 – Present",
            ["Led electrical design for 6 substations up to 132 kV."]),
        Job("Electrical Engineer", "ABB Ltd", "Warrington, UK", "Oct 2018 – Jan 2022",
            ["Commissioned PLC and SCADA systems for 11 water treatment sites."])],
       ["BEng Electrical Engineering, University of Manchester, 2014 – 2018"],
       ["PLC, SCADA, power systems, electrical design, ETAP"]),
    _c("civil", "Ciarán Walsh", "Cork, Ireland", "entry", 2, ["Graduate Civil Engineer"],
       {"AutoCAD", "Civil 3D", "Eurocodes", "Drainage Design"},
       [Job("Graduate Civil Engineer", "Arup", "Cork", "Sep 2024 – Present",
            ["Produced drainage design drawings in Civil 3D for a 4 km road scheme."])],
       ["BE Civil Engineering, University College Cork, 2020 – 2024"],
       ["AutoCAD, Civil 3D, Eurocodes, drainage design"]),
    _c("healthcare", "Maria Santos", "Dublin, Ireland", "senior", 7, ["ICU Nurse", "Registered Nurse"],
       {"Critical Care", "Patient Assessment", "Mechanical Ventilation", "Advanced Life Support"},
       [Job("ICU Staff Nurse", "St James's Hospital", "Dublin", "Jan 2022 – Present",
            ["Cared for up to 2 ventilated patients per shift in a 24-bed ICU.",
             "Performed patient assessment and haemodynamic monitoring with arterial lines."]),
        Job("Staff Nurse", "Mater Misericordiae University Hospital", "Dublin", "Oct 2019 – Dec 2021",
            ["Delivered medication administration and care planning on a 30-bed surgical ward."])],
       ["BSc Nursing, Trinity College Dublin, 2015 – 2019"],
       ["Critical care, patient assessment, mechanical ventilation, ACLS, IV therapy"],
       certifications=["NMBI registration", "ACLS (2023)"]),
    _c("pharmacy", "Daniel Okafor", "London, UK", "mid", 4, ["Pharmacist"],
       {"Dispensing", "Medication Review", "Controlled Drugs"},
       [Job("Community Pharmacist", "Boots UK", "London", "Aug 2022 – Present",
            ["Completed 600 medication reviews a year and supervised controlled drugs dispensing."])],
       ["MPharm Pharmacy, King's College London, 2017 – 2021"],
       ["Dispensing, medication review, controlled drugs, patient counselling"], certifications=["GPhC registered"]),
    _c("accounting", "Sinéad Byrne", "Dublin 8, Ireland", "junior", 2, ["Junior Accountant"],
       {"Xero", "Sage", "VAT Returns", "Bank Reconciliations", "Year-End Accounts", "FRS 102"},
       [Job("Junior Accountant", "Grant Thornton", "Dublin", "Feb 2024 – Present",
            ["Prepared VAT returns and bank reconciliations for 25 SME clients on Xero and Sage.",
             "Drafted year-end accounts under FRS 102 for 12 sole traders."]),
        Job("Finance Intern", "Bank of Ireland", "Dublin", "Jun 2023 – Aug 2023",
            ["Supported the month-end close team."])],
       ["BA Accounting and Finance, Dublin City University, 2019 – 2023"],
       ["Xero, Sage, VAT, bank reconciliations, year-end accounts, FRS 102, Microsoft Excel"],
       certifications=["ACCA (part-qualified)"]),
    _c("sales", "Ethan Brooks", "Chicago, US", "senior", 8, ["Senior Account Executive", "Account Executive"],
       {"Salesforce", "Solution Selling", "Pipeline Management", "Negotiation"},
       [Job("Senior Account Executive", "Salesforce", "Chicago, IL", "Apr 2021 – Present",
            ["Closed $4.2M in new ARR in 2024, 128% of quota."]),
        Job("Account Executive", "Oracle Corporation", "Chicago, IL", "Jun 2018 – Mar 2021",
            ["Grew a mid-market territory from 30 to 85 accounts."])],
       ["BA Economics, University of Illinois, 2014 – 2018"],
       ["Salesforce, solution selling, pipeline management, negotiation, cold calling"]),
    _c("marketing", "Chloé Martin", "Paris, France", "mid", 4, ["Digital Marketing Specialist"],
       {"SEO", "Google Ads", "Google Analytics", "Email Marketing"},
       [Job("Digital Marketing Specialist", "Decathlon", "Paris", "Sep 2022 – Present",
            ["Raised organic traffic by 45% in 12 months through SEO and content work.",
             "Managed a €300k Google Ads budget at a 4.1 ROAS."])],
       ["Master Marketing, ESSEC Business School, 2020 – 2022"],
       ["SEO, Google Ads, Google Analytics, email marketing, HubSpot"], languages="French, English"),
    _c("hr", "Priya Nair", "Bangalore, India", "senior", 6, ["HR Business Partner", "HR Advisor"],
       {"Employee Relations", "Talent Acquisition", "Performance Management", "HRIS"},
       [Job("HR Business Partner", "Infosys", "Bangalore", "Jul 2023 – Present",
            ["Partnered with 4 delivery units of 1,200 staff on workforce planning."]),
        Job("HR Advisor", "Wipro", "Bangalore", "Jan 2020 – Jun 2023",
            ["Handled 60 employee relations cases a year and ran performance management cycles in Workday."])],
       ["MBA Human Resources, Christ University, 2017 – 2019"],
       ["Employee relations, talent acquisition, performance management, Workday, CIPD Level 5"]),
    _c("education", "Olivia Turner", "Leeds, UK", "mid", 5, ["Mathematics Teacher"],
       {"Lesson Planning", "Classroom Management", "Differentiated Instruction"},
       [Job("Mathematics Teacher", "Roundhay School", "Leeds", "Sep 2021 – Present",
            ["Raised GCSE maths pass rates from 61% to 74% over two years."])],
       ["PGCE Secondary Mathematics, University of Leeds, 2020 – 2021",
        "BSc Mathematics, University of York, 2017 – 2020"],
       ["Lesson planning, classroom management, differentiation, Google Classroom"], certifications=["QTS"]),
    _c("hospitality", "Luca Bianchi", "Milan, Italy", "senior", 9, ["Sous Chef", "Chef de Partie"],
       {"Food Safety", "Menu Development", "Kitchen Management"},
       [Job("Sous Chef", "Hotel Principe di Savoia", "Milan", "May 2021 – Present",
            ["Ran a brigade of 12 and cut food cost from 34% to 29%."]),
        Job("Chef de Partie", "Ristorante Cracco", "Milan", "Mar 2017 – Apr 2021",
            ["Led the pastry section for 120 covers a night."])],
       ["Diploma Culinary Arts, ALMA Scuola Internazionale di Cucina, 2015 – 2016"],
       ["HACCP, menu development, kitchen management, stock control"], languages="Italian, English"),
    _c("logistics", "Piotr Zielinski", "Warsaw, Poland", "manager", 11, ["Warehouse Manager", "Warehouse Team Leader"],
       {"Warehouse Management", "Inventory Management", "SAP", "Lean Manufacturing"},
       [Job("Warehouse Manager", "DHL Supply Chain", "Warsaw", "Feb 2019 – Present",
            ["Ran a 40,000 m² site with 85 staff at 99.6% pick accuracy."]),
        Job("Warehouse Team Leader", "Amazon", "Poznan, Poland", "Jan 2015 – Jan 2019",
            ["Led a shift of 30 pickers and introduced 5S on the inbound dock."])],
       ["BSc Logistics, Poznan University of Economics, 2010 – 2014"],
       ["WMS, inventory management, SAP, Lean, forklift licence"], languages="Polish, English"),
    _c("legal", "Hannah Schmidt", "Frankfurt, Germany", "mid", 5, ["Corporate Lawyer"],
       {"Mergers and Acquisitions", "Due Diligence", "Contract Drafting", "Corporate Law"},
       [Job("Corporate Associate", "Freshfields Bruckhaus Deringer", "Frankfurt", "Oct 2021 – Present",
            ["Ran due diligence for 9 M&A deals worth over €2bn in total."])],
       ["LLM Corporate Law, Goethe University Frankfurt, 2019 – 2020"],
       ["M&A, due diligence, contract drafting, corporate law, GDPR"], certifications=["Admitted to the bar (2021)"],
       summary="Corporate lawyer with 5 years of experience in M&A."),
    _c("design", "Sofia Lindqvist", "Copenhagen, Denmark", "senior", 7, ["Senior Product Designer", "UX Designer"],
       {"Figma", "Prototyping", "Design Systems", "Usability Testing"},
       [Job("Senior Product Designer", "Maersk", "Copenhagen", "Mar 2022 – Present",
            ["Built a design system in Figma used by 9 product teams."]),
        Job("UX Designer", "Danske Bank", "Copenhagen", "Sep 2019 – Feb 2022",
            ["Ran 40 usability testing sessions that shaped the mobile onboarding flow."])],
       ["MA Interaction Design, Royal Danish Academy, 2017 – 2019"],
       ["Figma, prototyping, design systems, usability testing, wireframing"]),
    _c("trades", "Gareth Jones", "Cardiff, UK", "senior", 10, ["Electrician", "Apprentice Electrician"],
       {"Electrical Installation", "Inspection and Testing", "Fault Finding", "National Electrical Code"},
       [Job("Electrician", "Cardiff Electrical Services Ltd", "Cardiff", "Apr 2020 – Present",
            ["Completed 300 domestic rewires and EICR inspections to BS 7671."]),
        Job("Apprentice Electrician", "Jones & Sons Electrical", "Cardiff", "Sep 2016 – Mar 2020",
            ["Installed wiring and consumer units on 40 new-build homes."])],
       ["NVQ Level 3 Electrotechnical, Cardiff and Vale College, 2016 – 2020"],
       ["Electrical installation, inspection and testing, fault finding, 18th Edition"],
       certifications=["2391 Inspection and Testing"]),
]

# The three cases measured on main (issue 13), plus the layouts they came in.
MANUFACTURING = _c(
    "manufacturing", "Daniel Moreau", "Toronto, ON, Canada", "senior", 12,
    ["Senior Manufacturing Engineer", "Manufacturing Engineer", "Process Engineer"],
    {"SolidWorks", "CATIA", "AutoCAD", "ANSYS", "GD&T", "PFMEA", "APQP", "PPAP", "Statistical Process Control",
     "Minitab", "Lean Manufacturing", "Kaizen", "5S", "PLC Programming", "CNC Machining", "ISO 9001", "P.Eng",
     "Six Sigma"},
    [Job("Senior Manufacturing Engineer", "Magna International", "Toronto, ON", "Jan 2020 – Present",
         ["Cut scrap by 18% on three stamping lines using SPC and Kaizen events.",
          "Led APQP/PPAP for 22 new parts launched on time for two OEM programs."]),
     Job("Manufacturing Engineer", "Linamar Corporation", "Guelph, ON", "Mar 2016 – Dec 2019",
         ["Wrote PFMEA and control plans for 14 CNC machining cells.",
          "Raised OEE from 61% to 78% with 5S and Lean line balancing."]),
     Job("Process Engineer", "Celestica", "Toronto, ON", "Jan 2014 – Feb 2016",
         ["Ran Minitab capability studies for ISO 9001 audits."])],
    ["B.Eng. Mechanical Engineering, University of Waterloo, 2009 – 2013"],
    ["SolidWorks, CATIA, AutoCAD, ANSYS, GD&T", "PFMEA, APQP/PPAP, SPC, Minitab", "Lean, Kaizen, 5S, Six Sigma",
     "PLC, CNC, ISO 9001"],
    certifications=["P.Eng (Professional Engineers Ontario)", "Six Sigma Green Belt"],
    summary="Manufacturing engineer with 12 years of experience in automotive stamping and machining.")

SRE_TEXT = """Pieter de Vries
Amsterdam, NL | pieter.devries@example.nl | +31 6 5555 0101
Senior SRE. Ops/infra since the pager era.

EXPERIENCE
03/2016 - present   Senior SRE, Booking.com, Amsterdam
- on-call lead for 400 services; took MTTR from 55 to 19 minutes
- k8s fleet of 3,000 nodes, Terraform, Prometheus, CI/CD (GitLab CI)
06/2012 - 02/2016   SRE, Adyen, Amsterdam
- built the payment platform's observability on Prometheus and Grafana
11/2009 - 05/2012   Linux Administrator, KPN, Rotterdam
- ran 600 Linux hosts with Puppet and Bash

EDUCATION
2005 - 2009   BSc Computer Science, Vrije Universiteit Amsterdam

SKILLS
Kubernetes, Terraform, Prometheus, Go, Python, Linux, AWS, PostgreSQL
"""
SRE = _c("sre", "Pieter de Vries", "Amsterdam, NL", "senior", 17,
         ["Senior Site Reliability Engineer", "Site Reliability Engineer", "Linux Administrator"],
         {"Kubernetes", "Terraform", "Prometheus", "CI/CD", "GitLab CI", "Linux"}, [], [], [])
