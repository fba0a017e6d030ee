"""The sources the reason texts rest on: one table, from shared/clinical.md §0 (pure Python, no Django).

Each reason names its source keys (`Reason.sources`); the therapist's page lists each one's full title
and link in a "Sources" disclosure, so the reason texts themselves carry no source abbreviations.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str  # the short key of clinical.md §0, e.g. "CHAT"; never shown as the reason's wording
    title: str  # the full title, as the notes give it
    urls: tuple[str, ...]  # where it was read (some sources were read on two pages)
    weight: str  # what kind of source it is: device instructions, textbook, trial, low weight …


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "CHAT",
            'Chattanooga Ionto Dual Channel Iontophoresis System — user manual, "Safety and clinical use"',
            ("https://manualslib.de/manual/184923/Chattanooga-Group-Ionto.html?page=8",),
            "Device instructions for use",
        ),
        Source(
            "ACTV",
            "ActivaDose II Iontophoresis Delivery Unit (Caputron/ActivaTek) — manual, Indications / Contraindications / Warnings",
            (
                "https://www.easymanua.ls/caputron/activadose-ii/manual?p=2",
                "https://www.easymanua.ls/caputron/activadose-ii/manual?p=3",
            ),
            "Device instructions for use",
        ),
        Source(
            "DYNA",
            "Dynatron ibox Operator's Manual — Contraindications, Precautions and Warnings (p. 22)",
            ("https://manualshive.com/ru/manual/dynatron/dynatronics-ibox/2549209?page=22",),
            "Device instructions for use",
        ),
        Source(
            "IBRE",
            "Chattanooga I-Bresis iontophoresis patch — instructions (application; skin reactions)",
            (
                "https://manualshive.com/en/manual/chattanooga/5000060/2592273?page=8",
                "https://manualshive.com/en/manual/chattanooga/5000060/2592273?page=13",
            ),
            "Device instructions for use",
        ),
        Source(
            "DUPL",
            "Empi DUPEL Dual Channel Iontophoresis System — Instructions for Use (cover/contents only read)",
            ("https://studylib.net/doc/18704273/instructions-for-use",),
            "Device instructions for use (partly read)",
        ),
        Source(
            "DUPB",
            "Empi DUPEL B.L.U.E. iontophoresis electrodes — product page (Cardiva distributor)",
            ("https://www.cardiva.com/products/dupel-blue-iontophoresis-electrodes/?lang=en",),
            "Device labeling",
        ),
        Source(
            "IPAT",
            "IontoPatch — technical overview",
            ("https://www.iontopatch.com/how-iontopatch-works/technical-overview",),
            "Manufacturer",
        ),
        Source(
            "HIDX",
            "Hidrex DP450 (tap-water iontophoresis for sweating) — user manual, Contraindications",
            ("https://manualmachine.com/hidrex/dp450/21207055-user-manual",),
            "Device instructions for use (hyperhidrosis device, not a PT drug device)",
        ),
        Source(
            "EMPX",
            "Empi Phoenix (NMES/TENS) — Safety information",
            ("https://manualshive.com/ru/manual/empi/phoenix/2403566?page=15",),
            "Device instructions for use, general electrical stimulation",
        ),
        Source(
            "ZIMM",
            "Zimmer PhySys — 4.2 Electrotherapy safety",
            ("https://www.easymanua.ls/zimmer/physys/manual?p=18",),
            "Device instructions for use, electrotherapy incl. iontophoresis",
        ),
        Source(
            "INTL",
            "Chattanooga Intelect Transport electrotherapy — Indications, contraindications, precautions",
            ("https://manualshive.com/en/manual/chattanooga/intelect-transport-2783/2592305?page=12",),
            "Device instructions for use, general electrical stimulation",
        ),
        Source(
            "RICH",
            "Richmar ComboCare — electrical stimulation warnings",
            ("https://www.easymanua.ls/richmar/combocare/manual?p=7",),
            "Device instructions for use, general electrical stimulation",
        ),
        Source(
            "OFDA",
            "openFDA device classification, product code EGJ (iontophoresis device, Physical Medicine panel)",
            ("https://api.fda.gov/device/classification.json?search=product_code%3A%22EGJ%22",),
            "Regulator data",
        ),
        Source(
            "CICC",
            'Ciccone, Pharmacology in Rehabilitation (F.A. Davis) — appendix "Drugs administered by iontophoresis and phonophoresis"',
            ("https://fadavisat.mhmedical.com/content.aspx?bookid=1877&sectionid=141015707",),
            "Textbook",
        ),
        Source(
            "PREN",
            "Prentice, Therapeutic Modalities in Rehabilitation — Iontophoresis chapter (AccessPhysiotherapy)",
            ("https://accessphysiotherapy.mhmedical.com/content.aspx?bookid=3090&sectionid=257523019",),
            "Textbook (intro only read)",
        ),
        Source(
            "BATA",
            '"Chapter 40 Iontophoresis" (contraindications handbook; cites Cameron, Ciccone, Prentice) — ClinicalGate',
            ("https://clinicalgate.com/iontophoresis",),
            "Textbook (overview only read)",
        ),
        Source(
            "COST",
            "Costello CT, Jeske AH. Iontophoresis: applications in transdermal medication delivery. Phys Ther 1995;75:554-563",
            (),  # the notes give only a truncated address
            "Review (abstract only read)",
        ),
        Source(
            "NIRS",
            "Nirschl RP et al. Iontophoretic administration of dexamethasone sodium phosphate for acute epicondylitis. Am J Sports Med 2003;31:189-195 (PMID 12642251)",
            (
                "https://pubmed.ncbi.nlm.nih.gov/12642251/",
                "https://www.reliasmedia.com/articles/30141-iontophoresis-for-tennis-elbow",
            ),
            "RCT",
        ),
        Source(
            "GUDE",
            "Gudeman SD et al. Treatment of plantar fasciitis by iontophoresis of 0.4% dexamethasone. Am J Sports Med 1997;25:312-316",
            ("https://www.qxmd.com/r/9167809",),
            "RCT",
        ),
        Source(
            "OSBO",
            "Osborne HR, Allison GT. Plantar fasciitis: LowDye taping and iontophoresis of dexamethasone and acetic acid. Br J Sports Med 2006;40:545-549",
            ("https://pmc.ncbi.nlm.nih.gov/articles/PMC2465091/",),
            "RCT",
        ),
        Source(
            "PERR",
            "Perron M, Malouin F. Acetic-acid iontophoresis and ultrasound for calcifying tendinitis of the shoulder. Arch Phys Med Rehabil 1997;78:379-384",
            ("https://acnpsearch.tweb-dev.unibo.it/singlejournalindex/4688655",),
            "RCT",
        ),
        Source(
            "FCUA",
            "Fernández Cuadros ME et al. Calcifying tendonitis of the shoulder: acetic acid iontophoresis and ultrasound. Middle East J Rehabil Health Stud 2016;3(4):e41112",
            ("https://brieflands.com/articles/mejrh-21555",),
            "Before–after study",
        ),
        Source(
            "DALU",
            "da Luz DC et al. Iontophoresis in lateral epicondylitis: randomized double-blind trial. J Shoulder Elbow Surg 2019;28:1743-1749 (PMID 31447123)",
            ("https://pubmed.ncbi.nlm.nih.gov/31447123/",),
            "RCT",
        ),
        Source(
            "ANDE",
            "Anderson CR et al. Effects of iontophoresis current magnitude and duration on dexamethasone deposition. Phys Ther 2003",
            ("https://dc.etsu.edu/etsu-works/13955/",),
            "Lab + human study",
        ),
        Source(
            "SYLV",
            "Sylvestre JP et al. In vitro optimization of dexamethasone phosphate delivery by iontophoresis. Phys Ther 2008;88:1177-1185",
            ("https://pmc.ncbi.nlm.nih.gov/articles/PMC2557054/",),
            "Lab study",
        ),
        Source(
            "GURN",
            "eOrthopod summary of Gurney B et al., JOSPT 2008;38:238-245 (dexamethasone absorption in human tendons)",
            (
                "https://eorthopod.com/faq/i-had-several-iontophoresis-treatments-done-on-my-knee-i-didnt-notice-any-difference-in-my-pain-or-swelling-i-ended-up-taking-drugs-antiinflammatories-anyway-does-this-treatment-work-for-some-p",
            ),
            "Patient-education summary of a study",
        ),
        Source(
            "EORT",
            'eOrthopod FAQ "three sessions of iontophoresis for tendonitis"',
            ("http://www.eorthopod.com/content/i-went-to-a-physical-therapist-and-had-three-sessions-of",),
            "Patient education",
        ),
        Source(
            "ASHB",
            "Ashburn MA et al. Iontophoretic administration of 2% lidocaine HCl and 1:100,000 epinephrine in humans. Clin J Pain 1997;13:22-26",
            ("https://scilit.com/publications/cf582b9ee29649d9c5aeeafb2cb9cd34",),
            "Clinical study",
        ),
        Source(
            "LIDS",
            "LidoSite (lidocaine HCl/epinephrine iontophoretic patch) — prescribing information; indications",
            (
                "https://drugs-library.com/drugs/lidosite.html",
                "http://www.druglib.com/druginfo/lidosite/indications_dosage/",
            ),
            "Drug label",
        ),
        Source(
            "PEDI",
            "Percutaneous lidocaine administration via an iontophoresis system in children (5–15 y): tolerability",
            ("https://paperexplained.cn/articles/paper/detail/ab77d5aa4218cde58cf5b1a63b1f8d354fc5a446",),
            "Clinical study (abstract)",
        ),
        Source(
            "DEXL",
            "DailyMed — Dexamethasone Sodium Phosphate Injection USP 4 mg/mL (Fresenius Kabi) label; and DailyMed label listing contraindications",
            (
                "https://dailymed.nlm.nih.gov/dailymed/fda/fdaDrugXsl.cfm?setid=4fedef4f-ec96-4f36-b2f0-01e243e3b89e&type=display",
                "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=d9b935d5-1b4f-4a08-8d40-57f397368fef",
            ),
            "Drug label",
        ),
        Source(
            "DEXS",
            "MIMS (Philippines) — Penodex (dexamethasone sodium phosphate) warnings: sulfite",
            ("https://uat.mimsdev.com/philippines/drug/info/penodex/warnings",),
            "Drug reference (low weight mirror)",
        ),
        Source(
            "DEXA",
            "eDrugsWiki — dexamethasone sodium phosphate injection (adverse reactions list from label)",
            ("http://edrugswiki.com/drug/dexamethasone-sodium-phosphate-injection-usp",),
            "Drug reference",
        ),
        Source(
            "LIDE",
            "eDrugsWiki — lidocaine and epinephrine: contraindications",
            ("http://edrugswiki.com/drug/lidocaine-and-epinephrine",),
            "Drug reference",
        ),
        Source(
            "DERM",
            "Iontophoresis review (history incl. Leduc's salicylic acid; safety) — PMC3895348",
            ("https://pmc.ncbi.nlm.nih.gov/articles/PMC3895348",),
            "Review",
        ),
        Source(
            "VWMD",
            "Verywell Health — Iontophoresis medications used in physical therapy",
            ("https://www.verywellhealth.com/medications-used-during-iontophoresis-in-pt-2696486",),
            "Patient education",
        ),
        Source(
            "VWPT",
            "About.com/Verywell — Iontophoresis in physical therapy (common uses)",
            ("http://physicaltherapy.about.com/b/2013/04/29/physical-therapy-treatment-iontophoresis.htm",),
            "Patient education",
        ),
        Source(
            "LANE",
            "Lane Community College PTA 101 — Iontophoresis lecture page",
            ("https://media.lanecc.edu/users/howardc/PTA101/101IontoPhono/101IontoPhono2.html",),
            "Course notes",
        ),
        Source(
            "SANO",
            'Sanomedica — "When should iontophoresis not be used?"',
            ("https://sanomedica.com/when-should-iontophoresis-not-be-used-iontophoresis/",),
            "Vendor page (hyperhidrosis)",
        ),
        Source(
            "SGS",
            "Stark gegen Schwitzen — Iontophorese: Gegenanzeigen (German)",
            ("https://www.stark-gegen-schwitzen.de/hyperhidrose-therapie/iontophorese/gegenanzeigen/",),
            "Patient site (hyperhidrosis), low weight",
        ),
        Source(
            "GALE",
            "Gale Encyclopedia of Nursing and Allied Health — Iontophoresis",
            ("http://www.encyclopedia.com/article-1G2-2584700471/iontophoresis.html",),
            "Reference",
        ),
        Source(
            "FPNB",
            "FPnotebook — Iontophoresis",
            ("https://mobile.fpnotebook.com/Sports/Pharm/Intphrs.htm",),
            "Clinician notes",
        ),
        Source(
            "BURN",
            'Patient Care Online — "Second-degree burn from iontophoresis" (case)',
            ("https://www.patientcareonline.com/view/second-degree-burn-iontophoresis",),
            "Case report",
        ),
        Source(
            "TRSP",
            "TR Spinal Clinic — Iontophoresis treatment (schedule; prescription)",
            ("https://trspinalclinic.com/physical-therapy-tampa/iontophoresis-treatment",),
            "Clinic page, low weight",
        ),
        Source(
            "MADR",
            "Madrid sin Dolor — Iontophoresis (sessions)",
            ("http://madridsindolor.com/en/types-of-treatment/iontophoresis/",),
            "Clinic page, low weight",
        ),
        Source(
            "FLA1",
            'Brainscape flashcards "Iontophoresis" (dose, drugs, polarity)',
            ("https://brainscape.com/flashcards/iontophoresis-988548/packs/1804548",),
            "Student notes, low weight",
        ),
        Source(
            "FLA2",
            'Brainscape flashcards "Other less common agents" (contraindications/precautions, dose)',
            ("https://brainscape.com/flashcards/other-less-common-agents-7110780/packs/11355371",),
            "Student notes, low weight",
        ),
        Source(
            "FLA3",
            'Brainscape flashcards "Iontophoresis" (depth)',
            ("https://www.brainscape.com/flashcards/iontophoresis-5867093/packs/8791036",),
            "Student notes, low weight",
        ),
        Source(
            "QUIZ",
            'Electrotherapy US test prep — "precaution/contraindication for iontophoresis"',
            (
                "https://electrotherapyus.passetra.com/question/which-of-the-following-is-582f1b45ccd050f4",
                "https://electrotherapyus.passetra.com/question/which-of-the-following-is-c6b38e164f1c995e",
            ),
            "Test prep, low weight",
        ),
        Source(
            "JAUL",
            "Jaul E, Barron J. Age-related diseases and clinical and public health implications for the 85 years old and over population. Front Public Health 2017;5:335",
            (
                "https://www.researchgate.net/publication/321734295_Age-Related_Diseases_and_Clinical_and_Public_Health_Implications_for_the_85_Years_Old_and_Over_Population",
            ),
            "Review",
        ),
        Source(
            "OLD80",
            '"What age is extreme old age" (summarises AGS/WHO 80+ vs British Geriatrics Society 85+)',
            ("https://calendar-australia.com/faq/what-age-is-extreme-old-age",),
            "Low weight",
        ),
    )
}


def sources_for(keys: tuple[str, ...]) -> tuple[Source, ...]:
    """The sources behind a reason, in the order it names them; a KeyError names an unknown key."""
    return tuple(SOURCES[key] for key in keys)
