"""The words the generated CVs of tests/cv_truth.py are made of, per language (en, de, nl, fr, es, pt).

Kept apart from the generator so that adding a profession or a city is a data change. Skills are the
canonical names of ``jobagent/data/skills.tsv`` as CVs in every language write tools and methods; titles,
degrees, headings, dates and language levels are written in the CV's own language, as people write them.
"""

from __future__ import annotations

LANGS = ("en", "de", "nl", "fr", "es", "pt")

# profession -> (employer kind, skills, titles per language: (title, level the title states or None))
PROFESSIONS: dict[str, tuple[str, tuple[str, ...], dict[str, tuple[tuple[str, str | None], ...]]]] = {
    "teacher": ("school", ("Lesson Planning", "Classroom Management", "Curriculum Development", "Google Classroom",
                           "Tutoring", "Special Educational Needs"), {
        "en": (("Mathematics Teacher", None), ("Head of Mathematics", "manager")),
        "de": (("Lehrer für Mathematik", None), ("Gymnasiallehrerin", None)),
        "nl": (("Docent wiskunde", None), ("Leraar basisonderwijs", None)),
        "fr": (("Professeur de mathématiques", None), ("Enseignante", None)),
        "es": (("Profesor de matemáticas", None), ("Maestra de primaria", None)),
        "pt": (("Professor de matemática", None), ("Professora do ensino básico", None))}),
    "electrician": ("company", ("Electrical Installation", "Fault Finding", "PLC Programming", "Inspection and Testing",
                                "SCADA", "Motor Control"), {
        "en": (("Electrician", None), ("Senior Electrician", "senior")),
        "de": (("Elektroniker für Betriebstechnik", None), ("Elektriker (m/w/d)", None)),
        "nl": (("Elektromonteur", None), ("Allround elektricien", None)),
        "fr": (("Électricien industriel", None), ("Électricien (H/F)", None)),
        "es": (("Electricista industrial", None), ("Técnico electricista", None)),
        "pt": (("Eletricista industrial", None), ("Técnico de eletricidade", None))}),
    "nurse": ("hospital", ("Patient Care", "Triage", "Wound Care", "Infection Control", "IV Therapy",
                           "Medication Administration"), {
        "en": (("Staff Nurse", None), ("Senior Staff Nurse", "senior")),
        "de": (("Gesundheits- und Krankenpflegerin", None), ("Pflegefachkraft", "mid")),
        "nl": (("Verpleegkundige", None), ("Senior verpleegkundige", "senior")),
        "fr": (("Infirmière", None), ("Infirmier de bloc", None)),
        "es": (("Enfermera", None), ("Enfermero de urgencias", None)),
        "pt": (("Enfermeira", None), ("Enfermeiro de cuidados intensivos", None))}),
    "logistics": ("company", ("Warehouse Management", "Inventory Management", "Demand Planning", "Incoterms",
                              "SAP MM", "Transport Management"), {
        "en": (("Logistics Planner", None), ("Supply Chain Planner", None)),
        "de": (("Logistikplaner", None), ("Disponentin", None)),
        "nl": (("Logistiek planner", None), ("Supply chain planner", None)),
        "fr": (("Planificateur logistique", None), ("Responsable logistique", "manager")),
        "es": (("Planificador logístico", None), ("Técnica de logística", None)),
        "pt": (("Planeador logístico", None), ("Técnico de logística", None))}),
    "designer": ("company", ("Figma", "Adobe Illustrator", "Adobe Photoshop", "Typography", "Prototyping",
                             "Brand Identity"), {
        "en": (("Graphic Designer", None), ("Senior UX Designer", "senior")),
        "de": (("Grafikdesignerin", None), ("Kommunikationsdesigner", None)),
        "nl": (("Grafisch ontwerper", None), ("UX designer", None)),
        "fr": (("Graphiste", None), ("Designer UX", None)),
        "es": (("Diseñadora gráfica", None), ("Diseñador UX", None)),
        "pt": (("Designer gráfico", None), ("Designer de comunicação", None))}),
    "accountant": ("company", ("Bookkeeping", "Financial Reporting", "IFRS", "SAP", "Microsoft Excel",
                               "Month-End Close"), {
        "en": (("Accountant", None), ("Senior Accountant", "senior")),
        "de": (("Finanzbuchhalter", None), ("Bilanzbuchhalterin", None)),
        "nl": (("Boekhouder", None), ("Financieel administrateur", None)),
        "fr": (("Comptable", None), ("Comptable général (H/F)", None)),
        "es": (("Contable", None), ("Técnico contable", None)),
        "pt": (("Contabilista", None), ("Técnica de contabilidade", None))}),
    "chef": ("restaurant", ("Food Safety", "Menu Development", "Kitchen Management", "Banqueting", "Front of House",
                            "Inventory Management"), {
        "en": (("Chef de Partie", "mid"), ("Head Chef", "manager")),
        "de": (("Koch", None), ("Küchenchef", None)),
        "nl": (("Kok", None), ("Chef-kok", None)),
        "fr": (("Cuisinier", None), ("Chef de partie", "mid")),
        "es": (("Cocinero", None), ("Jefa de cocina", None)),
        "pt": (("Cozinheiro", None), ("Chefe de cozinha", None))}),
    "civil": ("company", ("AutoCAD", "Revit", "Structural Analysis", "Eurocodes", "Reinforced Concrete",
                          "MS Project"), {
        "en": (("Civil Engineer", None), ("Senior Structural Engineer", "senior")),
        "de": (("Bauingenieur", None), ("Tragwerksplanerin", None)),
        "nl": (("Civiel ingenieur", None), ("Constructeur", None)),
        "fr": (("Ingénieur génie civil", None), ("Ingénieure structure", None)),
        "es": (("Ingeniero civil", None), ("Ingeniera de caminos", None)),
        "pt": (("Engenheiro civil", None), ("Engenheira de estruturas", None))}),
    "software": ("company", ("Python", "Java", "PostgreSQL", "Docker", "Kubernetes", "Git"), {
        "en": (("Software Engineer", None), ("Senior Software Engineer", "senior")),
        "de": (("Softwareentwickler", None), ("Senior Softwareentwicklerin", "senior")),
        "nl": (("Software engineer", None), ("Medior ontwikkelaar", "mid")),
        "fr": (("Développeur backend", None), ("Ingénieur logiciel", None)),
        "es": (("Desarrollador de software", None), ("Ingeniera de software", None)),
        "pt": (("Engenheiro de software", None), ("Programadora", None))}),
    "sales": ("company", ("CRM", "Salesforce", "Lead Generation", "Key Account Management", "Negotiation",
                          "B2B Sales"), {
        "en": (("Sales Representative", None), ("Key Account Manager", None)),
        "de": (("Vertriebsmitarbeiter", None), ("Außendienstmitarbeiterin", None)),
        "nl": (("Accountmanager", None), ("Verkoopadviseur", None)),
        "fr": (("Commercial terrain", None), ("Chargée d'affaires", None)),
        "es": (("Comercial", None), ("Representante de ventas", None)),
        "pt": (("Comercial", None), ("Técnica de vendas", None))}),
    "pharmacist": ("pharmacy", ("Dispensing", "Medication Review", "Patient Counselling", "Pharmacovigilance",
                                "Controlled Drugs", "Compounding"), {
        "en": (("Pharmacist", None), ("Community Pharmacist", None)),
        "de": (("Apotheker", None), ("Filialleiterin Apotheke", "manager")),
        "nl": (("Apotheker", None), ("Ziekenhuisapotheker", None)),
        "fr": (("Pharmacien", None), ("Pharmacienne adjointe", None)),
        "es": (("Farmacéutico", None), ("Farmacéutica comunitaria", None)),
        "pt": (("Farmacêutico", None), ("Farmacêutica hospitalar", None))}),
    "hr": ("company", ("Recruiting", "Onboarding", "Employee Relations", "Performance Management", "HRIS",
                       "Employment Law"), {
        "en": (("HR Advisor", None), ("HR Business Partner", None)),
        "de": (("Personalreferentin", None), ("HR Business Partner", None)),
        "nl": (("HR-adviseur", None), ("Recruiter", None)),
        "fr": (("Chargée de recrutement", None), ("Responsable RH", "manager")),
        "es": (("Técnico de recursos humanos", None), ("Responsable de RR. HH.", "manager")),
        "pt": (("Técnica de recursos humanos", None), ("Gestor de RH", "manager"))}),
}

# profession -> skills its title implies: right when found (precision), not required (recall)
IMPLIED = {"nurse": ("Nursing",), "accountant": ("Accounting",), "logistics": ("Logistics", "Supply Chain Management"),
           "sales": ("Sales",), "teacher": ("Teaching",), "software": ("Software Engineering",),
           "civil": ("Civil Engineering",), "pharmacist": ("Pharmacy",), "hr": ("Human Resources",),
           "designer": ("Graphic Design",), "electrician": ("Electrical Installation",)}

# employer kind -> language -> templates ({city} is filled in); "company" uses COMPANIES
EMPLOYER_KINDS = {
    "school": {"en": ("{city} Academy", "St Mary's High School"), "de": ("Gymnasium {city}-Mitte",
               "Städtische Realschule {city}"), "nl": ("Stedelijk Lyceum {city}", "Openbare Basisschool De Linde"),
               "fr": ("Lycée Victor Hugo", "Collège Jean Moulin"), "es": ("IES Miguel de Cervantes",
               "Colegio San José"), "pt": ("Escola Secundária Camões", "Agrupamento de Escolas de {city}")},
    "hospital": {"en": ("{city} General Hospital", "St James's Hospital"), "de": ("Klinikum {city}",
                 "Helios Klinikum {city}"), "nl": ("Erasmus MC", "Ziekenhuis Rijnstate"), "fr": ("CHU de {city}",
                 "Hôpital Saint-Louis"), "es": ("Hospital Universitario La Paz", "Hospital Clínic"),
                 "pt": ("Hospital de Santa Maria", "Centro Hospitalar de {city}")},
    "pharmacy": {"en": ("Boots UK", "Lloyds Pharmacy"), "de": ("Löwen-Apotheke", "Stadt-Apotheke {city}"),
                 "nl": ("BENU Apotheek", "Apotheek Centrum"), "fr": ("Pharmacie du Marché", "Pharmacie Centrale"),
                 "es": ("Farmacia Central", "Farmacia López"), "pt": ("Farmácia Estácio", "Farmácia Central")},
    "restaurant": {"en": ("The Ivy", "Hilton {city}"), "de": ("Hotel Bayerischer Hof", "Restaurant Zum Löwen"),
                   "nl": ("Hotel Okura", "Restaurant De Kas"), "fr": ("Brasserie Lipp", "Hôtel Le Meurice"),
                   "es": ("Restaurante Botín", "Hotel Ritz {city}"), "pt": ("Restaurante Belcanto",
                   "Hotel Tivoli {city}")},
}
COMPANIES = {
    "en": ("Northwind Ltd", "Carter & Sons Ltd", "Brightline plc", "Harbour Systems Ltd", "Kestrel Group"),
    "de": ("Bergmann GmbH", "Nordlicht AG", "Stadtwerke Augsburg", "Huber & Partner GmbH", "Siemens AG"),
    "nl": ("Van Dijk B.V.", "Koninklijke Vopak N.V.", "De Vries Groep B.V.", "Bol.com", "Arcadis Nederland B.V."),
    "fr": ("Dubois SARL", "Groupe Lemoine SA", "Sopra Steria", "Atelier Martin SAS", "Vinci Construction"),
    "es": ("Ibérica Servicios S.L.", "Grupo Navarro S.A.", "Indra Sistemas", "Talleres García S.L.", "Ferrovial"),
    "pt": ("Sonae MC", "Efacec Energia S.A.", "Ribeiro & Filhos Lda", "Grupo Mota-Engil", "Critical Software"),
}

# language -> (country code, country as written, cities: (postcode, city, street))
PLACES = {
    "en": ("GB", "United Kingdom", (("LS6 1AA", "Leeds", "12 Headingley Lane"),
                                    ("M1 1AE", "Manchester", "4 Oxford Road"),
                                    ("BS1 4DJ", "Bristol", "7 Park Street"), ("EH1 1YZ", "Edinburgh", "3 Royal Mile"))),
    "de": ("DE", "Deutschland", (("80797", "München", "Leopoldstraße 12"), ("20095", "Hamburg", "Mönckebergstraße 7"),
                                 ("50667", "Köln", "Hohe Straße 41"), ("70173", "Stuttgart", "Königstraße 20"))),
    "nl": ("NL", "Nederland", (("3011 AB", "Rotterdam", "Coolsingel 40"), ("3511 AB", "Utrecht", "Oudegracht 10"),
                               ("5611 AZ", "Eindhoven", "Stratumseind 3"), ("2511 BT", "Den Haag", "Spui 70"))),
    "fr": ("FR", "France", (("75011", "Paris", "12 rue Oberkampf"), ("69002", "Lyon", "8 rue de la République"),
                            ("31000", "Toulouse", "5 place du Capitole"), ("44000", "Nantes", "3 rue Crébillon"))),
    "es": ("ES", "España", (("28006", "Madrid", "Calle de Serrano 45"),
                            ("08001", "Barcelona", "Carrer de Pelai 12"),
                            ("46001", "Valencia", "Calle de la Paz 9"), ("41001", "Sevilla", "Calle Sierpes 20"))),
    "pt": ("PT", "Portugal", (("1200-195", "Lisboa", "Rua Augusta 100"),
                              ("4000-322", "Porto", "Rua de Santa Catarina 8"),
                              ("3000-141", "Coimbra", "Rua Ferreira Borges 5"),
                              ("4700-307", "Braga", "Avenida Central 3"))),
}

FIRST = {"en": ("Emma", "Oliver", "Amelia", "Harry", "Grace", "Jack"), "de": ("Markus", "Anna", "Jürgen", "Lena",
         "Tobias", "Sophie"), "nl": ("Sanne", "Daan", "Lotte", "Joost", "Femke", "Bram"), "fr": ("Julien", "Camille",
         "Théo", "Léa", "Hugo", "Chloé"), "es": ("Lucía", "Javier", "Carmen", "Pablo", "Marta", "Álvaro"),
         "pt": ("Rui", "Inês", "João", "Beatriz", "Tiago", "Mariana")}
LAST = {"en": ("Walker", "Thompson", "Hughes", "Patel", "Murray"), "de": ("Huber", "Schneider", "Müller", "Weber",
        "Krüger"), "nl": ("Bakker", "de Vries", "Jansen", "van den Berg", "Visser"), "fr": ("Moreau", "Lefèvre",
        "Girard", "Dubois", "Faure"), "es": ("Fernández", "García", "Martínez", "López", "Romero"),
        "pt": ("Almeida", "Silva", "Costa", "Ferreira", "Sousa")}
PHONE = {"en": "+44 7### ######", "de": "+49 1## #######", "nl": "+31 6 ########", "fr": "+33 6 ## ## ## ##",
         "es": "+34 6## ### ###", "pt": "+351 91# ### ###"}  # "#": a random digit
NATIVE = {"en": "English", "de": "German", "nl": "Dutch", "fr": "French", "es": "Spanish", "pt": "Portuguese"}

# language names and level words as each language writes them
LANGUAGE_NAMES = {
    "en": {"English": "English", "German": "German", "French": "French", "Spanish": "Spanish", "Dutch": "Dutch",
           "Portuguese": "Portuguese"},
    "de": {"English": "Englisch", "German": "Deutsch", "French": "Französisch", "Spanish": "Spanisch",
           "Dutch": "Niederländisch", "Portuguese": "Portugiesisch"},
    "nl": {"English": "Engels", "German": "Duits", "French": "Frans", "Spanish": "Spaans", "Dutch": "Nederlands",
           "Portuguese": "Portugees"},
    "fr": {"English": "Anglais", "German": "Allemand", "French": "Français", "Spanish": "Espagnol",
           "Dutch": "Néerlandais", "Portuguese": "Portugais"},
    "es": {"English": "Inglés", "German": "Alemán", "French": "Francés", "Spanish": "Español", "Dutch": "Neerlandés",
           "Portuguese": "Portugués"},
    "pt": {"English": "Inglês", "German": "Alemão", "French": "Francês", "Spanish": "Espanhol", "Dutch": "Neerlandês",
           "Portuguese": "Português"},
}
LEVEL_WORDS = {
    "en": {"native": "native", "fluent": "fluent", "good": "good", "basic": "basic"},
    "de": {"native": "Muttersprache", "fluent": "verhandlungssicher", "good": "gut", "basic": "Grundkenntnisse"},
    "nl": {"native": "moedertaal", "fluent": "vloeiend", "good": "goed", "basic": "basis"},
    "fr": {"native": "langue maternelle", "fluent": "courant", "good": "bon niveau", "basic": "notions"},
    "es": {"native": "nativo", "fluent": "fluido", "good": "intermedio", "basic": "básico"},
    "pt": {"native": "nativo", "fluent": "fluente", "good": "intermédio", "basic": "básico"},
}

# section headings: (usual, unusual) per kind, as each language writes them
HEADINGS = {
    "en": {"summary": ("Profile", "About me"), "experience": ("Work Experience", "Where I have worked"),
           "education": ("Education", "Studies"), "skills": ("Skills", "Toolbox"),
           "languages": ("Languages", "Languages spoken")},
    "de": {"summary": ("Profil", "Über mich"), "experience": ("Berufserfahrung", "Berufliche Stationen"),
           "education": ("Ausbildung", "Bildungsweg"), "skills": ("Kenntnisse", "Was ich kann"),
           "languages": ("Sprachen", "Sprachkenntnisse")},
    "nl": {"summary": ("Profiel", "Over mij"), "experience": ("Werkervaring", "Loopbaan"),
           "education": ("Opleiding", "Opleidingen en cursussen"), "skills": ("Vaardigheden", "Wat ik kan"),
           "languages": ("Talen", "Talenkennis")},
    "fr": {"summary": ("Profil", "À propos"), "experience": ("Expérience professionnelle", "Parcours"),
           "education": ("Formation", "Diplômes"), "skills": ("Compétences", "Savoir-faire"),
           "languages": ("Langues", "Langues parlées")},
    "es": {"summary": ("Perfil", "Sobre mí"), "experience": ("Experiencia laboral", "Trayectoria"),
           "education": ("Formación", "Estudios"), "skills": ("Habilidades", "Conocimientos"),
           "languages": ("Idiomas", "Lenguas")},
    "pt": {"summary": ("Perfil", "Sobre mim"), "experience": ("Experiência profissional", "Percurso profissional"),
           "education": ("Formação", "Habilitações"), "skills": ("Competências", "Conhecimentos"),
           "languages": ("Línguas", "Idiomas")},
}

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
}
# language -> (word for today, words joining a spelled-out range, "since" word, "de" before a year)
DATE_WORDS = {"en": ("Present", "to", "since", ""), "de": ("heute", "bis", "seit", ""),
              "nl": ("heden", "tot", "sinds", ""), "fr": ("présent", "à", "depuis", ""),
              "es": ("actualidad", "a", "desde", "de "), "pt": ("atual", "a", "desde", "de ")}

BULLETS = {
    "en": ("Used {s} every day for a team of {n}.", "Introduced {s} and trained {n} colleagues."),
    "de": ("Täglicher Einsatz von {s} in einem Team von {n} Personen.",
           "Einführung von {s}, Schulung von {n} Kollegen."),
    "nl": ("Dagelijks werken met {s} in een team van {n} mensen.", "{s} ingevoerd en {n} collega's opgeleid."),
    "fr": ("Utilisation quotidienne de {s} dans une équipe de {n} personnes.",
           "Mise en place de {s}, {n} collègues formés."),
    "es": ("Uso diario de {s} en un equipo de {n} personas.", "Implantación de {s} y formación de {n} compañeros."),
    "pt": ("Utilização diária de {s} numa equipa de {n} pessoas.", "Implementação de {s} e formação de {n} colegas."),
}
SUMMARY = {
    "en": "{title} with {years} years of experience.", "de": "{title} mit {years} Jahren Berufserfahrung.",
    "nl": "{title} met {years} jaar werkervaring.", "fr": "{title} avec {years} ans d'expérience.",
    "es": "{title} con {years} años de experiencia.", "pt": "{title} com {years} anos de experiência.",
}

# field of study per profession -> language -> degree as written
DEGREES = {
    "en": ("BSc {f}", "MSc {f}", "BA (Hons) {f}"), "de": ("Bachelor of Science {f}", "Diplom {f}", "Master {f}"),
    "nl": ("Bachelor {f}", "Master {f}", "HBO {f}"), "fr": ("Licence {f}", "Master {f}", "BTS {f}"),
    "es": ("Grado en {f}", "Máster en {f}", "Técnico Superior en {f}"),
    "pt": ("Licenciatura em {f}", "Mestrado em {f}", "Curso Técnico de {f}"),
}
STUDY = {"teacher": ("Mathematics", "Mathematik", "Wiskunde", "Mathématiques", "Matemáticas", "Matemática"),
         "electrician": ("Electrical Engineering", "Elektrotechnik", "Elektrotechniek", "Électrotechnique",
                         "Electricidad", "Eletrotecnia"),
         "nurse": ("Nursing", "Pflegewissenschaft", "Verpleegkunde", "Soins infirmiers", "Enfermería", "Enfermagem"),
         "logistics": ("Logistics", "Logistik", "Logistiek", "Logistique", "Logística", "Logística"),
         "designer": ("Graphic Design", "Kommunikationsdesign", "Grafisch Ontwerp", "Design graphique",
                      "Diseño Gráfico", "Design Gráfico"),
         "accountant": ("Accounting", "Betriebswirtschaft", "Accountancy", "Comptabilité", "Contabilidad",
                        "Contabilidade"),
         "chef": ("Culinary Arts", "Hotelmanagement", "Koken", "Cuisine", "Cocina", "Cozinha"),
         "civil": ("Civil Engineering", "Bauingenieurwesen", "Civiele Techniek", "Génie civil", "Ingeniería Civil",
                   "Engenharia Civil"),
         "software": ("Computer Science", "Informatik", "Informatica", "Informatique", "Ingeniería Informática",
                      "Engenharia Informática"),
         "sales": ("Business Administration", "Betriebswirtschaft", "Commerciële Economie", "Commerce",
                   "Administración de Empresas", "Gestão"),
         "pharmacist": ("Pharmacy", "Pharmazie", "Farmacie", "Pharmacie", "Farmacia", "Ciências Farmacêuticas"),
         "hr": ("Human Resource Management", "Personalmanagement", "Personeelsmanagement", "Ressources humaines",
                "Relaciones Laborales", "Gestão de Recursos Humanos")}
INSTITUTIONS = {
    "en": ("University of Leeds", "University of Manchester", "Leeds Beckett University"),
    "de": ("Technische Universität München", "Universität Hamburg", "Hochschule München"),
    "nl": ("Hogeschool Rotterdam", "Universiteit Utrecht", "Fontys Hogescholen"),
    "fr": ("Université Paris-Saclay", "Université Lyon 2", "INSA Toulouse"),
    "es": ("Universidad Complutense de Madrid", "Universitat de Barcelona", "Universidad de Sevilla"),
    "pt": ("Universidade de Lisboa", "Universidade do Porto", "Universidade de Coimbra"),
}
