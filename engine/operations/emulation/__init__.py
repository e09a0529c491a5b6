"""The emulation year before the dossier: annual plans and their tasks, movements and the answers of
the units below, registrations (typed or from Excel), clusters and blocks with their scoring sheet,
self-scores, the head's adjustments and the ranking, yearly grades. No BPMN process yet: these are
records kept through the year; the review round that ends it is the award dossier's."""
