"""Generated postings at realistic size: many professions and cities, 100–200-word descriptions, and decoys
that share words with the posting a test wants found (used by the harvest/search tests and benchmarks)."""

from __future__ import annotations

import random
from typing import Any

PROFESSIONS: dict[str, list[str]] = {
    "Backend Engineer": ["Python", "Django", "PostgreSQL", "Redis", "REST APIs", "Docker"],
    "Frontend Developer": ["TypeScript", "React", "CSS", "Webpack", "accessibility", "Storybook"],
    "Data Scientist": ["Python", "pandas", "scikit-learn", "statistics", "SQL", "experimentation"],
    "Data Engineer": ["Spark", "Airflow", "Kafka", "SQL", "dbt", "Snowflake"],
    "Registered Nurse": ["patient care", "triage", "medication administration", "charting", "BLS", "wound care"],
    "Mechanical Engineer": ["SolidWorks", "GD&T", "FEA", "prototyping", "DFM", "tolerance analysis"],
    "Manufacturing Engineer": ["lean manufacturing", "Six Sigma", "PFMEA", "CNC", "process validation", "kaizen"],
    "Accountant": ["IFRS", "month-end close", "reconciliations", "SAP", "audit", "Excel"],
    "Sales Manager": ["pipeline management", "Salesforce", "negotiation", "forecasting", "B2B", "coaching"],
    "Product Manager": ["roadmaps", "user research", "Jira", "A/B testing", "stakeholder management", "OKRs"],
    "UX Designer": ["Figma", "prototyping", "usability testing", "design systems", "wireframes", "research"],
    "Electrician": ["wiring", "NEC code", "conduit", "troubleshooting", "PLC", "panel upgrades"],
    "Teacher": ["lesson planning", "classroom management", "curriculum", "assessment", "differentiation", "IEP"],
    "Chef": ["menu development", "food safety", "kitchen management", "inventory", "plating", "HACCP"],
    "Quality Assurance Analyst": ["test plans", "Selenium", "regression testing", "Jira", "test automation",
                                  "API testing"],
    "Security Analyst": ["SIEM", "incident response", "threat hunting", "Splunk", "vulnerability management", "SOC"],
    "Platform Engineer": ["Kubernetes", "Terraform", "Helm", "GitOps", "AWS", "CI/CD"],
    "Marketing Manager": ["SEO", "campaigns", "content strategy", "Google Analytics", "HubSpot", "branding"],
    "Civil Engineer": ["AutoCAD", "structural analysis", "site inspections", "Civil 3D", "permitting", "drainage"],
    "Pharmacist": ["dispensing", "medication review", "compounding", "patient counselling", "inventory", "compliance"],
    "Site Manager": ["construction scheduling", "health and safety", "subcontractors", "site inspections", "budgets",
                     "CSCS"],
    "Reliability Engineer": ["root cause analysis", "predictive maintenance", "vibration analysis", "RCM", "CMMS",
                             "FMEA"],
}
CITIES = ["Berlin, Germany", "Munich, Germany", "Amsterdam, Netherlands", "Rotterdam, Netherlands", "London, UK",
          "Manchester, UK", "Paris, France", "Lyon, France", "Madrid, Spain", "Barcelona, Spain", "Toronto, Canada",
          "Vancouver, Canada", "New York, USA", "Austin, USA", "Chicago, USA", "Sydney, Australia",
          "Melbourne, Australia", "Dublin, Ireland", "Stockholm, Sweden", "Warsaw, Poland", "Zurich, Switzerland",
          "Vienna, Austria", "Lisbon, Portugal", "Milan, Italy", "Copenhagen, Denmark"]
LEVELS = ["", "", "Senior ", "Junior ", "Lead "]
COMPANY_WORDS = ["North", "Blue", "River", "Summit", "Bright", "Harbor", "Cedar", "Atlas", "Nova", "Quartz", "Lumen",
                 "Vertex", "Pioneer", "Granite", "Orbit", "Meadow"]
COMPANY_KINDS = ["Labs", "Group", "Systems", "Health", "Works", "Partners", "Industries", "Foods", "Logistics"]
FILLER = [
    "We are a growing team that values clear communication and steady, sustainable work.",
    "You will work closely with colleagues across several departments and report to the head of the team.",
    "Our offices are easy to reach by public transport and we offer flexible hours.",
    "We offer a competitive salary, paid training, and a generous holiday allowance.",
    "The role suits someone who enjoys solving practical problems and improving how things are done.",
    "You will help us plan the next year of work and share what you learn with the wider team.",
    "Everyone here gets a yearly learning budget and time to attend conferences.",
    "We care about diversity and welcome applications from people of every background.",
    "The team meets in person twice a week and works from home on the other days.",
    "You can expect a structured onboarding with a mentor during your first three months.",
    "Our customers rely on us every day, so quality and reliability matter in everything we ship.",
    "We publish our salary bands and review them every year against the market.",
]


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS).lower()} {rng.choice(COMPANY_KINDS)}"


def describe(rng: random.Random, title: str, skills: list[str], company: str) -> str:
    """100–200 words: the role's skills woven into sentences plus the filler every advert carries."""
    picked = rng.sample(skills, k=min(len(skills), rng.randint(3, 5)))
    parts = [f"{company} is hiring a {title} to join the team.",
             f"Day to day you will use {', '.join(picked[:-1])} and {picked[-1]}.",
             f"Experience with {picked[0]} is essential; {picked[-1]} is a plus."]
    words = sum(len(p.split()) for p in parts)
    target = rng.randint(110, 190)
    while words < target:
        sentence = rng.choice(FILLER)
        parts.append(sentence)
        words += len(sentence.split())
    return " ".join(parts)


def generate(n: int, seed: int = 7, prefix: str = "gen") -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    names = list(PROFESSIONS)
    for i in range(n):
        role = rng.choice(names)
        title = f"{rng.choice(LEVELS)}{role}"
        company = _company(rng)
        location = rng.choice(CITIES)
        remote = rng.random() < 0.1
        out.append({"id": f"{prefix}-{i}", "title": title, "company": company, "location": location,
                    "remote": remote, "url": f"https://jobs.example/{prefix}/{i}",
                    "description": describe(rng, title, PROFESSIONS[role], company)})
    return out


SRE_SKILLS = ["Kubernetes", "Terraform", "Prometheus", "Go", "Linux", "incident response"]


def sre_needle() -> dict[str, Any]:
    """The posting an SRE in Amsterdam should get first."""
    rng = random.Random(99)
    text = describe(rng, "Site Reliability Engineer", SRE_SKILLS, "Needlepoint Cloud")
    text += " You will run Kubernetes and Terraform, build Prometheus alerting, write Go tooling on Linux and " \
            "lead incident response."
    return {"id": "needle-sre", "title": "Senior Site Reliability Engineer", "company": "Needlepoint Cloud",
            "location": "Amsterdam, Netherlands", "remote": False, "url": "https://jobs.example/needle",
            "description": text}


def sre_decoys() -> list[dict[str, Any]]:
    """Share the needle's words but are worse: another city, another discipline, or fewer of the skills."""
    rng = random.Random(5)
    return [
        {"id": "decoy-toronto", "title": "Site Reliability Engineer", "company": "Maple Ops",
         "location": "Toronto, Canada", "remote": False, "url": "https://jobs.example/d1",
         "description": describe(rng, "Site Reliability Engineer", SRE_SKILLS, "Maple Ops")},
        {"id": "decoy-site-manager", "title": "Site Manager", "company": "Amstel Build",
         "location": "Amsterdam, Netherlands", "remote": False, "url": "https://jobs.example/d2",
         "description": describe(rng, "Site Manager", PROFESSIONS["Site Manager"], "Amstel Build")
         + " Reliability of the schedule and site safety are your responsibility as an engineer of process."},
        {"id": "decoy-reliability", "title": "Reliability Engineer", "company": "Dutch Plants",
         "location": "Amsterdam, Netherlands", "remote": False, "url": "https://jobs.example/d3",
         "description": describe(rng, "Reliability Engineer", PROFESSIONS["Reliability Engineer"], "Dutch Plants")},
        {"id": "decoy-sre-few-skills", "title": "SRE", "company": "Canal Hosting",
         "location": "Amsterdam, Netherlands", "remote": False, "url": "https://jobs.example/d4",
         "description": describe(rng, "SRE", ["Linux", "Bash", "Nagios"], "Canal Hosting")},
    ]


def needle_feed(n: int = 5000, position: int = 4900) -> list[dict[str, Any]]:
    postings = generate(n - 5)
    for offset, decoy in enumerate(sre_decoys()):
        postings.insert(1000 + offset * 700, decoy)
    postings.insert(position, sre_needle())
    return postings
